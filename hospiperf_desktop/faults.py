"""Database faults a user can act on, each with its own CLI exit code (see docs/backups.md).

They subclass DatabaseError so that code which only knows "the database failed" still works;
the window words each one in French from its `code`, the CLI prints `str(err)` and exits with
`exit_code`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from hospiperf_desktop.errors import DatabaseError

EXIT_DAMAGED = 20
EXIT_READ_ONLY = 21
EXIT_BUSY = 22
EXIT_DISK_FULL = 23
EXIT_FOREIGN = 24
EXIT_BACKUP_FAILED = 25

MEGABYTE = 1024 * 1024


def megabytes(size: int) -> str:
    """A size for a message, rounded up so that "1 MB needed" is never too little."""
    return f"{max(1, -(-size // MEGABYTE))} MB"


class DatabaseFault(DatabaseError):
    exit_code = 2

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class DatabaseDamaged(DatabaseFault):
    """The file fails SQLite's checks: nothing is written into it."""

    code = "database_damaged"
    exit_code = EXIT_DAMAGED

    def __init__(self, path: Path, detail: str, last_good: Path | None = None) -> None:
        advice = (
            f"last good backup: {last_good} (hospiperf backup restore {last_good})"
            if last_good
            else "no good backup found"
        )
        # The advice first and SQLite's own detail short: a printed line is cut past its end.
        shown = " ".join(detail.split())
        shown = shown if len(shown) <= 120 else shown[:119] + "…"
        super().__init__(path, f"the database is damaged; {advice} ({shown})")
        self.detail = detail
        self.last_good = last_good


class DatabaseReadOnly(DatabaseFault):
    """The file or its folder cannot be written: the database opens for reading only.

    `reason` is one of "file", "folder", "immutable", "read_only_mount", "upgrade_needed".
    """

    code = "database_read_only"
    exit_code = EXIT_READ_ONLY

    REASONS: ClassVar[dict[str, str]] = {
        "file": "the file is read-only",
        "folder": "its folder is read-only (SQLite needs to create files beside it)",
        "immutable": "the file is marked immutable",
        "read_only_mount": "it is on a read-only disk",
        "upgrade_needed": "it is read-only and from an older version that needs an upgrade",
    }

    def __init__(self, path: Path, reason: str) -> None:
        text = self.REASONS.get(reason, reason)
        super().__init__(path, f"the database is read-only: {text}; nothing can be changed")
        self.reason = reason


class DatabaseBusy(DatabaseFault):
    code = "database_busy"
    exit_code = EXIT_BUSY

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(
            path,
            f"the database is busy: another program kept it locked for {seconds:g} s; "
            "nothing was changed, try again when it has finished",
        )
        self.seconds = seconds


class DiskFull(DatabaseFault):
    """No room left: the operation was refused as a whole, nothing was changed."""

    code = "disk_full"
    exit_code = EXIT_DISK_FULL

    def __init__(self, path: Path, needed: int, free: int) -> None:
        super().__init__(
            path,
            f"the disk is full: about {megabytes(needed)} free space needed, "
            f"{megabytes(free) if free else '0 MB'} free; nothing was changed",
        )
        self.needed = needed
        self.free = free


class ForeignDatabase(DatabaseFault):
    """An SQLite file (or another file) that is not a HospiPerf database: never converted."""

    code = "foreign_database"
    exit_code = EXIT_FOREIGN

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(path, f"not a HospiPerf database ({detail}); the file was left as it is")
        self.detail = detail


class BackupFailed(DatabaseFault):
    """A backup could not be written or did not pass its checks; it is not counted as good."""

    code = "backup_failed"
    exit_code = EXIT_BACKUP_FAILED

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(path, f"backup failed: {detail}")
        self.detail = detail
