"""Unusual activity values (outside the plausible range, or ten times away from N-1): refused
without a justification, kept with it — in the value, the audit trail and the bundle — from
the service, the CLI and an imported sheet (each unusual value named by line and column)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from bundle_support import PASSPHRASE
from integration_support import Cli, make_finess, make_input, raw_rows

from hospiperf_desktop.activity.catalog import shipped_catalog
from hospiperf_desktop.activity.unusual import Confirmation, UnusualValuesError
from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.services import Services

FINESS = make_finess(21)
ORDERS = "commandes_dmi"


@pytest.fixture
def est(services: Services) -> int:
    return services.establishments.add(make_input(3, beds=200)).id


def _audit(db: Path, entity_suffix: str) -> list[str]:
    """The `after` of each audit entry of one activity value, oldest first."""
    rows = raw_rows(
        db,
        "SELECT entity_id, after FROM audit_entries WHERE entity = 'activity_value' ORDER BY id",
    )
    return [after for entity_id, after in rows if entity_id.endswith(entity_suffix)]


def test_every_shipped_measure_has_a_plausible_range_with_its_source() -> None:
    for measure in shipped_catalog().measures.values():
        plausible = measure.plausible
        assert plausible is not None, measure.id
        assert plausible.source.startswith(("hypothèse HospiPerf", "référence")), measure.id
        assert plausible.low is not None and plausible.high is not None
        assert plausible.low <= plausible.high
        if measure.unit == "percent":
            assert plausible.low >= 0 and plausible.high <= 100


def test_a_value_outside_the_range_needs_a_justification_kept_with_it_and_audited(
    services: Services, est: int, db_file: Path
) -> None:
    values = services.activity.values
    values.set_values(est, 2026, {("commandes_dms", 0): 900.0})
    with pytest.raises(UnusualValuesError) as caught:
        values.set_values(est, 2026, {(ORDERS, 0): 45_000.0, ("commandes_dms", 0): 950.0})
    assert [(u.measure_id, u.reason) for u in caught.value.values] == [(ORDERS, "outside_range")]
    assert "0 to 30,000" in str(caught.value) and "hypothèse HospiPerf" in str(caught.value)
    assert values.entered(est, 2026) == {"commandes_dms": {0: 900.0}}, "nothing written"
    with pytest.raises(UnusualValuesError):  # a blank justification is no justification
        values.set_values(est, 2026, {(ORDERS, 0): 45_000.0}, justification="   ")

    why = "Reprise des commandes d'un site fermé"
    changes = {(ORDERS, 0): 45_000.0, ("commandes_dms", 0): 950.0}
    assert values.set_values(est, 2026, changes, justification=f"  {why} ") == 2
    assert values.entered(est, 2026) == {ORDERS: {0: 45_000.0}, "commandes_dms": {0: 950.0}}
    assert values.justifications(est, 2026) == {(ORDERS, 0): why}, "only the unusual value"
    audited = [json.loads(a) for a in _audit(db_file, f"/2026/00/{ORDERS}")]
    assert audited == [{"value": 45_000.0, "justification": why}]
    assert services.audit.verify().ok

    values.set_values(est, 2026, {(ORDERS, 0): 20_000.0})  # back to normal: no justification
    assert values.justifications(est, 2026) == {}


def test_ten_times_away_from_n_1_needs_a_justification_a_month_against_its_month(
    services: Services, est: int
) -> None:
    values = services.activity.values
    values.set_values(est, 2025, {("prep_cytotoxiques", 3): 100.0, ("prep_cytotoxiques", 0): 1200})
    with pytest.raises(UnusualValuesError) as caught:
        values.set_values(est, 2026, {("prep_cytotoxiques", 3): 1_001.0})
    [unusual] = caught.value.values
    assert (unusual.reason, unusual.previous, unusual.month) == ("far_from_previous", 100.0, 3)
    assert values.set_values(est, 2026, {("prep_cytotoxiques", 3): 999.0}) == 1, "9.99 times"
    with pytest.raises(UnusualValuesError):
        values.set_values(est, 2026, {("prep_cytotoxiques", 0): 100.0})  # 12 times less


def test_infinite_or_huge_values_are_refused_even_with_a_justification(
    services: Services, est: int
) -> None:
    for value in (float("inf"), float("nan"), 2e15):
        with pytest.raises(ValidationError):
            services.activity.values.set_values(est, 2026, {(ORDERS, 0): value}, "sûr")
    assert services.activity.values.entered(est, 2026) == {}


def test_the_bundle_carries_the_justification_with_the_value(
    services: Services, est: int, tmp_path: Path
) -> None:
    why = "Ouverture du bloc de chirurgie orthopédique"
    services.activity.values.set_values(
        est, 2026, {(ORDERS, 0): 45_000.0, ("etp_pui", 0): 10.0}, justification=why
    )
    services.bundles.generate_key(est, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(est, years=(2026,)))
    services.bundles.sign_and_write(prepared, PASSPHRASE, tmp_path / "paquet.zip")
    with zipfile.ZipFile(tmp_path / "paquet.zip") as bundle:
        data = json.loads(bundle.read("data/activity/activity-2026.json"))
    assert data[ORDERS]["value"] == 45_000.0
    assert data[ORDERS]["justifications"] == {"0": why}
    assert "justifications" not in data["etp_pui"]


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def ready(cli: Cli) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Plausible",
                       "--kind", "ch", "--beds", "250")  # fmt: skip
    assert code == 0, err


def _stored(db: Path) -> list[tuple[str, int, float, str | None]]:
    return [
        tuple(r)
        for r in raw_rows(
            db, "SELECT measure_id, month, value, justification FROM activity_values ORDER BY 1, 2"
        )
    ]


def test_cli_refuses_an_absurd_order_count_naming_the_plausible_range(
    cli: Cli, ready: None, db: Path
) -> None:
    code, out, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                         ORDERS, "99999999999999")  # fmt: skip
    assert code == 2 and out == ""
    assert "0 to 30,000" in err and "hypothèse HospiPerf" in err
    assert _stored(db) == []
    # Past 10^15 no justification helps: it is a typing error, not an unusual year.
    code, _, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                       ORDERS, "9999999999999999", "--confirm-unusual", "sûr")  # fmt: skip
    assert code == 2 and "too large" in err
    assert _stored(db) == []
    # Below it, an absurd count is kept when the user confirms it and says why.
    code, _, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                       ORDERS, "99999999999999", "--confirm-unusual", "saisie de test")  # fmt: skip
    assert code == 0, err
    assert _stored(db) == [(ORDERS, 0, 99_999_999_999_999.0, "saisie de test")]


def test_cli_keeps_an_unusual_value_confirmed_with_its_justification_in_the_audit(
    cli: Cli, ready: None, db: Path
) -> None:
    code, _, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                       ORDERS, "99999999999")  # fmt: skip
    assert code == 2 and "is outside the plausible range 0 to 30,000" in err
    assert "--confirm-unusual" in err
    assert _stored(db) == []
    code, _, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                       ORDERS, "99999999999", "--confirm-unusual", "")  # fmt: skip
    assert code == 2 and "needs a justification" in err
    why = "Test de charge demandé par l'ARS"
    code, out, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                         ORDERS, "99999999999", "--confirm-unusual", why)  # fmt: skip
    assert code == 0, err
    assert _stored(db) == [(ORDERS, 0, 99_999_999_999.0, why)]
    [after] = _audit(db, f"/2026/00/{ORDERS}")
    assert json.loads(after) == {"value": 99_999_999_999.0, "justification": why}
    code, out, _ = cli("audit", "verify")
    assert code == 0, out


def test_cli_import_names_each_unusual_value_by_line_and_column_and_imports_only_when_confirmed(
    cli: Cli, ready: None, db: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "activite-2026.csv"
    sheet.write_text(
        "code;valeur;mars\n"
        "lignes_cmd_medicaments;1 000;\n"
        f"{ORDERS};45 000;\n"
        "prep_cytotoxiques;;999999\n",
        encoding="utf-8",
    )
    code, out, err = cli("activity", "import", str(sheet), "--establishment", FINESS,
                         "--year", "2026")  # fmt: skip
    assert code == 2 and out == ""
    assert f"activite-2026.csv, line 3, column B (valeur): {ORDERS}/0: 45,000 is outside" in err
    assert "activite-2026.csv, line 4, column C (mars): prep_cytotoxiques/3: 999,999" in err
    assert _stored(db) == []

    why = "Deux sites fusionnés en 2026"
    code, out, err = cli("activity", "import", str(sheet), "--establishment", FINESS,
                         "--year", "2026", "--confirm-unusual", why, "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert (result["changed"], result["justified"], result["skipped"]) == (3, 2, 0)
    assert _stored(db) == [
        (ORDERS, 0, 45_000.0, why),
        ("lignes_cmd_medicaments", 0, 1000.0, None),
        ("prep_cytotoxiques", 3, 999_999.0, why),
    ]


def test_an_import_keeps_only_the_unusual_values_the_user_ticked(
    services: Services, est: int, tmp_path: Path
) -> None:
    values = services.activity.values
    values.set_values(est, 2026, {("prep_cytotoxiques", 3): 80.0})
    sheet = tmp_path / "activite.csv"
    sheet.write_text(
        f"code;valeur;mars\n{ORDERS};45 000;\nprep_cytotoxiques;;999999\n", encoding="utf-8"
    )
    with pytest.raises(UnusualValuesError) as caught:
        values.import_file(sheet, est, 2026)
    places = [(str(u.place), u.key) for u in caught.value.values]
    assert places == [
        ("activite.csv, line 2, column B (valeur)", (ORDERS, 0)),
        ("activite.csv, line 3, column C (mars)", ("prep_cytotoxiques", 3)),
    ]
    confirm = Confirmation("Bloc ouvert", frozenset({(ORDERS, 0)}))
    result = values.import_file(sheet, est, 2026, confirm=confirm)
    assert (result.justified, result.skipped) == (1, 1)
    assert values.entered(est, 2026) == {ORDERS: {0: 45_000.0}, "prep_cytotoxiques": {3: 80.0}}
    assert values.justifications(est, 2026) == {(ORDERS, 0): "Bloc ouvert"}
