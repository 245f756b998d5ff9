"""A long trail is verified in two halves at once (audit/service._verify_in_halves): whatever
was done to the file, the halves put end to end must report exactly what one pass reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from integration_support import make_input, tamper

import hospiperf_desktop.audit.service as audit_service
from hospiperf_desktop.audit.service import AuditReport
from hospiperf_desktop.services import open_services

ENTRIES = 13  # the middle id is 6: ids 1-6 in the first half, 7-13 in the second

COLUMNS = "id, recorded_at, actor, action, entity, entity_id, before, after, prev_hash, hash"
FORGED = (  # a copy of the last entry, as a new entry after the head (head row unchanged)
    f"INSERT INTO audit_entries ({COLUMNS}) SELECT id + 1, recorded_at, actor, action, "
    "entity, entity_id, before, after, hash, hex(randomblob(32)) FROM audit_entries "
    f"WHERE id = {ENTRIES}"
)


def _verify(path: Path, split_from: int, monkeypatch: pytest.MonkeyPatch) -> AuditReport:
    monkeypatch.setattr(audit_service, "SPLIT_FROM", split_from)
    opened = open_services(path)
    try:
        return opened.audit.verify()
    finally:
        opened.close()


@pytest.mark.parametrize(
    "statements",
    [
        (),
        ("UPDATE audit_entries SET actor = 'quelqu''un' WHERE id = 3",),
        ("UPDATE audit_entries SET after = NULL WHERE id = 10",),
        ("DELETE FROM audit_entries WHERE id = 6",),  # the last of the first half
        ("DELETE FROM audit_entries WHERE id = 7",),  # the first of the second half
        ("DELETE FROM audit_entries WHERE id IN (2, 9)",),
        (f"DELETE FROM audit_entries WHERE id = {ENTRIES}",),
        (FORGED,),
        ("UPDATE audit_entries SET prev_hash = hash WHERE id = 7",),
        ("UPDATE audit_head SET last_hash = 'x'",),
    ],
    ids=[
        "intact", "altered-first-half", "altered-second-half", "middle-removed",
        "after-middle-removed", "one-removed-in-each-half", "last-removed",
        "forged-after-head", "link-rewritten-at-the-split", "head-changed",
    ],
)  # fmt: skip
def test_two_halves_report_what_one_pass_reports(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, statements: tuple[str, ...]
) -> None:
    opened = open_services(db_file)
    try:
        while opened.audit.verify().entries_checked < ENTRIES:
            opened.establishments.add(make_input(opened.audit.verify().entries_checked + 1))
        assert opened.audit.verify().entries_checked == ENTRIES
    finally:
        opened.close()
    tamper(db_file, *statements)

    halves_used: list[int] = []
    in_halves = audit_service._verify_in_halves

    def spied(connection, head, database):  # type: ignore[no-untyped-def]
        halves_used.append(head[0])
        return in_halves(connection, head, database)

    monkeypatch.setattr(audit_service, "_verify_in_halves", spied)
    one_pass = _verify(db_file, 10**9, monkeypatch)
    assert halves_used == []
    halves = _verify(db_file, 1, monkeypatch)
    assert len(halves_used) == 1, "the long-trail path ran"

    assert halves.entries_checked == one_pass.entries_checked
    assert halves.problems == one_pass.problems
    assert halves.ok == (statements == ())


def test_a_database_named_by_a_relative_path_is_verified_in_halves(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hospiperf --db base.sqlite audit verify`: the second connection needs the whole path."""
    opened = open_services(db_file)
    try:
        for serial in range(1, 4):
            opened.establishments.add(make_input(serial))
    finally:
        opened.close()
    monkeypatch.chdir(db_file.parent)
    paths: list[Path] = []
    in_halves = audit_service._verify_in_halves

    def spied(connection, head, database):  # type: ignore[no-untyped-def]
        paths.append(database)
        return in_halves(connection, head, database)

    monkeypatch.setattr(audit_service, "_verify_in_halves", spied)
    report = _verify(Path(db_file.name), 1, monkeypatch)
    assert report.ok and report.entries_checked >= 3
    assert len(paths) == 1
