"""Every change to an establishment is in the audit trail, and tampering is detected."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from integration_support import make_input, raw_rows, tamper

from hospiperf_desktop.audit.service import AuditRecord
from hospiperf_desktop.profiles.service import system_user
from hospiperf_desktop.services import Services, open_services


def _establishment_entries(services: Services) -> list[AuditRecord]:
    return [r for r in reversed(services.audit.recent()) if r.entity == "establishment"]


def _problem_codes(path: Path) -> list[tuple[int | None, str]]:
    reopened = open_services(path)
    try:
        report = reopened.audit.verify()
    finally:
        reopened.close()
    assert not report.ok
    return [(p.entry_id, p.code) for p in report.problems]


def test_add_update_delete_are_recorded_with_before_and_after(services: Services) -> None:
    added = services.establishments.add(make_input(1, beds=120))
    services.establishments.update(added.id, replace(make_input(1), beds=150))
    services.establishments.delete(added.id)

    create, update, delete = _establishment_entries(services)
    assert (create.action, create.entity_id) == ("create", added.finess)
    assert create.before is None
    assert create.after is not None and create.after["beds"] == 120
    assert (update.action, update.entity_id) == ("update", added.finess)
    assert update.before is not None and update.before["beds"] == 120
    assert update.after is not None and update.after["beds"] == 150
    assert (delete.action, delete.entity_id) == ("delete", added.finess)
    assert delete.before is not None and delete.before["beds"] == 150
    assert delete.after is None
    assert services.audit.verify().ok


def test_without_a_profile_the_author_is_the_system_login(services: Services) -> None:
    services.establishments.add(make_input(1))
    (entry,) = _establishment_entries(services)
    assert entry.actor == f"{system_user()} (system login)"


def test_the_current_profile_is_named_as_the_author(services: Services) -> None:
    claire = services.profiles.add("Claire Martin", "pharmacist")
    services.profiles.set_current(claire.id)
    services.establishments.add(make_input(1))
    (entry,) = _establishment_entries(services)
    assert entry.actor == "Claire Martin (pharmacist)"


def test_a_fresh_trail_verifies(services: Services) -> None:
    report = services.audit.verify()
    assert report.ok and report.entries_checked == 0


def _trail_of_four(db_file: Path) -> None:
    opened = open_services(db_file)
    try:
        for serial in range(1, 5):
            opened.establishments.add(make_input(serial))
        assert opened.audit.verify().ok
        assert opened.audit.verify().entries_checked == 4
    finally:
        opened.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET after = NULL WHERE id = 2",
        "DELETE FROM audit_entries WHERE id = 2",
    ],
)
def test_the_database_itself_refuses_to_edit_the_trail(db_file: Path, statement: str) -> None:
    _trail_of_four(db_file)
    with (
        closing(sqlite3.connect(db_file)) as conn,
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
    ):
        conn.execute(statement)
    assert len(raw_rows(db_file, "SELECT id FROM audit_entries")) == 4


def test_an_edited_entry_is_detected(db_file: Path) -> None:
    _trail_of_four(db_file)
    tamper(
        db_file,
        "UPDATE audit_entries SET after = replace(after, '\"beds\": 102', "
        "'\"beds\": 2') WHERE id = 2",
    )
    assert '"beds": 2,' in str(raw_rows(db_file, "SELECT after FROM audit_entries WHERE id=2"))
    assert _problem_codes(db_file) == [(2, "altered")]


def test_a_deleted_middle_entry_is_detected(db_file: Path) -> None:
    _trail_of_four(db_file)
    tamper(db_file, "DELETE FROM audit_entries WHERE id = 2")
    assert _problem_codes(db_file) == [(3, "broken_link")]


def test_a_deleted_last_entry_is_detected(db_file: Path) -> None:
    _trail_of_four(db_file)
    tamper(db_file, "DELETE FROM audit_entries WHERE id = 4")
    assert _problem_codes(db_file) == [(None, "head_mismatch")]


def test_an_entry_sqlite_writes_otherwise_is_hashed_again_the_exact_way(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verification hashes SQLite's canonical text first; where it differs from Python's
    (here: every entry, its keys reordered) the exact hash decides, and tampering still shows."""
    import hospiperf_desktop.audit.service as audit_service

    _trail_of_four(db_file)
    sql = audit_service._CANONICAL_SQL.replace("'action', action, ", "")
    reordered = sql.replace("recorded_at)", "recorded_at, 'action', action)")
    assert reordered != audit_service._CANONICAL_SQL
    monkeypatch.setattr(audit_service, "_CANONICAL_SQL", reordered)
    reopened = open_services(db_file)
    try:
        assert reopened.audit.verify().ok
    finally:
        reopened.close()
    tamper(db_file, "UPDATE audit_entries SET actor = 'someone else' WHERE id = 3")
    assert _problem_codes(db_file) == [(3, "altered")]
