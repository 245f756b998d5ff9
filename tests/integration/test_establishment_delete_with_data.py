"""Deleting an establishment that holds data: named twice, copied first, audited."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from integration_support import Cli, make_finess, make_input

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.services import Services, open_services
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

FINESS = make_finess(1)
NAME = "Centre hospitalier n°1"
BACKUP_NAME = re.compile(rf"^hospiperf-\d{{8}}-\d{{6}}-r{SCHEMA_HEAD}-before-delete\.sqlite$")


def _fill(services: Services) -> tuple[int, int]:
    """Two establishments with a diagnostic and activity each; returns their ids."""
    ids = []
    for serial in (1, 2):
        establishment = services.establishments.add(make_input(serial))
        diagnostic = services.diagnostics.create("conciliation-medicamenteuse", establishment.id)
        item = services.diagnostics.template("conciliation-medicamenteuse").items[0]
        services.diagnostics.answer(diagnostic.id, item.id, AnswerCode.NO, "À revoir en 2026")
        services.activity.values.set_values(
            establishment.id,
            2025,
            {("commandes_medicaments", 0): 1000.0 * serial, ("commandes_dms", 0): 10.0},
        )
        ids.append(establishment.id)
    return ids[0], ids[1]


def test_contents_counts_what_would_go(services: Services) -> None:
    first, _ = _fill(services)
    contents = services.establishments.contents(first)
    assert (contents.diagnostics, contents.activity_values, contents.stock_lines) == (1, 2, 0)
    assert not contents.empty


def test_a_wrong_name_deletes_nothing_and_takes_no_copy(services: Services, db_file: Path) -> None:
    first, _ = _fill(services)
    with pytest.raises(ValidationError) as raised:
        services.establishments.delete_with_data(first, "Centre hospitalier")
    assert raised.value.issues[0].code == "name_mismatch"
    assert services.establishments.contents(first).diagnostics == 1
    assert not (db_file.parent / "backups").exists()


def test_deleting_with_data_keeps_a_copy_first_and_spares_the_neighbour(
    services: Services, db_file: Path
) -> None:
    first, second = _fill(services)
    deleted = services.establishments.delete_with_data(first, f"  {NAME} ")

    assert (deleted.contents.diagnostics, deleted.contents.activity_values) == (1, 2)
    assert [e.id for e in services.establishments.list()] == [second]
    assert services.establishments.contents(second).diagnostics == 1
    assert services.activity.values.years(second) == [2025]
    assert deleted.backup is not None
    copy = Path(deleted.backup)
    assert copy.parent == db_file.parent / "backups" and BACKUP_NAME.match(copy.name)
    # A checked backup like any other: the copy and its sidecar, no temporary file left.
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name, copy.name + ".json"]
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM diagnostics").fetchone() == (2,)
        assert conn.execute("SELECT name FROM establishments WHERE id = ?", (first,)).fetchone()
    assert services.audit.verify().ok
    entry = services.audit.recent(1)[0]
    assert (entry.action, entry.entity_id) == ("delete_with_data", FINESS)
    assert entry.before is not None and entry.before["data"]["diagnostics"] == 1


def test_cli_delete_with_data_needs_the_name_typed(cli: Cli, db: Path) -> None:
    services = open_services(db)
    try:
        _fill(services)
    finally:
        services.close()

    code, _, err = cli("establishment", "delete", FINESS, "--yes")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = cli("establishment", "delete", FINESS, "--with-data")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "1 diagnostics" in err and "2 activity values" in err and "--confirm-name" in err
    code, _, err = cli("establishment", "delete", FINESS, "--with-data", "--confirm-name", "x")
    assert code == 2 and NAME in err
    assert len(json.loads(cli("establishment", "list", "--json")[1])) == 2

    code, out, err = cli("establishment", "delete", FINESS, "--with-data",
                         "--confirm-name", NAME, "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["contents"]["diagnostics"] == 1
    assert BACKUP_NAME.match(Path(result["backup"]).name)
    assert [e["finess"] for e in json.loads(cli("establishment", "list", "--json")[1])] == [
        make_finess(2)
    ]
    assert cli("audit", "verify")[0] == 0


def test_the_documented_backup_name_and_check_hold(cli: Cli, db: Path) -> None:
    """docs/profiles-and-demo.md: the name pattern of the copy, and opening it with --db."""
    page = (Path(__file__).parents[2] / "docs" / "profiles-and-demo.md").read_text("utf-8")
    documented = next(line for line in page.splitlines() if "-before-delete.sqlite" in line)
    pattern = (
        re.escape(documented.strip().split("/")[-1])
        .replace("YYYYMMDD", r"\d{8}")
        .replace("HHMMSS", r"\d{6}")
        .replace(re.escape("<schema revision>"), SCHEMA_HEAD)
    )
    services = open_services(db)
    try:
        _fill(services)
    finally:
        services.close()
    code, out, err = cli("establishment", "delete", FINESS, "--with-data",
                         "--confirm-name", NAME, "--json")  # fmt: skip
    assert code == 0, err
    copy = Path(json.loads(out)["backup"])
    assert re.fullmatch(pattern, copy.name), (pattern, copy.name)
    code, out, err = cli("--db", str(copy), "establishment", "list", "--json")
    assert code == 0, err
    assert [e["finess"] for e in json.loads(out)] == [FINESS, make_finess(2)]
