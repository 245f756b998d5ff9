"""Restoring a backup over the database, all or nothing.

The database must be closed in this process. Steps: check the backup; keep the current
database aside (a checked `-before-restore` backup, or a raw copy under `backups/damaged/`
when it cannot be opened); prepare the restored file under a temporary name beside the
database — upgraded like any older database, with the restore recorded in its audit trail;
then take the current database out of WAL mode (which fails if another program has it open)
and rename the prepared file over it. A stop at any point leaves either the old database or
the restored one, never a mix.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.backup import store
from hospiperf_desktop.backup.check import BackupContents
from hospiperf_desktop.backup.service import SPARE_BYTES, verify_backup, write_backup
from hospiperf_desktop.faults import (
    BackupFailed,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseFault,
    DiskFull,
    ForeignDatabase,
)
from hospiperf_desktop.storage.database import open_database
from hospiperf_desktop.storage.health import free_space

DAMAGED_FOLDER = "damaged"
RELEASE_TIMEOUT_SECONDS = 5
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class RestoreReport:
    backup: Path
    contents: BackupContents
    set_aside: Path | None
    set_aside_raw: bool
    upgraded_from: str | None


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _raw_copy_aside(database_path: Path, folder: Path) -> Path:
    """A byte copy of a database that cannot be opened (with its WAL), kept for experts."""
    damaged = folder / DAMAGED_FOLDER
    damaged.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = damaged / f"{database_path.stem}-{stamp}{database_path.suffix}"
    for suffix in ("", "-wal"):
        source = _side(database_path, suffix)
        if source.exists():
            with source.open("rb") as original, _side(target, suffix).open("wb") as copy:
                shutil.copyfileobj(original, copy, 1024 * 1024)
                copy.flush()
                os.fsync(copy.fileno())
    store.fsync_folder(damaged)
    return target


def _set_aside(database_path: Path) -> tuple[Path | None, bool]:
    if not database_path.exists():
        return None, False
    folder = store.default_folder(database_path)
    try:
        database = open_database(database_path)
    except (DatabaseDamaged, ForeignDatabase):
        return _raw_copy_aside(database_path, folder), True
    try:
        return write_backup(database, folder, "before-restore").path, False
    except BackupFailed:
        return _raw_copy_aside(database_path, folder), True
    finally:
        database.close()


def _clear(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        _side(path, suffix).unlink(missing_ok=True)
    for leftover in path.parent.glob(f"{path.name}.before-*.bak"):
        leftover.unlink()


def _prepare(database_path: Path, backup: Path, contents: BackupContents) -> Path:
    from hospiperf_desktop.profiles.service import ProfileService

    prepared = database_path.with_name(f".{database_path.name}.restore.part")
    _clear(prepared)
    with backup.open("rb") as source, prepared.open("wb") as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)
    database = open_database(prepared)  # upgrades an older backup
    try:
        audit = AuditService(database, ProfileService.actor_name)
        with database.write() as session:
            audit.record(
                session,
                action="restore",
                entity="database",
                entity_id=backup.name[:64],
                after={
                    "backup": backup.name,
                    "schema_revision": contents.revision,
                    "audit_entries": contents.audit_entries,
                    "audit_head_hash": contents.audit_head_hash,
                },
            )
    finally:
        database.close()
    with closing(sqlite3.connect(prepared)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # one file, nothing beside it
    for leftover in prepared.parent.glob(f"{prepared.name}.before-*.bak"):
        leftover.unlink()
    with prepared.open("rb") as file:
        os.fsync(file.fileno())
    return prepared


def _release(database_path: Path, raw: bool) -> None:
    """Fold the WAL into the file and leave WAL mode; refused while another program has it."""
    if raw or not database_path.exists():
        for suffix in _SIDE_FILES:
            _side(database_path, suffix).unlink(missing_ok=True)
        return
    try:
        with closing(sqlite3.connect(database_path, timeout=RELEASE_TIMEOUT_SECONDS)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as err:
        raise DatabaseBusy(database_path, RELEASE_TIMEOUT_SECONDS) from err
    if str(mode).lower() != "delete":
        raise DatabaseBusy(database_path, RELEASE_TIMEOUT_SECONDS)
    _side(database_path, "-shm").unlink(missing_ok=True)


def _check_room(database_path: Path, backup_size: int) -> None:
    """The restored copy and the copy of the current database both need room."""
    current = database_path.stat().st_size if database_path.exists() else 0
    needed = backup_size + current + SPARE_BYTES
    if (free := free_space(database_path.parent)) < needed:
        raise DiskFull(database_path.parent, needed, free)


def restore_backup(database_path: Path, backup: Path) -> RestoreReport:
    """Put `backup` in place of the database at `database_path` (closed in this process)."""
    check = verify_backup(backup)
    if not check.ok or check.contents is None:
        raise BackupFailed(backup, "not restored, the backup " + "; ".join(check.problems))
    contents = check.contents
    _check_room(database_path, check.size)
    set_aside, raw = _set_aside(database_path)
    try:
        prepared = _prepare(database_path, backup, contents)
    except OSError as err:
        _clear(database_path.with_name(f".{database_path.name}.restore.part"))
        if err.errno == errno.ENOSPC:
            raise DiskFull(database_path.parent, 2 * check.size, free_space(backup.parent)) from err
        raise
    try:
        _release(database_path, raw)
        os.replace(prepared, database_path)
    except (DatabaseFault, OSError):
        _clear(prepared)
        raise
    store.fsync_folder(database_path.parent)
    from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

    upgraded = contents.revision if contents.revision != SCHEMA_HEAD else None
    return RestoreReport(backup, contents, set_aside, raw, upgraded)
