"""Backups as use cases: create, list, verify, and the automatic backup when one is due.

A backup is written by `Database.backup_to` (the checkpointed file copied inside a read
transaction, or SQLite's online backup API when a reader pins the WAL) under a temporary
name and fsync'ed, then reopened and checked (integrity, schema revision, audit chain); only
then does its sidecar get written and the file get its final name, and the folder is fsync'ed.
A copy that fails its checks goes to `failed/` and is reported, never listed as good.
Restoring lives in `restore.py`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.backup import store
from hospiperf_desktop.backup.check import BackupCheck, BackupContents, check_backup
from hospiperf_desktop.backup.naming import BackupName, free_name
from hospiperf_desktop.backup.rotation import Retention, to_remove
from hospiperf_desktop.backup.store import Attempt, BackupInfo
from hospiperf_desktop.errors import FieldIssue, OutputError, ValidationError
from hospiperf_desktop.faults import BackupFailed, DatabaseFault, DiskFull
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.health import fault_for, free_space
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD
from hospiperf_desktop.storage.repositories import SettingsRepository

# Room kept free beyond the copy itself (the sidecar, the file system's own needs).
SPARE_BYTES = 1024 * 1024
STALE_BANNER_DAYS = 7

_KEYS = {
    "interval_hours": "backup.interval_hours",
    "daily": "backup.keep_daily",
    "weekly": "backup.keep_weekly",
    "monthly": "backup.keep_monthly",
    "second_destination": "backup.second_destination",
}


@cache
def known_revisions() -> frozenset[str]:
    from hospiperf_desktop.storage.migrations import known_revisions as scripts

    return frozenset(scripts())


def verify_backup(path: Path) -> BackupCheck:
    """Reopen a backup read-only and check it (integrity, schema revision, audit chain)."""
    return check_backup(path, set(known_revisions()))


@dataclass(frozen=True)
class BackupSettings:
    interval_hours: float = 24
    retention: Retention = field(default_factory=Retention)
    second_destination: str | None = None


@dataclass(frozen=True)
class CreatedBackup:
    path: Path
    size: int
    contents: BackupContents
    removed: tuple[Path, ...] = ()
    second_copy: Path | None = None
    second_problem: str | None = None


@dataclass(frozen=True)
class BackupStatus:
    """For the status bar and the banner: the last good backup and the last attempt."""

    folder: Path
    last_good: BackupInfo | None
    last_attempt: Attempt | None

    def age(self, now: datetime) -> timedelta | None:
        return now - self.last_good.name.taken_at if self.last_good else None

    def stale(self, now: datetime) -> bool:
        age = self.age(now)
        return age is None or age > timedelta(days=STALE_BANNER_DAYS)

    @property
    def failed(self) -> bool:
        return self.last_attempt is not None and not self.last_attempt.ok


def last_good_backup(database_path: Path) -> Path | None:
    good = store.last_good(store.default_folder(database_path))
    return good.path if good else None


def _database_size(database: Database) -> int:
    with database.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar() or 0
        page_size = connection.exec_driver_sql("PRAGMA page_size").scalar() or 4096
        connection.rollback()
    return int(pages) * int(page_size)


def _remove_stale_parts(folder: Path) -> None:
    """Temporary files left by a backup that was stopped (an hour old: not one in progress)."""
    limit = time.time() - 3600
    for part in folder.glob(".hospiperf-*.part*"):
        if part.stat().st_mtime < limit:
            part.unlink(missing_ok=True)


def _set_aside_failed(temporary: Path, folder: Path, name: str) -> Path:
    failed = folder / store.FAILED_FOLDER
    failed.mkdir(exist_ok=True)
    os.replace(temporary, failed / name)
    return failed / name


def _claim_name(folder: Path, wanted: BackupName) -> tuple[str, Path]:
    """A free backup name and its temporary file, created exclusively (two backups started
    in the same second by two threads or programs never share a file)."""
    while True:
        name = free_name(folder, wanted)
        temporary = folder / f".{name.file_name}.part"
        try:
            os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            wanted = BackupName(name.taken_at + timedelta(seconds=1), name.revision, name.reason)
            continue
        except OSError as err:
            raise BackupFailed(folder, f"the folder cannot be written ({err.strerror})") from err
        return name.file_name, temporary


def _write_copy(database: Database, folder: Path, temporary: Path, needed: int) -> None:
    try:
        database.backup_to(temporary)
    except (sqlite3.Error, OSError) as err:
        temporary.unlink(missing_ok=True)
        fault = fault_for(err, temporary)
        if isinstance(fault, DiskFull) or getattr(err, "errno", None) == 28:
            raise DiskFull(folder, needed, free_space(folder)) from err
        raise BackupFailed(folder, f"the copy could not be written ({err})") from err


def write_backup(database: Database, folder: Path, reason: str | None = None) -> CreatedBackup:
    """One checked backup of `database` in `folder` (see the module's docstring)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(folder)
    except OSError as err:
        raise BackupFailed(folder, f"the folder cannot be written ({err.strerror})") from err
    needed = _database_size(database) + SPARE_BYTES
    if (free := free_space(folder)) < needed:
        raise DiskFull(folder, needed, free)
    now = datetime.now().replace(microsecond=0)
    name, temporary = _claim_name(folder, BackupName(now, SCHEMA_HEAD, reason))
    _write_copy(database, folder, temporary, needed)
    check = verify_backup(temporary)
    if not check.ok:
        aside = _set_aside_failed(temporary, folder, name)
        raise BackupFailed(aside, "; ".join(check.problems))
    assert check.contents is not None
    try:
        store.write_sidecar(name, folder, check, now.astimezone().isoformat())
        os.replace(temporary, folder / name)
    except (OSError, OutputError) as err:
        temporary.unlink(missing_ok=True)
        raise BackupFailed(folder, f"the copy could not be named ({err})") from err
    store.fsync_folder(folder)
    return CreatedBackup(folder / name, check.size, check.contents)


def rotate(folder: Path, retention: Retention) -> tuple[Path, ...]:
    """Remove scheduled backups past the retention; copies taken for a reason stay."""
    scheduled = [b for b in store.list_folder(folder) if b.good and b.name.reason is None]
    doomed = to_remove((b.name.taken_at for b in scheduled), retention)
    removed = []
    for backup in scheduled:
        if backup.name.taken_at in doomed:
            store.sidecar_path(backup.path).unlink(missing_ok=True)
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return tuple(removed)


def copy_to_second(created: CreatedBackup, destination: Path, retention: Retention) -> Path:
    """Copy a checked backup (a closed, single file) and its sidecar to `destination`."""
    target = destination / created.path.name
    temporary = destination / f".{created.path.name}.part"
    try:
        with created.path.open("rb") as source, temporary.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
            copy.flush()
            os.fsync(copy.fileno())
        shutil.copyfile(store.sidecar_path(created.path), store.sidecar_path(target))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    store.fsync_folder(destination)
    rotate(destination, retention)
    return target


class BackupService:
    """Backups of the open database; the folder is `backups/` beside it unless told."""

    def __init__(self, database: Database, audit: AuditService) -> None:
        self._db = database
        self._audit = audit

    @property
    def folder(self) -> Path:
        return store.default_folder(self._db.path)

    def settings(self) -> BackupSettings:
        with self._db.read() as session:
            values = {key: SettingsRepository(session).get(name) for key, name in _KEYS.items()}
        default = BackupSettings()
        return BackupSettings(
            interval_hours=float(values["interval_hours"] or default.interval_hours),
            retention=Retention(
                daily=int(values["daily"] or default.retention.daily),
                weekly=int(values["weekly"] or default.retention.weekly),
                monthly=int(values["monthly"] or default.retention.monthly),
            ),
            second_destination=values["second_destination"] or None,
        )

    def save_settings(self, settings: BackupSettings) -> None:
        retention = settings.retention
        numbers = {
            "interval_hours": settings.interval_hours,
            "daily": retention.daily,
            "weekly": retention.weekly,
            "monthly": retention.monthly,
        }
        issues = [
            FieldIssue(key, "out_of_range", f"must be between 0 and 10000 (got {value})")
            for key, value in numbers.items()
            if not 0 <= value <= 10_000
        ]
        if issues:
            raise ValidationError(issues)
        values = {**{k: f"{v:g}" for k, v in numbers.items()}}
        values["second_destination"] = settings.second_destination or ""
        with self._db.write() as session:
            repository = SettingsRepository(session)
            for key, value in values.items():
                repository.set(_KEYS[key], value)
            self._audit.record(
                session, action="update", entity="backup_settings", entity_id="1", after=values
            )

    def create(self, to: Path | None = None, reason: str | None = None) -> CreatedBackup:
        """Write one checked backup; rotate the scheduled ones; copy to the second place."""
        folder = to or self.folder
        settings = self.settings()
        try:
            created = write_backup(self._db, folder, reason)
        except DatabaseFault as err:
            needed = getattr(err, "needed", 0)
            store.record_attempt(folder, False, str(err), None, err.code, needed)
            raise
        removed = rotate(folder, settings.retention) if reason is None else ()
        created = replace(created, removed=removed)
        if to is None and settings.second_destination:
            created = self._second_copy(created, Path(settings.second_destination), settings)
        store.record_attempt(folder, True, "", created.path.name)
        return created

    def _second_copy(
        self, created: CreatedBackup, destination: Path, settings: BackupSettings
    ) -> CreatedBackup:
        if not destination.is_dir():  # the key is not plugged in: not an error
            return created
        try:
            copied = copy_to_second(created, destination, settings.retention)
        except OSError as err:
            return replace(created, second_problem=f"{destination}: {err.strerror or err}")
        return replace(created, second_copy=copied)

    def list(self, folder: Path | None = None) -> list[BackupInfo]:
        return store.list_folder(folder or self.folder)

    def status(self) -> BackupStatus:
        folder = self.folder
        return BackupStatus(folder, store.last_good(folder), store.last_attempt(folder))

    def due(self, now: datetime | None = None) -> bool:
        """True when the last good backup is older than the interval (or there is none)."""
        age = self.status().age(now or datetime.now())
        return age is None or age >= timedelta(hours=self.settings().interval_hours)

    def backup_if_due(self, now: datetime | None = None) -> CreatedBackup | None:
        """The automatic backup (at start and at quit). Read-only databases are skipped."""
        if self._db.read_only_reason is not None or not self.due(now):
            return None
        return self.create()
