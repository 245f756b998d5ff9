"""The backups folder: listing, the sidecar beside each checked backup, the last attempt.

A backup counts as good only when its sidecar (`<name>.json`, written after the checks passed)
is there and still describes the file (same size). Copies made by other parts of the
application with the same naming (`-before-delete`) are listed too, as not yet checked.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hospiperf_desktop.backup.check import BackupCheck, BackupContents, quick_contents
from hospiperf_desktop.backup.naming import BackupName, parse_name
from hospiperf_desktop.errors import OutputError
from hospiperf_desktop.files import write_atomically

FOLDER_NAME = "backups"
FAILED_FOLDER = "failed"
STATE_FILE = "last-attempt.json"
SIDECAR_FORMAT = "hospiperf-backup/1"


def default_folder(database_path: Path) -> Path:
    return database_path.parent / FOLDER_NAME


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    name: BackupName
    size: int
    checked: bool
    contents: BackupContents | None

    @property
    def good(self) -> bool:
        return self.checked


@dataclass(frozen=True)
class Attempt:
    """The last automatic or manual backup attempt in a folder."""

    at: str
    ok: bool
    reason: str
    file: str | None
    code: str = ""
    needed: int = 0


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_json(path: Path, value: dict[str, Any]) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())

    write_atomically(path, write)


def sidecar_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def write_sidecar(backup_name: str, folder: Path, check: BackupCheck, created_at: str) -> None:
    assert check.contents is not None
    _write_json(
        sidecar_path(folder / backup_name),
        {
            "format": SIDECAR_FORMAT,
            "file": backup_name,
            "created_at": created_at,
            "checked_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "size": check.size,
            "integrity_check": "ok",
            "audit_chain": "ok",
            **asdict(check.contents),
        },
    )


def _read_sidecar(backup: Path, size: int) -> BackupContents | None:
    try:
        data = json.loads(sidecar_path(backup).read_text(encoding="utf-8"))
        if data.get("format") != SIDECAR_FORMAT or data.get("size") != size:
            return None
        fields = BackupContents.__dataclass_fields__
        return BackupContents(**{key: data[key] for key in fields})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def list_folder(folder: Path) -> list[BackupInfo]:
    """Every backup file in `folder`, newest first (failed ones sit apart, in `failed/`)."""
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        name = parse_name(path.name)
        if name is None or not path.is_file():
            continue
        size = path.stat().st_size
        contents = _read_sidecar(path, size)
        checked = contents is not None
        found.append(BackupInfo(path, name, size, checked, contents or quick_contents(path)))
    return sorted(found, key=lambda b: (b.name.taken_at, b.path.name), reverse=True)


def last_good(folder: Path) -> BackupInfo | None:
    return next((b for b in list_folder(folder) if b.good), None)


def record_attempt(
    folder: Path, ok: bool, reason: str, file: str | None, code: str = "", needed: int = 0
) -> None:
    """Remember the outcome (best effort: a folder that cannot be written keeps nothing)."""
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / STATE_FILE, asdict(Attempt(at, ok, reason, file, code, needed)))
    except (OSError, OutputError):  # the attempt's own error is what the user sees
        return


def last_attempt(folder: Path) -> Attempt | None:
    try:
        data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return Attempt(
            str(data["at"]),
            bool(data["ok"]),
            str(data["reason"]),
            data.get("file"),
            str(data.get("code", "")),
            int(data.get("needed", 0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
