"""Plain records the diagnostics service returns (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hospiperf_desktop.diagnostics.planning import ActionStatus, Priority
from hospiperf_desktop.diagnostics.template import (
    AnswerCode,
    Delay,
    Difficulty,
    Interest,
    Template,
)


class DiagnosticStatus:
    DRAFT = "draft"
    VALIDATED = "validated"


@dataclass(frozen=True)
class DiagnosticSummary:
    id: int
    establishment_id: int
    establishment_finess: str
    establishment_name: str
    template_id: str
    template_version: str
    template_title: str
    label: str
    status: str
    author: str
    created_at: datetime
    updated_at: datetime
    validated_at: datetime | None
    validated_by: str | None
    completion: float
    score: float | None

    @property
    def locked(self) -> bool:
        return self.status == DiagnosticStatus.VALIDATED


@dataclass(frozen=True)
class AnswerRecord:
    item_id: str
    code: AnswerCode | None
    comment: str
    answered_by: str
    answered_at: datetime


@dataclass(frozen=True)
class EvidenceRecord:
    id: int
    item_id: str
    filename: str
    sha256: str
    size: int
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class DiagnosticDetail:
    summary: DiagnosticSummary
    template: Template
    answers: dict[str, AnswerRecord]
    evidence: tuple[EvidenceRecord, ...]

    def codes(self) -> dict[str, AnswerCode | None]:
        return {item_id: record.code for item_id, record in self.answers.items()}


@dataclass(frozen=True)
class PlanEntry:
    id: int
    diagnostic_id: int
    item_id: str
    action_index: int | None
    text: str
    interest: Interest
    difficulty: Difficulty
    delay: Delay
    indicator: str
    owner: str
    due_date: date | None
    status: ActionStatus
    priority: Priority
    computed_priority: Priority
    priority_overridden: bool
    critical: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PlanEntryChange:
    """What a user may edit on a plan entry. `priority=None` means "the computed one"."""

    owner: str
    due_date: date | None
    status: ActionStatus
    priority: Priority | None


@dataclass(frozen=True)
class AnswerRow:
    """One row of an answers sheet, with where it came from for error messages."""

    item_id: str
    code: AnswerCode | None
    comment: str | None
    line: int


@dataclass(frozen=True)
class EstablishmentScores:
    diagnostic_id: int
    establishment_name: str
    finess: str
    label: str
    status: str
    overall: float | None
    completion: float
    axes: dict[str, float | None]


@dataclass(frozen=True)
class PeerComparison:
    template_id: str
    axes: tuple[tuple[str, str], ...]
    rows: tuple[EstablishmentScores, ...]
