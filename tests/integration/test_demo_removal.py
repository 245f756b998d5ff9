"""The demo never signs the user's work, and goes away in one action leaving the user's rows."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from integration_support import Cli, make_finess

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.services import open_services

USER_FINESS = make_finess(1)
# Rows that are not "the user's data": the append-only audit trail (it records the demo
# coming and going) and the flag saying the demo was offered once.
NOT_COMPARED = {"audit_entries", "audit_head", "alembic_version"}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as an outside tool reads them."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in NOT_COMPARED and not name.startswith("sqlite_")
        ]
        rows = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    rows["settings"] = [r for r in rows["settings"] if r[0] != "demo_offered"]
    return rows


def _users_work(cli: Cli, db: Path) -> None:
    """A profile of the user's, current, and an establishment with a diagnostic and activity."""
    assert cli("profile", "add", "--name", "Élodie Durand", "--role", "pharmacist", "--use")[0] == 0
    code, _, err = cli("establishment", "add", "--finess", USER_FINESS, "--name",
                       "Hôpital de l'Utilisatrice", "--kind", "ch")  # fmt: skip
    assert code == 0, err
    services = open_services(db)
    try:
        establishment = services.establishments.by_finess(USER_FINESS)
        # The same questionnaire as a demo campaign: its stored copy is shared, and stays.
        summary = services.diagnostics.create("conciliation-medicamenteuse", establishment.id)
        item = services.diagnostics.template("conciliation-medicamenteuse").items[0]
        services.diagnostics.answer(summary.id, item.id, AnswerCode.YES, "Revu le 12/03/2025")
        services.activity.values.set_values(
            establishment.id, 2025, {("commandes_medicaments", 0): 1200.0}
        )
    finally:
        services.close()


def test_loading_the_demo_leaves_the_current_profile_as_it_was(cli: Cli, db: Path) -> None:
    _users_work(cli, db)
    assert cli("demo")[0] == 0

    profiles = json.loads(cli("profile", "list", "--json")[1])
    current = [p["name"] for p in profiles if p["current"]]
    assert current == ["Élodie Durand"]
    fictitious = {p["name"]: p["fictitious"] for p in profiles}
    assert fictitious == {
        "Claire Martin": True,
        "Élodie Durand": False,
        "Julien Roche": True,
        "Sophie Bernard": True,
    }
    establishments = json.loads(cli("establishment", "list", "--json")[1])
    marks = {e["finess"]: e["fictitious"] for e in establishments}
    assert marks.pop(USER_FINESS) is False
    assert len(marks) == 5 and all(marks.values())
    code, out, _ = cli("profile", "list")
    assert code == 0
    assert "Claire Martin  (pharmacist)  [fictitious]" in out
    assert "Élodie Durand  (pharmacist)\n" in out


def test_the_demo_writes_under_no_profile_when_none_was_chosen(cli: Cli, db: Path) -> None:
    assert cli("demo")[0] == 0
    profiles = json.loads(cli("profile", "list", "--json")[1])
    assert [p for p in profiles if p["current"]] == []


def test_removing_the_demo_leaves_exactly_the_users_rows(cli: Cli, db: Path) -> None:
    _users_work(cli, db)
    before = dump(db)
    assert cli("demo")[0] == 0
    assert dump(db) != before

    code, out, err = cli("demo", "remove", "--json")
    assert code == 0, err
    removed = json.loads(out)
    assert (removed["establishments"], removed["profiles"]) == (5, 3)
    assert removed["data"]["diagnostics"] == 4 and removed["data"]["stock_movements"] > 1_000
    assert dump(db) == before
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "intact" in out
    last = sqlite3.connect(db).execute(
        "SELECT action, entity, actor FROM audit_entries ORDER BY id DESC LIMIT 1"
    )
    assert last.fetchone() == ("remove", "demo", "Élodie Durand (pharmacist)")


def test_removing_the_demo_twice_removes_nothing_the_second_time(cli: Cli, db: Path) -> None:
    assert cli("demo")[0] == 0
    assert cli("demo", "remove")[0] == 0
    code, out, _ = cli("demo", "remove")
    assert code == 0 and "0 establishment(s), 0 profile(s)" in out
    assert json.loads(cli("establishment", "list", "--json")[1]) == []


def test_a_demo_profile_chosen_as_current_is_no_longer_current_after_removal(
    cli: Cli, db: Path
) -> None:
    assert cli("demo")[0] == 0
    claire = next(
        p for p in json.loads(cli("profile", "list", "--json")[1]) if p["name"] == "Claire Martin"
    )
    assert cli("profile", "use", str(claire["id"]))[0] == 0
    assert cli("demo", "remove")[0] == 0
    assert json.loads(cli("profile", "list", "--json")[1]) == []
    assert cli("audit", "verify")[0] == 0
