"""Work-unit tables from reference packages: offered where tables are chosen, with their
origin; a newer ARS version of a table is in force for new computations, and a result keeps
the version it was computed with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integration_support import Cli, make_finess, make_input
from test_cli_library import ars_key
from test_cli_library import trust as cli_trust
from test_reference_packages import item, make_package, trust

from hospiperf_desktop.errors import ConflictError, NotFoundError
from hospiperf_desktop.services import Services

YEAR = 2026


def ster_table(table_id: str, version: str, coefficient: float) -> bytes:
    """A one-line sterilisation table counted by a measure the shipped catalog knows."""
    return json.dumps(
        {
            "format": 1,
            "id": table_id,
            "version": version,
            "title": "Coefficients régionaux de stérilisation",
            "status": "published",
            "source": "ARS, groupe régional stérilisation",
            "fte_measure": "etp_sterilisation",
            "groups": [{"id": "vapeur", "label": "Vapeur"}],
            "items": [
                {
                    "id": "S1",
                    "group": "vapeur",
                    "label": "Compositions jusqu'à 20 instruments",
                    "coefficient": coefficient,
                    "measure": "ster_compositions_petites",
                }
            ],
        }
    ).encode()


def install(
    services: Services, ars: Ed25519PrivateKey, out: Path, table_id: str, version: str, c: float
) -> None:
    package = make_package(
        out, ars, [item("uo_table", "uo", table_id, version, ster_table(table_id, version, c))]
    )
    services.library.install(package)


@pytest.fixture
def ready(diag_services: Services) -> tuple[Services, int, Ed25519PrivateKey]:
    ars = Ed25519PrivateKey.generate()
    trust(diag_services, ars)
    establishment = diag_services.establishments.add(make_input())
    diag_services.activity.values.set_values(
        establishment.id, YEAR, {("ster_compositions_petites", 0): 100.0}
    )
    return diag_services, establishment.id, ars


def test_a_packaged_table_is_offered_with_its_origin_and_computes_work_units(
    ready: tuple[Services, int, Ed25519PrivateKey], tmp_path: Path
) -> None:
    services, establishment_id, ars = ready
    install(services, ars, tmp_path / "p.zip", "uo-ster-region", "1.0", 2.5)
    tables = {t.id: t for t in services.activity.tables.all()}
    assert set(tables) == {"uo-pharma", "uo-sterilisation", "uo-ster-region"}
    origin = tables["uo-ster-region"].origin
    assert origin is not None and origin.publisher == "ARS test"
    assert tables["uo-pharma"].origin is None
    report = services.activity.work_units.compute(establishment_id, YEAR, "uo-ster-region")
    assert (report.result.table_version, report.result.total) == ("1.0", 250.0)


def test_a_newer_ars_version_is_in_force_and_an_earlier_result_keeps_its_version(
    ready: tuple[Services, int, Ed25519PrivateKey], tmp_path: Path
) -> None:
    services, establishment_id, ars = ready
    work_units = services.activity.work_units
    shipped = work_units.compute(establishment_id, YEAR, "uo-sterilisation")
    assert (shipped.result.table_version, shipped.result.total) == ("2026.1-provisoire", 100.0)
    kept = work_units.record(shipped)

    install(services, ars, tmp_path / "p1.zip", "uo-sterilisation", "2026.1", 3.0)
    (table,) = [t for t in services.activity.tables.all() if t.id == "uo-sterilisation"]
    assert table.version == "2026.1" and table.packaged
    first = work_units.compute(establishment_id, YEAR, "uo-sterilisation")
    assert (first.result.table_version, first.result.total) == ("2026.1", 300.0)
    work_units.record(first)

    install(services, ars, tmp_path / "p2.zip", "uo-sterilisation", "2026.2", 4.0)
    assert work_units.compute(establishment_id, YEAR, "uo-sterilisation").result.total == 400.0
    recorded = {r.id: (r.table_version, r.total) for r in work_units.recorded(establishment_id)}
    assert recorded[kept.id] == ("2026.1-provisoire", 100.0)
    assert sorted(recorded.values()) == [("2026.1", 300.0), ("2026.1-provisoire", 100.0)]
    for version, total in (("2026.1-provisoire", 100.0), ("2026.1", 300.0)):
        again = work_units.compute(establishment_id, YEAR, "uo-sterilisation", version)
        assert (again.result.table_version, again.result.total) == (version, total)
    with pytest.raises(NotFoundError):
        work_units.compute(establishment_id, YEAR, "uo-sterilisation", "1999.1")


def test_an_ars_version_older_than_the_shipped_one_does_not_replace_it(
    ready: tuple[Services, int, Ed25519PrivateKey], tmp_path: Path
) -> None:
    services, establishment_id, ars = ready
    install(services, ars, tmp_path / "old.zip", "uo-sterilisation", "2025.1", 7.0)
    table = services.activity.tables.get("uo-sterilisation")
    assert (table.version, table.packaged) == ("2026.1-provisoire", False)
    older = services.activity.work_units.compute(
        establishment_id, YEAR, "uo-sterilisation", "2025.1"
    )
    assert older.result.total == 700.0


def test_a_packaged_table_is_never_edited_and_a_local_copy_of_it_is(
    ready: tuple[Services, int, Ed25519PrivateKey], tmp_path: Path
) -> None:
    services, _establishment_id, ars = ready
    install(services, ars, tmp_path / "p.zip", "uo-ster-region", "1.0", 2.5)
    tables = services.activity.tables
    with pytest.raises(ConflictError) as refused:
        tables.set_line("uo-ster-region", "S1", coefficient=9)
    assert refused.value.reason == "shipped_table" and "ARS test" in str(refused.value)
    copy = tables.copy("uo-ster-region", "uo-ster-chx", "Stérilisation du CHX")
    assert (copy.base_id, copy.base_version, copy.origin) == ("uo-ster-region", "1.0", None)
    assert tables.set_line("uo-ster-chx", "S1", coefficient=9).version == "1.0+local.2"


def test_a_packaged_table_from_the_command_line_and_an_earlier_result_keeps_its_version(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, private = ars_key(tmp_path)
    cli_trust(db, private)
    monkeypatch.setenv("ARS_PASS", "phrase secrete ARS")
    finess = make_finess(12)
    assert (
        cli("establishment", "add", "--finess", finess, "--name", "CH UO", "--kind", "ch")[0] == 0
    )
    cli("activity", "set", "--establishment", finess, "--year", str(YEAR),
        "ster_compositions_petites", "100")  # fmt: skip
    where = ("--establishment", finess, "--year", str(YEAR), "--table", "uo-sterilisation")
    code, out, err = cli("uo", "compute", *where, "--save", "--json")
    assert code == 0, err
    assert json.loads(out)["table_version"] == "2026.1-provisoire"

    table = tmp_path / "uo-sterilisation.json"
    table.write_bytes(ster_table("uo-sterilisation", "2026.1", 3.0))
    package = tmp_path / "paquet.zip"
    code, _, err = cli(
        "ars", "package", "--out", str(package), "--uo-table", str(table), "--key", str(key),
        "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    assert cli("library", "import", str(package), "--yes")[0] == 0

    code, out, err = cli("uo", "tables", "--json")
    listed = {t["id"]: t for t in json.loads(out)}
    assert listed["uo-sterilisation"]["version"] == "2026.1"
    assert listed["uo-sterilisation"]["origin"]["publisher"] == "ARS"
    assert listed["uo-pharma"]["origin"] == "shipped"
    code, out, _ = cli("uo", "tables")
    assert "uo-sterilisation version 2026.1 — " in out and "ARS package " in out
    code, out, err = cli("uo", "compute", *where, "--save", "--json")
    assert code == 0, err
    assert (json.loads(out)["table_version"], json.loads(out)["total"]) == ("2026.1", 300.0)
    code, out, _ = cli("uo", "results", "--establishment", finess, "--json")
    assert sorted((r["table_version"], r["total"]) for r in json.loads(out)) == [
        ("2026.1", 300.0),
        ("2026.1-provisoire", 100.0),
    ]
    code, out, err = cli("uo", "compute", *where, "--table-version", "2026.1-provisoire", "--json")
    assert code == 0, err
    assert json.loads(out)["total"] == 100.0
