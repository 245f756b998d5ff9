"""Backup file names: `hospiperf-YYYYMMDD-HHMMSS-r<schema revision>[-<reason>].sqlite`.

The time is the local time of the machine that made the copy; the reason (`before-delete`,
`before-restore`...) marks copies taken before a risky action, which rotation never removes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

PREFIX = "hospiperf-"
SUFFIX = ".sqlite"
_NAME = re.compile(r"^hospiperf-(\d{8}-\d{6})-r(\d{4})(?:-([a-z][a-z0-9-]{0,40}))?\.sqlite$")
_TIME_FORMAT = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupName:
    taken_at: datetime
    revision: str
    reason: str | None = None

    @property
    def file_name(self) -> str:
        reason = f"-{self.reason}" if self.reason else ""
        return f"{PREFIX}{self.taken_at:{_TIME_FORMAT}}-r{self.revision}{reason}{SUFFIX}"


def parse_name(name: str) -> BackupName | None:
    """The parts of a backup file name, or None when `name` is not one."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match.group(1), _TIME_FORMAT)
    except ValueError:
        return None
    return BackupName(taken_at, match.group(2), match.group(3))


def free_name(folder: Path, name: BackupName) -> BackupName:
    """`name`, moved on by a second at a time while a file of that name exists."""
    while (folder / name.file_name).exists():
        name = BackupName(name.taken_at + timedelta(seconds=1), name.revision, name.reason)
    return name
