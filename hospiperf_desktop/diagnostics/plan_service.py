"""Action plan use cases. A plan belongs to a diagnostic but outlives its validation: it is
followed (owner, due date, status) long after the answers are locked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.diagnostics.planning import (
    ActionStatus,
    Priority,
    computed_priority,
    priority_points,
    propose_actions,
)
from hospiperf_desktop.diagnostics.records import PlanEntry, PlanEntryChange
from hospiperf_desktop.diagnostics.service import DiagnosticService
from hospiperf_desktop.diagnostics.template import (
    AnswerCode,
    Delay,
    Difficulty,
    Interest,
    Template,
)
from hospiperf_desktop.errors import FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database

ENTITY = "plan_action"


def add_proposed_actions(
    session: Session, diagnostic_id: int, template: Template, codes: Mapping[str, AnswerCode | None]
) -> int:
    """Add the recommended actions of weak items not in the plan yet; returns how many."""
    query = select(models.PlanAction.item_id, models.PlanAction.action_index).filter_by(
        diagnostic_id=diagnostic_id
    )
    present = {(item_id, index) for item_id, index in session.execute(query)}
    now = datetime.now(UTC)
    added = 0
    for proposal in propose_actions(template, codes):
        if (proposal.item_id, proposal.action_index) in present:
            continue
        action = proposal.action
        session.add(
            models.PlanAction(
                diagnostic_id=diagnostic_id,
                item_id=proposal.item_id,
                action_index=proposal.action_index,
                text=action.text,
                interest=action.interest.value,
                difficulty=action.difficulty.value,
                delay=action.delay.value,
                indicator=action.indicator,
                owner=action.who,
                status=ActionStatus.TODO.value,
                priority=int(proposal.priority),
                created_at=now,
                updated_at=now,
            )
        )
        added += 1
    session.flush()
    return added


def _entry(row: models.PlanAction, template: Template) -> PlanEntry:
    interest, difficulty, delay = (
        Interest(row.interest),
        Difficulty(row.difficulty),
        Delay(row.delay),
    )
    critical = row.item_id in template.places and template.item(row.item_id).critical
    return PlanEntry(
        id=row.id,
        diagnostic_id=row.diagnostic_id,
        item_id=row.item_id,
        action_index=row.action_index,
        text=row.text,
        interest=interest,
        difficulty=difficulty,
        delay=delay,
        indicator=row.indicator,
        owner=row.owner,
        due_date=row.due_date,
        status=ActionStatus(row.status),
        priority=Priority(row.priority),
        computed_priority=computed_priority(interest, difficulty, delay),
        priority_overridden=row.priority_overridden,
        critical=critical,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def plan_order(entry: PlanEntry) -> tuple[int, bool, int, bool, str, int]:
    """Priority first, then critical items, then the best-rated, then unfinished first."""
    points = priority_points(entry.interest, entry.difficulty, entry.delay)
    finished = entry.status in (ActionStatus.DONE, ActionStatus.ABANDONED)
    return (entry.priority, not entry.critical, -points, finished, entry.item_id, entry.id)


class PlanService:
    def __init__(
        self, database: Database, audit: AuditService, diagnostics: DiagnosticService
    ) -> None:
        self._db = database
        self._audit = audit
        self._diagnostics = diagnostics

    def plan(self, diagnostic_id: int) -> list[PlanEntry]:
        template = self._diagnostics.template_for(diagnostic_id)
        with self._db.read() as session:
            rows = session.scalars(select(models.PlanAction).filter_by(diagnostic_id=diagnostic_id))
            return sorted((_entry(row, template) for row in rows), key=plan_order)

    def entry(self, entry_id: int) -> PlanEntry:
        with self._db.read() as session:
            row = self._row(session, entry_id)
            return _entry(row, self._diagnostics.template_for(row.diagnostic_id))

    def propose(self, diagnostic_id: int) -> int:
        """Add the actions of the diagnostic's current weak items (also done at validation)."""
        with self._db.write() as session:
            # Read inside the write: the nested read joins this transaction.
            detail = self._diagnostics.get(diagnostic_id)
            added = add_proposed_actions(session, diagnostic_id, detail.template, detail.codes())
            if added:
                self._log(session, "propose", str(diagnostic_id), {"added": added})
            return added

    def add(
        self,
        diagnostic_id: int,
        item_id: str,
        text: str,
        interest: Interest = Interest.MEDIUM,
        difficulty: Difficulty = Difficulty.MEDIUM,
        delay: Delay = Delay.MEDIUM,
        indicator: str = "",
    ) -> PlanEntry:
        """A local action, written by the team rather than proposed by the questionnaire."""
        now = datetime.now(UTC)
        with self._db.write() as session:
            template = self._diagnostics.template_for(diagnostic_id)
            issues = []
            if not text.strip():
                issues.append(FieldIssue("text", "required", "the action needs a text"))
            if item_id not in template.places:
                params = {"item": item_id}
                issues.append(
                    FieldIssue("item_id", "unknown_item", f"unknown item {item_id!r}", params)
                )
            if issues:
                raise ValidationError(issues)
            row = models.PlanAction(
                diagnostic_id=diagnostic_id,
                item_id=item_id,
                action_index=None,
                text=text.strip(),
                interest=interest.value,
                difficulty=difficulty.value,
                delay=delay.value,
                indicator=indicator.strip(),
                owner="",
                status=ActionStatus.TODO.value,
                priority=int(computed_priority(interest, difficulty, delay)),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            entry = _entry(row, template)
            self._log(session, "create", str(row.id), _snapshot(entry))
            return entry

    def update(self, entry_id: int, change: PlanEntryChange) -> PlanEntry:
        with self._db.write() as session:
            row = self._row(session, entry_id)
            template = self._diagnostics.template_for(row.diagnostic_id)
            before = _entry(row, template)
            row.owner = change.owner.strip()
            row.due_date = change.due_date
            row.status = change.status.value
            row.priority_overridden = change.priority is not None
            row.priority = int(change.priority or before.computed_priority)
            row.updated_at = datetime.now(UTC)
            session.flush()
            after = _entry(row, template)
            self._log(session, "update", str(entry_id), _snapshot(after), _snapshot(before))
            return after

    def delete(self, entry_id: int) -> bool:
        """Remove a team's own action. An action the questionnaire proposed is marked
        abandoned instead, so that it is not proposed again; returns True if it was removed."""
        with self._db.write() as session:
            row = self._row(session, entry_id)
            before: dict[str, object] = {
                "text": row.text,
                "item": row.item_id,
                "status": row.status,
            }
            if row.action_index is not None:
                row.status = ActionStatus.ABANDONED.value
                row.updated_at = datetime.now(UTC)
                self._log(session, "abandon", str(entry_id), {"status": row.status}, before)
                return False
            self._log(session, "delete", str(entry_id), None, before)
            session.delete(row)
            return True

    def _row(self, session: Session, entry_id: int) -> models.PlanAction:
        row = session.get(models.PlanAction, entry_id)
        if row is None:
            raise NotFoundError(f"no plan action with id {entry_id}")
        return row

    def _log(
        self,
        session: Session,
        action: str,
        entity_id: str,
        after: dict[str, object] | None,
        before: dict[str, object] | None = None,
    ) -> None:
        self._audit.record(
            session, action=action, entity=ENTITY, entity_id=entity_id, before=before, after=after
        )


def _snapshot(entry: PlanEntry) -> dict[str, object]:
    data = asdict(entry)
    return {
        k: data[k]
        for k in ("diagnostic_id", "item_id", "text", "owner", "due_date", "status", "priority")
    }


def parse_due_date(text: str) -> date | None:
    """A due date typed as 31/12/2026 or 2026-12-31; empty means none."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        [FieldIssue("due_date", "bad_date", f"{text!r} is not a date like 31/12/2026")]
    )
