"""Checking a backup file, read-only: SQLite's integrity check, the schema revision, the
audit chain, and what it holds (establishments, diagnostics, the last audit entry)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hospiperf_desktop.audit.chain import verify_rows
from hospiperf_desktop.storage.health import OWN_TABLES, SQLITE_HEADER, connect_uri

_AUDIT_COLUMNS = "id, recorded_at, actor, action, entity, entity_id, before, after, prev_hash"


@dataclass(frozen=True)
class BackupContents:
    """What a backup holds; `last_audit` is the newest audit entry (id, time, action...)."""

    revision: str | None
    establishments: int
    diagnostics: int
    audit_entries: int
    audit_head_hash: str | None
    last_audit: dict[str, Any] | None


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    problems: tuple[str, ...]
    contents: BackupContents | None = None
    size: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


CHECK_CACHE_KIB = 256 * 1024  # page cache of the connection that checks a backup


def _count(connection: sqlite3.Connection, tables: set[str], table: str) -> int:
    if table not in tables:
        return 0
    return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def read_contents(connection: sqlite3.Connection) -> BackupContents:
    tables = {str(r[0]) for r in connection.execute("SELECT name FROM sqlite_master")}
    revision_row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    head = connection.execute("SELECT last_id, last_hash FROM audit_head").fetchone()
    last = connection.execute(
        "SELECT id, recorded_at, actor, action, entity, entity_id FROM audit_entries "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    keys = ("id", "recorded_at", "actor", "action", "entity", "entity_id")
    return BackupContents(
        revision=str(revision_row[0]) if revision_row else None,
        establishments=_count(connection, tables, "establishments"),
        diagnostics=_count(connection, tables, "diagnostics"),
        audit_entries=_count(connection, tables, "audit_entries"),
        audit_head_hash=str(head[1]) if head else None,
        last_audit=dict(zip(keys, last, strict=True)) if last else None,
    )


def _chain_problems(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(f"SELECT {_AUDIT_COLUMNS}, hash FROM audit_entries ORDER BY id")
    head_row = connection.execute("SELECT last_id, last_hash FROM audit_head").fetchone()
    head = (int(head_row[0]), str(head_row[1])) if head_row else None
    _count_checked, problems = verify_rows(rows, head)
    return [f"audit trail: {p.message}" for p in problems[:5]]


def _check_connection(
    connection: sqlite3.Connection, known_revisions: set[str]
) -> tuple[list[str], BackupContents | None]:
    # The integrity check walks every index against its table: with SQLite's default 2 MB
    # page cache it rereads the same pages many times (about 3x slower on 200 MB). The cache
    # grows only as pages are read, up to this cap.
    connection.execute(f"PRAGMA cache_size=-{CHECK_CACHE_KIB}")
    integrity = [str(r[0]) for r in connection.execute("PRAGMA integrity_check(10)")]
    if integrity != ["ok"]:
        return [f"integrity check: {' '.join(integrity[0].split())[:200]}"], None
    tables = {str(r[0]) for r in connection.execute("SELECT name FROM sqlite_master")}
    if not tables >= OWN_TABLES:
        return ["not a HospiPerf database"], None
    contents = read_contents(connection)
    problems = []
    if contents.revision not in known_revisions:
        problems.append(f"unknown schema revision {contents.revision}")
    problems += _chain_problems(connection)
    return problems, contents


def check_backup(path: Path, known_revisions: set[str]) -> BackupCheck:
    """Reopen `path` read-only and check it; never changes the file."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as err:
        return BackupCheck(path, (f"cannot be read ({err.strerror})",))
    if header != SQLITE_HEADER:
        return BackupCheck(path, ("not an SQLite file",), size=size)
    # A finished backup is written by no one: read it without locks (it may sit on a
    # read-only key).
    uri = connect_uri(path, read_only=True, immutable=True)
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            problems, contents = _check_connection(connection, known_revisions)
    except sqlite3.Error as err:
        return BackupCheck(path, (f"unreadable ({err})",), size=size)
    return BackupCheck(path, tuple(problems), contents, size)


def quick_contents(path: Path) -> BackupContents | None:
    """What a backup holds, without the (slower) checks; None when it cannot be read."""
    uri = connect_uri(path, read_only=True, immutable=True)
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            return read_contents(connection)
    except sqlite3.Error:
        return None
