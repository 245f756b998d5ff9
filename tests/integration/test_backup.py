"""Backups: written, checked, listed, rotated, restored row by row, and audited."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from backup_support import dump
from integration_support import Cli, make_input

from hospiperf_desktop.backup import service as backup_service
from hospiperf_desktop.backup.check import BackupCheck
from hospiperf_desktop.backup.restore import restore_backup
from hospiperf_desktop.backup.store import FAILED_FOLDER, list_folder
from hospiperf_desktop.faults import EXIT_BACKUP_FAILED, BackupFailed
from hospiperf_desktop.services import Services, open_services
from hospiperf_desktop.storage import database as database_module
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

AUDIT_TABLES = ("audit_entries", "audit_head")


def _fill(services: Services, count: int = 3) -> None:
    for serial in range(1, count + 1):
        services.establishments.add(make_input(serial))


def test_create_verify_change_restore_gives_back_exactly_the_backed_up_rows(
    cli: Cli, db: Path
) -> None:
    assert cli("demo")[0] == 0
    code, out, _ = cli("backup", "create", "--json")
    assert code == 0
    backup = Path(json.loads(out)["file"])
    backed_up = dump(db)
    assert cli("backup", "verify", str(backup))[0] == 0
    services = open_services(db)
    try:
        services.establishments.add(make_input(42))
    finally:
        services.close()
    assert dump(db) != backed_up

    code, out, err = cli("backup", "restore", str(backup))

    assert code == 0, err
    restored = dump(db)
    for table, rows in backed_up.items():
        if table not in AUDIT_TABLES:
            assert restored[table] == rows, f"table {table} differs after the restore"
    entries = restored["audit_entries"]
    assert entries[:-1] == backed_up["audit_entries"], "the backed-up trail is unchanged"
    assert entries[-1][3] == "restore" and backup.name in entries[-1][5]
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "intact" in out


def test_the_restore_keeps_the_replaced_database_as_a_checked_backup(
    services: Services, db_file: Path
) -> None:
    _fill(services, 2)
    first = services.backups.create()
    services.establishments.add(make_input(9))
    before_restore = dump(db_file, skip=AUDIT_TABLES)
    services.close()

    report = restore_backup(db_file, first.path)

    assert report.set_aside is not None and report.set_aside.name.endswith("-before-restore.sqlite")
    assert dump(report.set_aside, skip=AUDIT_TABLES) == before_restore
    listed = {b.path.name: b for b in list_folder(db_file.parent / "backups")}
    assert listed[report.set_aside.name].checked


def test_a_backup_lists_what_it_holds_and_its_sidecar_records_the_audit_head(
    services: Services,
) -> None:
    _fill(services, 3)
    created = services.backups.create()
    sidecar = json.loads(created.path.with_name(created.path.name + ".json").read_text())
    [listed] = services.backups.list()
    assert listed.checked and listed.contents is not None
    assert listed.contents.establishments == 3
    assert sidecar["audit_entries"] == 3 and sidecar["integrity_check"] == "ok"
    assert sidecar["audit_head_hash"] == listed.contents.audit_head_hash
    assert created.path.name.startswith("hospiperf-")
    assert created.path.name.endswith(f"-r{SCHEMA_HEAD}.sqlite")


def test_a_backup_that_fails_its_checks_is_moved_aside_and_never_listed_as_good(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(services, 1)
    monkeypatch.setattr(
        backup_service,
        "verify_backup",
        lambda path: BackupCheck(path, ("integrity check: page 3 is never used",)),
    )
    with pytest.raises(BackupFailed, match="page 3"):
        services.backups.create()
    folder = services.backups.folder
    assert list_folder(folder) == []
    assert len(list((folder / FAILED_FOLDER).glob("*.sqlite"))) == 1
    status = services.backups.status()
    assert status.failed and status.last_attempt and "page 3" in status.last_attempt.reason
    assert status.last_good is None


def test_copies_taken_before_a_deletion_are_listed_but_not_counted_as_checked(
    services: Services,
) -> None:
    _fill(services, 1)
    folder = services.backups.folder
    folder.mkdir()
    services.database.backup_to(folder / "hospiperf-20260101-120000-r0006-before-delete.sqlite")
    [listed] = services.backups.list()
    assert listed.name.reason == "before-delete" and not listed.checked
    assert listed.contents is not None and listed.contents.establishments == 1


def test_verify_refuses_a_backup_whose_audit_trail_was_edited(
    services: Services, cli: Cli, tmp_path: Path
) -> None:
    _fill(services, 2)
    created = services.backups.create()
    edited = tmp_path / "edited.sqlite"
    edited.write_bytes(created.path.read_bytes())
    with closing(sqlite3.connect(edited)) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        conn.execute("UPDATE audit_entries SET actor = 'someone else' WHERE id = 1")
        conn.commit()
    code, out, _ = cli("backup", "verify", str(edited))
    assert code == 1 and "audit trail" in out
    code, _, err = cli("backup", "restore", str(edited))
    assert code == EXIT_BACKUP_FAILED and "not restored" in err


def test_backup_create_to_a_folder_and_list_from_it(cli: Cli, tmp_path: Path) -> None:
    assert cli("demo")[0] == 0
    target = tmp_path / "usb-key"
    code, out, _ = cli("backup", "create", "--to", str(target))
    assert code == 0 and str(target) in out
    code, out, _ = cli("backup", "list", "--from", str(target), "--json")
    [listed] = json.loads(out)
    assert listed["checked"] and listed["contents"]["establishments"] == 5


def test_the_second_destination_gets_a_copy_when_present(services: Services, tmp_path) -> None:
    _fill(services, 1)
    key = tmp_path / "key"
    settings = services.backups.settings()
    from dataclasses import replace

    services.backups.save_settings(replace(settings, second_destination=str(key)))
    absent = services.backups.create()
    assert absent.second_copy is None and absent.second_problem is None
    key.mkdir()
    services.establishments.add(make_input(5))
    present = services.backups.create()
    assert present.second_copy is not None
    assert present.second_copy.read_bytes() == present.path.read_bytes()
    assert [b.checked for b in list_folder(key)] == [True]


def test_the_automatic_backup_runs_only_when_the_last_is_older_than_the_interval(
    services: Services,
) -> None:
    from datetime import datetime, timedelta

    _fill(services, 1)
    first = services.backups.backup_if_due()
    assert first is not None
    assert services.backups.backup_if_due() is None
    later = datetime.now() + timedelta(hours=25)
    assert services.backups.due(later)


def _uncheckpointed_reader(db: Path) -> sqlite3.Connection:
    """Another connection, holding a read transaction over frames still in the WAL: no
    checkpoint can empty the WAL while it lasts."""
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE establishments SET name = name || ' (bis)' WHERE id = 1")
    writer.execute("BEGIN")
    writer.execute("SELECT count(*) FROM establishments").fetchone()
    return writer


@pytest.fixture
def page_copies(monkeypatch) -> list[Path]:
    """The targets the page copy (SQLite's backup API) wrote, the copy itself unchanged."""
    copies: list[Path] = []
    real_page_copy = database_module._page_copy

    def counting_page_copy(source: sqlite3.Connection, target: Path) -> None:
        copies.append(target)
        real_page_copy(source, target)

    monkeypatch.setattr(database_module, "_page_copy", counting_page_copy)
    return copies


@pytest.mark.parametrize("held_wal", [False, True], ids=["file-copy", "page-copy"])
def test_a_backup_holds_every_committed_row_whichever_way_it_is_copied(
    services: Services, db_file: Path, tmp_path: Path, held_wal: bool, page_copies: list[Path]
) -> None:
    db = db_file
    _fill(services)
    reader = _uncheckpointed_reader(db) if held_wal else None
    try:
        if reader is not None:
            assert Path(f"{db}-wal").stat().st_size > 0, "the WAL holds frames"
        target = tmp_path / "copy.sqlite"
        services.database.backup_to(target)
        expected = dump(db)
    finally:
        if reader is not None:
            reader.execute("COMMIT")
            reader.close()
    assert dump(target) == expected
    assert not Path(f"{target}-wal").exists()
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    renamed = [c for row in dump(target)["establishments"] for c in row if str(c).endswith("(bis)")]
    assert len(renamed) == (1 if held_wal else 0), "the change still in the WAL is in the copy"
    assert len(page_copies) == (1 if held_wal else 0), "the way the test names is the way taken"


def test_on_windows_a_database_past_sqlites_locked_byte_is_copied_page_by_page(
    services: Services, db_file: Path, tmp_path: Path, page_copies: list[Path], monkeypatch
) -> None:
    """Windows locks SQLite's pending byte (at 1 GiB) for real: reading a bigger file while
    the database is open would fail there, so such a file takes the page copy."""
    assert database_module.file_copy_possible(2 << 30, "posix")
    assert database_module.file_copy_possible(database_module.SQLITE_PENDING_BYTE, "nt")
    assert not database_module.file_copy_possible(database_module.SQLITE_PENDING_BYTE + 1, "nt")
    _fill(services)
    # This small file plays a big one on Windows: the locked byte put below its size.
    monkeypatch.setattr(database_module, "SQLITE_PENDING_BYTE", 4096)
    real_possible = database_module.file_copy_possible
    monkeypatch.setattr(
        database_module, "file_copy_possible", lambda size: real_possible(size, "nt")
    )
    target = tmp_path / "copy.sqlite"
    services.database.backup_to(target)
    assert page_copies == [target]
    assert dump(target) == dump(db_file)


def test_backups_taken_while_another_process_writes_and_checkpoints_are_each_a_snapshot(
    services: Services, db_file: Path, tmp_path: Path
) -> None:
    """A writer in another connection appends numbered rows and checkpoints all along; each
    copy must be a whole database holding rows 1..k with no gap (one moment of the file)."""
    import threading

    with closing(sqlite3.connect(db_file, isolation_level=None)) as setup:
        setup.execute("CREATE TABLE scratch_rows (n INTEGER PRIMARY KEY)")
    stop = threading.Event()

    def write() -> None:
        with closing(sqlite3.connect(db_file, isolation_level=None, timeout=30)) as writer:
            n = 0
            while not stop.is_set():
                n += 1
                writer.execute("INSERT INTO scratch_rows (n) VALUES (?)", (n,))
                if n % 25 == 0:
                    writer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    thread = threading.Thread(target=write)
    thread.start()
    copies = []
    try:
        for i in range(12):
            target = tmp_path / f"copy-{i}.sqlite"
            services.database.backup_to(target)
            copies.append(target)
    finally:
        stop.set()
        thread.join()
    counts = []
    for target in copies:
        with closing(sqlite3.connect(target)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok", target
            rows = [n for (n,) in copy.execute("SELECT n FROM scratch_rows ORDER BY n")]
        assert rows == list(range(1, len(rows) + 1)), f"{target.name}: rows with a gap"
        counts.append(len(rows))
    assert counts == sorted(counts), "each later copy holds at least what an earlier one did"
    assert counts[-1] > 0, "the writer wrote while the copies were taken"
