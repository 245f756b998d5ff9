"""The UO Sté category table (issue 18 point 1): a local copy typed once and versioned, an ARS
package that ships non-provisional coefficients, and the order a study takes them in
(its own, the ARS table, the local one, the shipped one), each result naming its table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integration_support import Cli, make_finess, make_input
from test_reference_packages import item, make_package, trust

from hospiperf_desktop.calculators.sterilisation import compute, shipped_table, table_to_dict
from hospiperf_desktop.calculators.sterilisation_files import read_study, study_to_data
from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.library.package import PackageRejected
from hospiperf_desktop.services import Services

EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "sterilisation-2026.json"


def study_without_coefficients(tmp_path: Path, **coefficients: float) -> Path:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["coefficients"] = coefficients
    out = tmp_path / "study.json"
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def ars_table(version: str, **coefficients: float) -> bytes:
    table = table_to_dict(shipped_table())
    table["version"] = version
    for category in table["categories"]:
        if category["id"] in coefficients:
            category["coefficient"] = coefficients[category["id"]]
        category["provisional"] = False
    return json.dumps(table).encode()


def test_the_local_table_is_a_new_version_at_each_change_and_is_audited(
    services: Services,
) -> None:
    tables = services.sterilisation_tables
    assert tables.local() is None
    assert tables.in_force().origin == "shipped"
    first = tables.set_coefficients({"VS1": 1.5})
    second = tables.set_coefficients({"VS2": 3.0})
    assert (first.version, second.version) == (
        "2026.1-provisoire+local.1",
        "2026.1-provisoire+local.2",
    )
    local = tables.local()
    assert local is not None and local.version == second.version
    vs1, vs2, vs3 = (local.get(c) for c in ("VS1", "VS2", "VS3"))
    assert vs1 is not None and (vs1.coefficient, vs1.provisional) == (1.5, False)
    assert vs2 is not None and (vs2.coefficient, vs2.provisional) == (3.0, False)
    assert vs3 is not None and (vs3.coefficient, vs3.provisional) == (1.0, True)  # untouched
    assert tables.in_force().origin == "local"
    from hospiperf_desktop.audit.journal import JournalFilter

    entries = services.journal.page(JournalFilter(entity="sterilisation_table")).entries
    assert len(entries) == 2


def test_an_unknown_category_or_a_negative_coefficient_is_refused_and_nothing_saved(
    services: Services,
) -> None:
    tables = services.sterilisation_tables
    with pytest.raises(ValidationError) as refused:
        tables.set_coefficients({"XX9": 1.0, "VS1": -2.0})
    assert {i.field for i in refused.value.issues} == {"XX9", "VS1"}
    assert tables.local() is None


def test_calc_sterilisation_table_set_show_export_import_and_a_study_uses_it(
    cli: Cli, tmp_path: Path
) -> None:
    code, out, err = cli("calc", "sterilisation-table", "set", "VS2=3", "BS1=2", "VSU=1")
    assert code == 0, err
    assert "2026.1-provisoire+local.1" in out
    code, out, err = cli("calc", "sterilisation-table", "show", "--json")
    shown = json.loads(out)
    assert shown["origin"] == "local"
    coefficients = {c["id"]: (c["coefficient"], c["provisional"]) for c in shown["categories"]}
    assert coefficients["VS2"] == (3, False) and coefficients["VS1"] == (1, True)

    # the study sets VS1 itself; the local table gives the rest, none of it provisional
    code, out, err = cli(
        "calc", "sterilisation", str(study_without_coefficients(tmp_path, VS1=1.5)), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["uo_total"] == 26_000  # 10 000 × 1,5 + 2 000 × 3 + 500 × 2 + 4 000 × 1
    assert (data["table_origin"], data["table_version"]) == ("local", "2026.1-provisoire+local.1")
    assert data["own_coefficients"] == ["VS1"]
    assert data["provisional"] is False and data["provisional_categories"] == []

    exported = tmp_path / "table.json"
    assert cli("calc", "sterilisation-table", "export", str(exported))[0] == 0
    table = json.loads(exported.read_text(encoding="utf-8"))
    table["categories"][0] |= {"coefficient": 4, "provisional": False}  # VS1, as the file says
    exported.write_text(json.dumps(table), encoding="utf-8")
    code, out, err = cli("calc", "sterilisation-table", "import", str(exported))
    assert code == 0, err
    assert "+local.2" in out
    code, out, _ = cli("calc", "sterilisation-table", "show")
    assert "local copy, version 2026.1-provisoire+local.2" in out
    assert "VS1    4  " in out


def test_a_bad_coefficient_or_table_file_is_refused_in_one_line(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("calc", "sterilisation-table", "set", "VS1=beaucoup")
    assert code != 0 and "CATEGORY=VALUE" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1, "version": "x", "categories": [{"id": "A"}]}))
    code, _, err = cli("calc", "sterilisation-table", "import", str(bad))
    assert code != 0 and "categories[0]" in err and "Traceback" not in err
    code, out, _ = cli("calc", "sterilisation-table", "show")
    assert "shipped, version 2026.1-provisoire" in out


def test_an_ars_package_sets_the_coefficients_a_new_study_uses_and_an_old_study_keeps_its_result(
    services: Services, tmp_path: Path
) -> None:
    ars = Ed25519PrivateKey.generate()
    trust(services, ars)
    establishment = services.establishments.add(make_input(finess=make_finess(41)))
    study = read_study(study_without_coefficients(tmp_path))
    services.sterilisation_tables.set_coefficients({"VS1": 1.2})  # the local table: passed over
    old = compute(study, services.sterilisation_tables.in_force())
    saved = services.calculators.save(
        establishment.id,
        "sterilisation",
        "Étude 2026",
        study_to_data(study),
        old,
        old.table_version,
    )
    assert old.table_origin == "local" and old.provisional is True

    package = make_package(
        tmp_path / "ste.zip",
        ars,
        [item("sterilisation", "sterilisation", "ste-ars", "2026.2", ars_table("2026.2", VS1=2))],
    )
    preview = services.library.preview(package)
    assert [(c.kind, c.id, c.version, c.action) for c in preview.changes] == [
        ("sterilisation", "ste-ars", "2026.2", "add")
    ]
    services.library.install(package)
    table = services.sterilisation_tables.in_force()
    assert (table.origin, table.version, table.publisher) == ("package", "2026.2", "ARS test")

    new = compute(study, table)
    assert new.uo_total == 10_000 * 2 + 2_000 + 500 + 4_000
    assert (new.table_origin, new.table_version, new.provisional) == ("package", "2026.2", False)
    kept = services.calculators.get(saved.id).result
    assert kept["uo_total"] == 10_000 * 1.2 + 2_000 + 500 + 4_000
    assert (kept["table_origin"], kept["table_version"]) == ("local", "2026.1-provisoire+local.1")
    assert "VS2" in kept["provisional_categories"]


def test_a_package_item_that_is_not_a_category_table_is_refused(
    services: Services, tmp_path: Path
) -> None:
    ars = Ed25519PrivateKey.generate()
    trust(services, ars)
    broken = json.loads(ars_table("2026.2"))
    broken["categories"][0]["coefficient"] = -1
    package = make_package(
        tmp_path / "bad.zip",
        ars,
        [item("sterilisation", "sterilisation", "ste", "2026.2", json.dumps(broken).encode())],
    )
    with pytest.raises(PackageRejected, match="coefficient"):
        services.library.install(package)
    assert services.sterilisation_tables.packaged() is None
