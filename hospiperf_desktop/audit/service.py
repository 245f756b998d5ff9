"""Recording and verifying the audit trail, and checking it against anchors kept elsewhere.

No chain kept inside the database resists someone who rewrites all of it, head included.
So the trail is anchored outside: every signed bundle carries the entry count and head hash
of the moment it was signed (the ARS keeps them), and every backup holds its own head.
`verify(anchor)` proves that the trail is unchanged up to such a point.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.chain import (
    GENESIS_HASH,
    ChainedEntry,
    ChainProblem,
    LinkCheck,
    entry_hash,
    head_problems,
    row_hash,
    verify_rows,
)
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import AuditEntry, AuditHead, Diagnostic, Establishment

Snapshot = Mapping[str, Any] | None

# A change and its audit entry are written in one transaction, seconds apart at most; data
# changed longer than this after the last entry had entries that are no longer there.
TRAIL_LAG_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class AuditRecord:
    id: int
    recorded_at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Anchor:
    """A point of the trail seen from outside: how many entries, the hash of the last one."""

    entries: int
    head_hash: str
    source: str = ""  # where it was read (a bundle, a backup), for messages


@dataclass(frozen=True)
class AuditReport:
    entries_checked: int
    problems: tuple[ChainProblem, ...]
    anchor: Anchor | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _dump(snapshot: Snapshot) -> str | None:
    if snapshot is None:
        return None
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)


_CHAINED_COLUMNS = ", ".join(field.name for field in fields(ChainedEntry))
# SQLite writes each entry's canonical JSON (sorted keys, compact, non-ASCII kept) as bytes:
# escaping ~200 MiB of snapshots is then C code, and Python only hashes and compares.
_CANONICAL_SQL = (
    "SELECT id, prev_hash, hash, CAST(json_object("
    + ", ".join(f"'{name}', {name}" for name in sorted(_CHAINED_COLUMNS.split(", ")))
    + ") AS BLOB) FROM audit_entries ORDER BY id"
)


# From this many entries, a trail is verified in two halves at once (`_verify_in_halves`).
SPLIT_FROM = 20_000


def _verify_entries(
    connection: sqlite3.Connection,
    head: tuple[int, str] | None,
    database: Path | None = None,
) -> tuple[int, list[ChainProblem]]:
    """The chain read row by row from the driver's cursor (memory stays flat whatever the
    length of the trail). An entry whose SQLite canonical text does not give its hash is
    hashed again the exact way (`row_hash`) before it is called altered, so a difference of
    escaping between SQLite and Python never passes for tampering; and SQLite's text can be
    the one Python hashed only for the same values (a JSON text decodes to one value), so no
    altered entry passes for intact. A long trail in a database file is read in two halves
    at once (`_verify_in_halves`)."""
    try:
        checked = None
        if database is not None and database.is_file() and head and head[0] >= SPLIT_FROM:
            with suppress(sqlite3.OperationalError):  # e.g. no second connection: one pass
                checked = _verify_in_halves(connection, head, database)
        if checked is None:
            checked = LinkCheck().feed(_hashed(connection, "", ()))
        return checked.count, checked.problems + head_problems(checked.last, head)
    except sqlite3.OperationalError:  # no JSON in this SQLite, or a BLOB where text belongs
        cursor = connection.cursor()
        try:
            rows = cursor.execute(f"SELECT {_CHAINED_COLUMNS}, hash FROM audit_entries ORDER BY id")
            return verify_rows(rows, head)
        finally:
            cursor.close()


def _hashed(
    connection: sqlite3.Connection, where: str, parameters: tuple[object, ...]
) -> Iterator[tuple[object, object, object, bool]]:
    """(id, prev_hash, stored hash, whether the content gives it) of the entries `where`
    selects, in id order, one row at a time."""
    exact = connection.cursor()
    cursor = connection.cursor()

    def exact_hash(entry_id: object) -> str:
        row = exact.execute(
            f"SELECT {_CHAINED_COLUMNS} FROM audit_entries WHERE id = ?", (entry_id,)
        ).fetchone()
        return row_hash(row)

    # The module's SQL read at each call (a test swaps in a text SQLite writes otherwise).
    sql = _CANONICAL_SQL.replace(" ORDER BY id", f" {where} ORDER BY id")
    sha256 = hashlib.sha256
    try:
        for entry_id, prev, stored, text in cursor.execute(sql, parameters):
            yield (
                entry_id,
                prev,
                stored,
                sha256(text).hexdigest() == stored or exact_hash(entry_id) == stored,
            )
    finally:
        cursor.close()
        exact.close()


def _verify_in_halves(
    connection: sqlite3.Connection, head: tuple[int, str], database: Path
) -> LinkCheck:
    """The entries up to the middle id read on `connection`, those after it up to the head
    at the same time on a second read-only connection in a helper thread (SQLite writes the
    canonical texts without holding the interpreter; on two cores about 1.25 times as fast,
    as the hashing and the rows' Python work hardly overlap), then any entry past the head.
    The second half starts from the stored hash of the last entry of the first, so the
    halves put end to end check what one pass checks. Entries appended by another
    connection after `head` was read are not in the second half, as they are not in
    `connection`'s reading."""
    from concurrent.futures import ThreadPoolExecutor

    last_id = head[0]
    middle = last_id // 2

    def second_half() -> LinkCheck:
        other = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            before = other.execute(
                "SELECT hash FROM audit_entries WHERE id <= ? ORDER BY id DESC LIMIT 1", (middle,)
            ).fetchone()
            checked = LinkCheck(expected_prev=before[0] if before else GENESIS_HASH)
            return checked.feed(_hashed(other, "WHERE id > ? AND id <= ?", (middle, last_id)))
        finally:
            other.close()

    with ThreadPoolExecutor(1, thread_name_prefix="audit-verify") as pool:
        later = pool.submit(second_half)
        first = LinkCheck().feed(_hashed(connection, "WHERE id <= ?", (middle,)))
        halves = first.followed_by(later.result())
    return halves.feed(_hashed(connection, "WHERE id > ?", (last_id,)))  # past the head


class AuditService:
    """Appends entries inside the caller's transaction; verifies the whole chain."""

    def __init__(self, database: Database, actor: Callable[[Session], str]) -> None:
        self._db = database
        self._actor = actor

    def actor(self, session: Session) -> str:
        """The name the trail gives to whoever acts now (the current profile)."""
        return self._actor(session)

    def record(
        self,
        session: Session,
        *,
        action: str,
        entity: str,
        entity_id: str,
        before: Snapshot = None,
        after: Snapshot = None,
    ) -> None:
        """Append one entry. Call inside a `Database.write()` block (it holds the write lock)."""
        head = session.get(AuditHead, 1)
        entry = ChainedEntry(
            id=head.last_id + 1 if head else 1,
            recorded_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            actor=self._actor(session),
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=_dump(before),
            after=_dump(after),
            prev_hash=head.last_hash if head else GENESIS_HASH,
        )
        digest = entry_hash(entry)
        session.add(AuditEntry(**vars(entry), hash=digest))
        session.flush()
        if head is None:
            session.add(AuditHead(id=1, last_id=entry.id, last_hash=digest))
        else:
            head.last_id, head.last_hash = entry.id, digest
        session.flush()

    def anchor(self) -> Anchor:
        """The trail as it stands: what a bundle signed now carries."""
        with self._db.read() as session:
            head = session.get(AuditHead, 1)
            if head is None:
                return Anchor(0, GENESIS_HASH)
            return Anchor(head.last_id, head.last_hash)

    def verify(self, anchor: Anchor | None = None) -> AuditReport:
        """Check the whole chain; with `anchor`, also that it is unchanged up to that point."""
        with self._db.read() as session:
            head_row = session.get(AuditHead, 1)
            head = (head_row.last_id, head_row.last_hash) if head_row else None
            driver = session.connection().connection.driver_connection
            count, problems = _verify_entries(cast(sqlite3.Connection, driver), head, self._db.path)
            if count == 0 and head is None:
                problems += _empty_trail(session)
            elif head_row is not None:
                problems += _trail_behind_data(session, head_row.last_id)
            if anchor is not None:
                problems += _against_anchor(session, anchor)
        return AuditReport(count, tuple(problems), anchor)

    def recent(self, limit: int = 200) -> list[AuditRecord]:
        with self._db.read() as session:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
            return [
                AuditRecord(
                    id=r.id,
                    recorded_at=r.recorded_at,
                    actor=r.actor,
                    action=r.action,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    before=json.loads(r.before) if r.before else None,
                    after=json.loads(r.after) if r.after else None,
                )
                for r in rows
            ]


def _empty_trail(session: Session) -> list[ChainProblem]:
    """An empty trail is only right in an empty database: every change is audited."""
    establishments = session.scalar(select(func.count()).select_from(Establishment)) or 0
    diagnostics = session.scalar(select(func.count()).select_from(Diagnostic)) or 0
    if not establishments and not diagnostics:
        return []
    return [
        ChainProblem(
            None,
            "empty_trail",
            f"the trail is empty but the database holds {establishments} establishment(s) and"
            f" {diagnostics} diagnostic(s): its entries were deleted",
        )
    ]


def _against_anchor(session: Session, anchor: Anchor) -> list[ChainProblem]:
    """The entry the anchor names must be there, with the anchored hash, and nothing before
    it may be missing (`verify_chain` has already checked that the links hold)."""
    where = f" (anchor from {anchor.source})" if anchor.source else ""
    if anchor.entries == 0:
        return []
    row = session.get(AuditEntry, anchor.entries)
    if row is None:
        return [
            ChainProblem(
                None,
                "anchor_missing",
                f"the anchor names entry {anchor.entries}, which the trail no longer holds:"
                f" entries were removed{where}",
            )
        ]
    problems = []
    if row.hash != anchor.head_hash:
        problems.append(
            ChainProblem(
                row.id,
                "anchor_mismatch",
                "is not the entry anchored: the trail up to it was rewritten"
                f" (anchored hash {anchor.head_hash[:16]}…, found {row.hash[:16]}…){where}",
            )
        )
    before = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= anchor.entries)
    )
    if before != anchor.entries:
        problems.append(
            ChainProblem(
                None,
                "anchor_missing",
                f"the anchor counts {anchor.entries} entries up to it, the trail {before}{where}",
            )
        )
    return problems


