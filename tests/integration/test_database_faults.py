"""Hostile places and broken files: each fault gets its own message and exit code, nothing
committed is lost, and nothing is written into a file that is damaged or not ours."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from backup_support import damage, dump, remount, small_tmpfs
from integration_support import Cli, make_finess, make_input

from hospiperf_desktop.faults import (
    EXIT_BUSY,
    EXIT_DAMAGED,
    EXIT_DISK_FULL,
    EXIT_FOREIGN,
    EXIT_READ_ONLY,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseReadOnly,
    DiskFull,
    ForeignDatabase,
)
from hospiperf_desktop.services import open_services
from hospiperf_desktop.storage import database as database_module
from hospiperf_desktop.storage import health
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

FINESS = make_finess(7)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err


def _with_data(path: Path, count: int = 2) -> None:
    services = open_services(path)
    try:
        for serial in range(1, count + 1):
            services.establishments.add(make_input(serial))
    finally:
        services.close()


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "mnt", 4) as where:
        yield where


def test_an_unrelated_sqlite_file_is_refused_and_never_converted(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "accounts.sqlite"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 12.5)")
        conn.commit()
    before = _digest(other)
    with pytest.raises(ForeignDatabase, match="invoices"):
        open_services(other)
    code, _, err = cli("--db", str(other), "establishment", "list")
    assert code == EXIT_FOREIGN and "not a HospiPerf database" in err
    _one_line(err)
    assert _digest(other) == before, "not one byte changed"
    beside = [p.name for p in tmp_path.iterdir() if p.name.startswith("accounts")]
    assert beside == ["accounts.sqlite"], "no WAL or journal left beside it"


def test_a_damaged_database_is_reported_with_its_last_good_backup_and_restore_works(
    cli: Cli, db: Path
) -> None:
    assert cli("demo")[0] == 0
    code, out, _ = cli("backup", "create")
    assert code == 0
    backup = next((db.parent / "backups").glob("hospiperf-*.sqlite"))
    good_rows = dump(db, skip=("audit_entries", "audit_head"))
    damage(db)
    damaged_bytes = _digest(db)

    code, _, err = cli("establishment", "list")
    assert code == EXIT_DAMAGED and "damaged" in err and backup.name in err
    _one_line(err)
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "X", "--kind", "ch")
    assert code == EXIT_DAMAGED
    assert _digest(db) == damaged_bytes, "nothing was written into the damaged file"

    code, out, err = cli("backup", "restore", str(backup))
    assert code == 0, err
    assert "raw copy of the damaged database" in out
    assert dump(db, skip=("audit_entries", "audit_head")) == good_rows
    assert cli("audit", "verify")[0] == 0
    kept = list((db.parent / "backups" / "damaged").glob("*.sqlite"))
    assert len(kept) == 1 and _digest(kept[0]) == damaged_bytes


def test_a_damaged_database_names_its_last_good_backup_in_the_error(db_file: Path) -> None:
    _with_data(db_file)
    services = open_services(db_file)
    created = services.backups.create()
    services.close()
    damage(db_file)
    with pytest.raises(DatabaseDamaged) as caught:
        open_services(db_file)
    assert caught.value.last_good == created.path


def test_a_read_only_folder_opens_read_only_and_is_never_called_damaged(
    mounted: Path, cli: Cli
) -> None:
    path = mounted / "hospiperf.sqlite"
    _with_data(path)
    remount(mounted, "ro")
    try:
        services = open_services(path)
        try:
            assert services.database.read_only_reason == "read_only_mount"
            assert len(services.establishments.list()) == 2
            with pytest.raises(DatabaseReadOnly):
                services.establishments.add(make_input(3))
        finally:
            services.close()
        code, out, _ = cli("--db", str(path), "establishment", "list")
        assert code == 0 and out.count("\n") == 2
        code, _, err = cli("--db", str(path), "establishment", "add", "--finess", FINESS,
                           "--name", "X", "--kind", "ch")  # fmt: skip
        assert code == EXIT_READ_ONLY and "read-only" in err and "damaged" not in err
        _one_line(err)
    finally:
        remount(mounted, "rw")


def test_an_immutable_file_gives_a_read_only_message_not_a_traceback(
    db_file: Path, cli: Cli
) -> None:
    _with_data(db_file)
    if subprocess.run(["chattr", "+i", str(db_file)], check=False).returncode != 0:
        pytest.skip("chattr +i is not permitted here")
    try:
        code, _, err = cli("--db", str(db_file), "establishment", "add", "--finess", FINESS,
                           "--name", "X", "--kind", "ch")  # fmt: skip
        assert code == EXIT_READ_ONLY and "immutable" in err
        _one_line(err)
        code, out, _ = cli("--db", str(db_file), "establishment", "list")
        assert code == 0 and out.count("\n") == 2
    finally:
        subprocess.run(["chattr", "-i", str(db_file)], check=False)


def _fill(folder: Path, leave_bytes: int) -> None:
    import shutil

    free = shutil.disk_usage(folder).free
    (folder / "filler").write_bytes(b"\0" * max(0, free - leave_bytes))


def test_a_full_disk_during_an_import_leaves_the_database_valid_and_unchanged(
    mounted: Path, cli: Cli, tmp_path: Path
) -> None:
    path = mounted / "hospiperf.sqlite"
    assert cli("--db", str(path), "establishment", "add", "--finess", FINESS, "--name", "CH",
               "--kind", "ch")[0] == 0  # fmt: skip
    movements = tmp_path / "mouvements.csv"
    rows = ["Date;Code UCD;Qté sortie;PU HT;UF"]
    rows += [f"{1 + d % 28:02d}/09/2025;34009300{d:05d};{d % 7 + 1};0,05;UF {d % 40}"
             for d in range(30_000)]  # fmt: skip
    movements.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = dump(path)
    _fill(mounted, 300_000)

    code, _, err = cli("--db", str(path), "stock", "import", str(movements), "--establishment",
                       FINESS, "--kind", "movements")  # fmt: skip

    assert code == EXIT_DISK_FULL and "disk is full" in err and "MB free space needed" in err
    _one_line(err)
    (mounted / "filler").unlink()
    assert dump(path) == before
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert cli("--db", str(path), "audit", "verify")[0] == 0


def test_a_full_disk_refuses_a_backup_saying_how_much_room_it_needs(
    mounted: Path, db_file: Path, cli: Cli
) -> None:
    assert cli("--db", str(db_file), "demo")[0] == 0
    _fill(mounted, 200_000)
    code, _, err = cli("--db", str(db_file), "backup", "create", "--to", str(mounted))
    assert code == EXIT_DISK_FULL and "MB free space needed" in err
    _one_line(err)
    written = [p.name for p in mounted.iterdir() if p.name not in {"filler", "last-attempt.json"}]
    assert written == [], "no partial backup left behind"


def test_a_database_on_a_network_share_uses_a_rollback_journal(
    db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/vda / ext4 rw 0 0\n//server/pharma {db_file.parent} cifs rw,relatime 0 0\n"
    )
    monkeypatch.setattr(health, "MOUNTS_FILE", mounts)
    db_file.parent.mkdir(parents=True)
    services = open_services(db_file)
    try:
        assert services.database.network_share
        with services.database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        services.establishments.add(make_input(1))
    finally:
        services.close()
    assert not db_file.with_name(db_file.name + "-wal").exists()


def test_a_second_writer_waits_for_the_first_then_both_changes_are_kept(db_file: Path) -> None:
    _with_data(db_file, 1)
    holder = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO settings (key, value) VALUES ('held', '1')")
    threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()
    services = open_services(db_file)
    try:
        started = time.monotonic()
        services.establishments.add(make_input(2))
        assert time.monotonic() - started >= 0.4, "the second writer waited"
    finally:
        services.close()
        holder.close()
    rows = dump(db_file)
    assert ("held", "1") in rows["settings"] and len(rows["establishments"]) == 2


def test_a_writer_kept_waiting_too_long_gets_a_busy_message(
    db_file: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_data(db_file, 1)
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_SECONDS", 0.3)
    with closing(sqlite3.connect(db_file, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        services = open_services(db_file)
        try:
            with pytest.raises(DatabaseBusy):
                services.establishments.add(make_input(2))
        finally:
            services.close()
        code, _, err = cli("--db", str(db_file), "establishment", "add", "--finess", FINESS,
                           "--name", "X", "--kind", "ch")  # fmt: skip
        assert code == EXIT_BUSY and "busy" in err
        _one_line(err)
        holder.execute("ROLLBACK")
    assert len(dump(db_file)["establishments"]) == 1


def test_disk_full_is_a_database_fault_with_the_room_needed() -> None:
    err = DiskFull(Path("/x/db.sqlite"), needed=5 * 1024 * 1024 + 1, free=1024)
    assert "about 6 MB free space needed" in str(err)


def test_a_full_disk_during_an_export_leaves_no_partial_file_and_says_so(
    mounted: Path, cli: Cli
) -> None:
    assert cli("demo")[0] == 0
    _fill(mounted, 20_000)
    out = mounted / "plan.pdf"
    code, _, err = cli("diag", "plan", "1", "--pdf", str(out))
    assert code == 2 and "the disk is full: more than" in err and "needed" in err
    _one_line(err)
    assert not out.exists() and [p.name for p in mounted.iterdir()] == ["filler"]


def test_a_restore_is_refused_as_busy_while_another_connection_has_the_database(
    db_file: Path,
) -> None:
    from hospiperf_desktop.backup.restore import restore_backup

    _with_data(db_file, 1)
    services = open_services(db_file)
    backup = services.backups.create()
    services.establishments.add(make_input(2))
    before = dump(db_file)
    try:
        with pytest.raises(DatabaseBusy):
            restore_backup(db_file, backup.path)
    finally:
        services.close()
    assert dump(db_file) == before
    assert not list(db_file.parent.glob(".*.restore.part*"))


def test_an_older_backup_is_upgraded_when_restored(db_file: Path, tmp_path: Path) -> None:
    from alembic import command

    from hospiperf_desktop.backup.restore import restore_backup
    from hospiperf_desktop.storage.database import make_engine
    from hospiperf_desktop.storage.migrations import alembic_config

    old = tmp_path / "old" / "hospiperf-20250101-120000-r0005.sqlite"
    old.parent.mkdir()
    engine = make_engine(old)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0005")
    engine.dispose()
    with closing(sqlite3.connect(old)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    _with_data(db_file, 1)

    report = restore_backup(db_file, old)

    assert report.upgraded_from == "0005"
    services = open_services(db_file)
    try:
        assert services.establishments.list() == []
        assert services.audit.verify().ok
        assert services.audit.recent(1)[0].action == "restore"
    finally:
        services.close()
    assert dump(db_file)["alembic_version"] == [(SCHEMA_HEAD,)]
