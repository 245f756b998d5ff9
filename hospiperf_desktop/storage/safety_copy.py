"""Copies of the whole database taken before an action that removes data.

They go to `<database folder>/backups/` as
`hospiperf-YYYYMMDD-HHMMSS-r<schema revision>-<reason>.sqlite` (local time), the folder and
naming the backup feature uses too, so that a copy taken before a deletion is listed and
restored like any other backup.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hospiperf_desktop.errors import OutputError
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

BACKUP_FOLDER = "backups"
BEFORE_DELETE = "before-delete"


def backup_name(when: datetime, reason: str, revision: str = SCHEMA_HEAD) -> str:
    return f"hospiperf-{when:%Y%m%d-%H%M%S}-r{revision}-{reason}.sqlite"


def take_safety_copy(database: Database, reason: str, now: datetime | None = None) -> Path:
    """Copy `database` into its backups folder, all or nothing; returns the copy's path.

    Written under a temporary name in that folder and renamed once complete. Two copies in
    the same second never overwrite each other: the later one takes the next free second.
    """
    folder = database.path.parent / BACKUP_FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(folder, err.strerror or str(err)) from err
    when = (now or datetime.now()).replace(microsecond=0)
    while (target := folder / backup_name(when, reason)).exists():
        when += timedelta(seconds=1)
    write_atomically(target, lambda temporary: database.backup_to(Path(temporary)), private=True)
    return target
