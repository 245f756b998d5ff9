"""Recording and verifying the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.chain import (
    GENESIS_HASH,
    ChainedEntry,
    ChainProblem,
    entry_hash,
    verify_chain,
)
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import AuditEntry, AuditHead

Snapshot = Mapping[str, Any] | None


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
class AuditReport:
    entries_checked: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _dump(snapshot: Snapshot) -> str | None:
    if snapshot is None:
        return None
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)


def _chained(row: AuditEntry) -> ChainedEntry:
    return ChainedEntry(
        id=row.id,
        recorded_at=row.recorded_at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        prev_hash=row.prev_hash,
    )


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

    def verify(self) -> AuditReport:
        with self._db.read() as session:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            head_row = session.get(AuditHead, 1)
            head = (head_row.last_id, head_row.last_hash) if head_row else None
            count, problems = verify_chain(((_chained(r), r.hash) for r in rows), head)
        return AuditReport(count, tuple(problems))

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