def _trail_behind_data(session: Session, last_id: int) -> list[ChainProblem]:
    """Establishments or diagnostics changed well after the last audit entry: the entries
    that recorded those changes were cut off (with the head moved back)."""
    last = session.get(AuditEntry, last_id)
    if last is None:
        return []  # verify_chain reports the head that names no entry
    try:
        recorded = datetime.fromisoformat(last.recorded_at)
    except ValueError:
        return []  # an altered entry: verify_chain reports it
    if recorded.tzinfo is not None:
        recorded = recorded.astimezone(UTC).replace(tzinfo=None)
    changed = max(
        (
            moment
            for moment in (
                session.scalar(select(func.max(Establishment.updated_at))),
                session.scalar(select(func.max(Diagnostic.updated_at))),
            )
            if moment is not None
        ),
        default=None,
    )
    if changed is None:
        return []
    if changed.tzinfo is not None:
        changed = changed.astimezone(UTC).replace(tzinfo=None)
    if changed <= recorded + TRAIL_LAG_TOLERANCE:
        return []
    return [
        ChainProblem(
            None,
            "trail_behind_data",
            f"data was changed on {changed:%d/%m/%Y %H:%M} UTC, after the last audit entry"
            f" ({recorded:%d/%m/%Y %H:%M} UTC): the last entries were removed, or the"
            " computer's clock was put back",
        )
    ]
