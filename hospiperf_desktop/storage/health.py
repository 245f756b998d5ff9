"""What a database file and its place allow, checked before SQLite is let near the file.

`inspect_location()` finds out whether the file or its folder can be written and whether it
sits on a network share (where SQLite's WAL is unsafe). `preflight()` reads the file through a
read-only connection: not SQLite, not ours (refused, never converted), damaged (refused, never
written). `fault_for()` turns SQLite's errors during work into the faults users can act on.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from hospiperf_desktop.faults import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseFault,
    DatabaseReadOnly,
    DiskFull,
    ForeignDatabase,
)

SQLITE_HEADER = b"SQLite format 3\x00"
# File system types on which SQLite's WAL (shared memory) does not work across machines.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ncpfs", "fuse.sshfs", "davfs"}
)
MOUNTS_FILE = Path("/proc/mounts")
# Tables every HospiPerf database has had since its first schema revision.
OWN_TABLES = frozenset({"alembic_version", "establishments", "audit_entries"})


@dataclass(frozen=True)
class Location:
    """`read_only_reason` is None when the file and its folder can be written."""

    read_only_reason: str | None
    filesystem: str | None

    @property
    def network_share(self) -> bool:
        return self.filesystem in NETWORK_FILESYSTEMS


def _unescape_mount(text: str) -> str:
    # /proc/mounts writes a space as \040, a tab as \011...
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def filesystem_type(path: Path) -> str | None:
    """The file system type of the mount holding `path` (Linux /proc/mounts), if known."""
    try:
        lines = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best: tuple[int, str] | None = None
    target = str(path)
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = _unescape_mount(fields[1]).rstrip("/") or "/"
        inside = mount_point == "/" or target == mount_point or target.startswith(mount_point + "/")
        if inside and (best is None or len(mount_point) > best[0]):
            best = (len(mount_point), fields[2])
    return best[1] if best else None


def _reason(err: OSError, default: str) -> str:
    if err.errno == errno.EROFS:
        return "read_only_mount"
    if err.errno == errno.EPERM and default == "file":
        return "immutable"
    return default


def _file_reason(path: Path) -> str | None:
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    except OSError as err:
        return _reason(err, "file")
    os.close(descriptor)
    return None


def _folder_reason(folder: Path) -> str | None:
    # A real attempt, not os.access(): an administrator passes access() on a read-only mount.
    try:
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".hospiperf-probe-")
    except OSError as err:
        return _reason(err, "folder")
    os.close(descriptor)
    os.unlink(probe)
    return None


def inspect_location(path: Path) -> Location:
    reason = _file_reason(path) or _folder_reason(path.parent)
    return Location(read_only_reason=reason, filesystem=filesystem_type(path))


def connect_uri(path: Path, *, read_only: bool, immutable: bool = False) -> str:
    query = "mode=ro" if read_only else "mode=rwc"
    if immutable:
        # In a folder SQLite cannot write, it cannot make its lock files either; nobody
        # else can write there, so reading without locks is safe.
        query += "&immutable=1"
    return f"file:{quote(str(path))}?{query}"


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row[0]) for row in rows}


def preflight(path: Path, location: Location, *, busy_seconds: float) -> str | None:
    """Check an existing file without changing it; returns its schema revision (None: empty).

    Raises ForeignDatabase, DatabaseDamaged or DatabaseBusy."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise ForeignDatabase(path, "not an SQLite file")
    immutable = location.read_only_reason in {"folder", "read_only_mount"}
    uri = connect_uri(path, read_only=True, immutable=immutable)
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=busy_seconds)
    except sqlite3.Error as err:
        raise fault_for(err, path) or DatabaseDamaged(path, str(err)) from err
    try:
        return _check_open_file(path, connection)
    except sqlite3.Error as err:
        raise fault_for(err, path) or DatabaseDamaged(path, str(err)) from err
    finally:
        connection.close()


def _check_open_file(path: Path, connection: sqlite3.Connection) -> str | None:
    tables = _tables(connection)
    if tables and not tables >= OWN_TABLES:
        shown = ", ".join(sorted(tables)[:5])
        raise ForeignDatabase(path, f"its tables are {shown}")
    problems = [str(row[0]) for row in connection.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise DatabaseDamaged(path, " ".join(problems[0].split())[:200])
    if not tables:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def estimated_room(path: Path) -> int:
    """Room a write may need: as much again as the database (its journal can grow so far)."""
    try:
        return max(path.stat().st_size, 1024 * 1024)
    except OSError:
        return 1024 * 1024


def free_space(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def fault_for(
    error: BaseException, path: Path, *, busy_seconds: float = 30
) -> DatabaseFault | None:
    """The fault an SQLite error means for the user, or None for an ordinary error."""
    original = getattr(error, "orig", None) or error
    if not isinstance(original, sqlite3.Error):
        return None
    name = getattr(original, "sqlite_errorname", "") or ""
    text = str(original)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return DiskFull(path, estimated_room(path), free_space(path.parent))
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return DatabaseReadOnly(path, inspect_location(path).read_only_reason or "file")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return DatabaseBusy(path, busy_seconds)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return DatabaseDamaged(path, text)
    if name.startswith("SQLITE_IOERR") and free_space(path.parent) < 1024 * 1024:
        return DiskFull(path, estimated_room(path), free_space(path.parent))
    return None
