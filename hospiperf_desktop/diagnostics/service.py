"""Diagnostic use cases: create, answer, attach evidence, validate, reopen, score, compare.

Each public method is one transaction. Answers are written one by one as they are given, so
a crash loses nothing. A validated diagnostic is locked: its answers and evidence can no
longer change until someone reopens it, which is audited with a reason. Action plans are in
`plan_service.py`; they stay editable after validation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.diagnostics.comparison import Comparison, compare
from hospiperf_desktop.diagnostics.loader import TemplateCatalog, parse_template
from hospiperf_desktop.diagnostics.records import (
    AnswerRecord,
    AnswerRow,
    DiagnosticDetail,
    DiagnosticStatus,
    DiagnosticSummary,
    EstablishmentScores,
    EvidenceRecord,
    PeerComparison,
)
from hospiperf_desktop.diagnostics.scoring import ScoreReport, score
from hospiperf_desktop.diagnostics.template import AnswerCode, Template
from hospiperf_desktop.diagnostics.texts import format_date
from hospiperf_desktop.errors import (
    ConflictError,
    FieldIssue,
    FileImportError,
    NotFoundError,
    SourceIssue,
    ValidationError,
)
from hospiperf_desktop.french import collation_key
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database

ENTITY = "diagnostic"
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024


def _now() -> datetime:
    return datetime.now(UTC)


def _issue(field: str, code: str, message: str, **params: object) -> ValidationError:
    return ValidationError([FieldIssue(field, code, message, dict(params))])


class DiagnosticService:
    def __init__(self, database: Database, audit: AuditService, library: TemplateCatalog) -> None:
        self._db = database
        self._audit = audit
        self._library = library
        self._templates: dict[int, Template] = {}
        # Overall (completion, score) of each diagnostic, by its answer revision: every
        # answer change moves the diagnostic's `updated_at`, so a listing scores only the
        # diagnostics changed since the last one (by this or any other process).
        self._scores: dict[int, tuple[datetime, int, tuple[float, float | None]]] = {}

    # Templates -------------------------------------------------------------------------

    def templates(self) -> tuple[Template, ...]:
        return self._library.templates()

    def template(self, template_id: str) -> Template:
        template = self._library.get(template_id)
        if template is None:
            raise NotFoundError(f"no questionnaire {template_id!r}")
        return template

    def _snapshot_template(self, row: models.TemplateSnapshot) -> Template:
        if row.id not in self._templates:
            name = f"{row.template_id}@{row.version} (stored copy)"
            self._templates[row.id] = parse_template(row.content, name)
        return self._templates[row.id]

    def _store_snapshot(self, session: Session, template: Template) -> models.TemplateSnapshot:
        query = select(models.TemplateSnapshot).filter_by(
            template_id=template.id, version=template.version, sha256=template.sha256
        )
        row = session.scalar(query)
        if row is None:
            content = self._library.source(template.id)
            row = models.TemplateSnapshot(
                template_id=template.id,
                version=template.version,
                sha256=template.sha256,
                content=content,
                stored_at=_now(),
            )
            session.add(row)
            session.flush()
        return row

    # Diagnostics -----------------------------------------------------------------------

    def create(self, template_id: str, establishment_id: int, label: str = "") -> DiagnosticSummary:
        template = self.template(template_id)
        with self._db.write() as session:
            establishment = session.get(models.Establishment, establishment_id)
            if establishment is None:
                raise NotFoundError(f"no establishment with id {establishment_id}")
            snapshot = self._store_snapshot(session, template)
            now = _now()
            row = models.Diagnostic(
                establishment_id=establishment_id,
                snapshot_id=snapshot.id,
                label=label.strip() or f"{template.title} — {format_date(now)}",
                status=DiagnosticStatus.DRAFT,
                author=self._audit.actor(session),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._log(session, "create", row, {"template": template.key, "label": row.label})
            return self._summary(session, row)

    def list(
        self, establishment_id: int | None = None, template_id: str | None = None
    ) -> list[DiagnosticSummary]:
        with self._db.read() as session:
            query = select(models.Diagnostic).order_by(models.Diagnostic.created_at.desc())
            if establishment_id is not None:
                query = query.filter_by(establishment_id=establishment_id)
            if template_id is not None:  # filtered before each summary is scored
                snapshot = models.TemplateSnapshot
                query = query.join(snapshot).where(snapshot.template_id == template_id)
            rows = list(session.scalars(query))
            # One query for the establishments, held here: the session's identity map keeps
            # only weak references, so `session.get` per row would query each time (1,000
            # small queries whose GIL releases starved the GUI thread: docs/ARCHITECTURE.md).
            establishments = {e.id: e for e in session.scalars(select(models.Establishment))}
            return [
                self._summary(
                    session,
                    row,
                    cached=True,
                    establishment=establishments.get(row.establishment_id),
                )
                for row in rows
            ]

    def get(self, diagnostic_id: int) -> DiagnosticDetail:
        with self._db.read() as session:
            row = self._row(session, diagnostic_id)
            evidence = session.scalars(
                select(models.EvidenceFile)
                .filter_by(diagnostic_id=diagnostic_id)
                .order_by(models.EvidenceFile.id)
            )
            return DiagnosticDetail(
                summary=self._summary(session, row),
                template=self._template_of(session, row),
                answers=self._answers(session, diagnostic_id),
                evidence=tuple(_evidence_record(e) for e in evidence),
            )

    def delete(self, diagnostic_id: int) -> None:
        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            self._unlocked(row)
            self._log(session, "delete", row, {"label": row.label})
            session.delete(row)

    def rename(self, diagnostic_id: int, label: str) -> DiagnosticSummary:
        if not label.strip():
            raise _issue("label", "required", "a label is required")
        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            if row.label != label.strip():
                self._log(session, "rename", row, {"before": row.label, "after": label.strip()})
                row.label = label.strip()
                row.updated_at = _now()
            return self._summary(session, row)

    # Answers ---------------------------------------------------------------------------

    def answer(
        self,
        diagnostic_id: int,
        item_id: str,
        code: AnswerCode | None,
        comment: str | None = None,
        *,
        undo: bool = False,
    ) -> AnswerRecord:
        """Save one item's answer (None clears it) and, when given, its comment.

        `undo` marks, in the audit trail, a change that puts back what the item held before.
        """
        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            self._unlocked(row)
            template = self._template_of(session, row)
            _check_answer(template, item_id, code)
            record = self._save_answer(session, row, item_id, code, comment)
            detail: dict[str, object] = {"item": item_id, "code": code, "comment": record.comment}
            if undo:
                detail["undo"] = True
            self._log(session, "answer", row, detail)
            return record

    def import_answers(
        self,
        diagnostic_id: int,
        rows: Sequence[AnswerRow],
        source: str,
        progress: Progress | None = None,
        read_issues: Sequence[SourceIssue] = (),
    ) -> int:
        """Apply sheet rows all or nothing; every bad row is reported with its line.

        `read_issues` are the rows the sheet reader could not read: they are reported with
        the rows the questionnaire refuses, in line order, and nothing is written.
        """
        progress = progress or NullProgress()
        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            self._unlocked(row)
            template = self._template_of(session, row)
            issues = [*read_issues, *_row_issues(template, rows, source)]
            if issues:
                raise FileImportError(sorted(issues, key=lambda i: i.line or 0))
            existing = self._answers(session, diagnostic_id)
            changes = []
            for done, answer in enumerate(rows, 1):
                if done % 20 == 0:
                    progress.check_cancelled()
                    progress.report(done, len(rows))
                before = existing.get(answer.item_id)
                old_code, old_comment = (before.code, before.comment) if before else (None, "")
                code = old_code if answer.code is None else answer.code
                comment = old_comment if answer.comment is None else answer.comment.strip()
                if (code, comment) == (old_code, old_comment):
                    continue  # unchanged: keep who answered it and when
                self._save_answer(session, row, answer.item_id, code, comment)
                changes.append(
                    {"item": answer.item_id, "before": old_code, "after": code, "comment": comment}
                )
            self._log(session, "import_answers", row, {"file": source, "changes": changes})
            return len(changes)

    def import_answer_file(
        self, diagnostic_id: int, path: Path, progress: Progress | None = None
    ) -> int:
        """Import an answers sheet (CSV or XLSX, see `sheets.py`); returns the answers changed."""
        from hospiperf_desktop.diagnostics.sheets import read_answer_sheet

        sheet = read_answer_sheet(path)
        return self.import_answers(
            diagnostic_id, sheet.rows, sheet.source, progress, read_issues=sheet.issues
        )

    def _save_answer(
        self,
        session: Session,
        row: models.Diagnostic,
        item_id: str,
        code: AnswerCode | None,
        comment: str | None,
    ) -> AnswerRecord:
        actor = self._audit.actor(session)  # before adding a row: its query would autoflush
        answer = session.get(models.DiagnosticAnswer, (row.id, item_id))
        now = _now()
        if answer is None:
            answer = models.DiagnosticAnswer(diagnostic_id=row.id, item_id=item_id, comment="")
            session.add(answer)
        answer.code = code.value if code is not None else None
        if comment is not None:
            answer.comment = comment.strip()
        answer.answered_by = actor
        answer.answered_at = now
        row.updated_at = now
        session.flush()
        return _answer_record(answer)

    # Evidence --------------------------------------------------------------------------

    def add_evidence(self, diagnostic_id: int, item_id: str, path: Path) -> EvidenceRecord:
        if path.stat().st_size > MAX_EVIDENCE_BYTES:
            raise _issue("evidence", "too_large", f"{path.name} is over 25 MB", file=path.name)
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            self._unlocked(row)
            _check_item(self._template_of(session, row), item_id)
            evidence = models.EvidenceFile(
                diagnostic_id=diagnostic_id,
                item_id=item_id,
                filename=path.name,
                sha256=digest,
                size=len(content),
                content=content,
                added_by=self._audit.actor(session),
                added_at=_now(),
            )
            session.add(evidence)
            session.flush()
            self._log(
                session, "add_evidence", row, {"item": item_id, "file": path.name, "sha256": digest}
            )
            return _evidence_record(evidence)

    def evidence_content(self, evidence_id: int) -> tuple[EvidenceRecord, bytes]:
        with self._db.read() as session:
            evidence = session.get(models.EvidenceFile, evidence_id)
            if evidence is None:
                raise NotFoundError(f"no evidence file {evidence_id}")
            if hashlib.sha256(evidence.content).hexdigest() != evidence.sha256:
                raise ConflictError(
                    f"evidence {evidence.filename} does not match its SHA-256",
                    "evidence_altered",
                    file=evidence.filename,
                )
            return _evidence_record(evidence), evidence.content

    def remove_evidence(self, evidence_id: int) -> None:
        with self._db.write() as session:
            evidence = session.get(models.EvidenceFile, evidence_id)
            if evidence is None:
                raise NotFoundError(f"no evidence file {evidence_id}")
            row = self._row(session, evidence.diagnostic_id)
            self._unlocked(row)
            self._log(
                session,
                "remove_evidence",
                row,
                {"item": evidence.item_id, "file": evidence.filename, "sha256": evidence.sha256},
            )
            session.delete(evidence)

    # Validation ------------------------------------------------------------------------

    def validate(self, diagnostic_id: int) -> DiagnosticSummary:
        """Lock the diagnostic and propose the action plan from its weak items."""
        from hospiperf_desktop.diagnostics.plan_service import add_proposed_actions

        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            self._unlocked(row)
            codes = self._codes(session, row.id)
            if not any(code is not None for code in codes.values()):
                raise _issue("answers", "nothing_answered", "answer at least one item first")
            now = _now()
            row.status = DiagnosticStatus.VALIDATED
            row.validated_at, row.validated_by = now, self._audit.actor(session)
            row.updated_at = now
            template = self._template_of(session, row)
            added = add_proposed_actions(session, row.id, template, codes)
            self._log(session, "validate", row, {"proposed_actions": added})
            return self._summary(session, row)

    def reopen(self, diagnostic_id: int, reason: str) -> DiagnosticSummary:
        if not reason.strip():
            raise _issue("reason", "required", "say why the diagnostic is reopened")
        with self._db.write() as session:
            row = self._row(session, diagnostic_id)
            if row.status != DiagnosticStatus.VALIDATED:
                raise ConflictError(f"diagnostic {diagnostic_id} is not validated", "not_validated")
            self._log(
                session,
                "reopen",
                row,
                {"reason": reason.strip(), "validated_at": row.validated_at},
            )
            row.status = DiagnosticStatus.DRAFT
            row.validated_at = row.validated_by = None
            row.updated_at = _now()
            return self._summary(session, row)

    # Results ---------------------------------------------------------------------------

    def template_for(self, diagnostic_id: int) -> Template:
        """The questionnaire a diagnostic was answered with (its stored copy)."""
        with self._db.read() as session:
            return self._template_of(session, self._row(session, diagnostic_id))

    def score(self, diagnostic_id: int) -> ScoreReport:
        with self._db.read() as session:
            row = self._row(session, diagnostic_id)
            return score(self._template_of(session, row), self._codes(session, diagnostic_id))

    def compare(self, before_id: int, after_id: int) -> Comparison:
        before, after = self.get(before_id), self.get(after_id)
        if before.template.id != after.template.id:
            raise _issue(
                "diagnostic", "different_template", "compare two campaigns of one questionnaire"
            )
        if before.summary.establishment_id != after.summary.establishment_id:
            raise _issue(
                "diagnostic", "different_establishment", "compare campaigns of one establishment"
            )
        return compare(before.template, before.codes(), after.template, after.codes())

    def compare_establishments(
        self, template_id: str, validated_only: bool = False
    ) -> PeerComparison:
        """The latest diagnostic of `template_id` per establishment, scored per axis."""
        template = self.template(template_id)
        latest: dict[int, DiagnosticSummary] = {}
        for summary in self.list(template_id=template_id):
            if validated_only and not summary.locked:
                continue
            latest.setdefault(summary.establishment_id, summary)
        rows = []
        for summary in latest.values():
            report = self.score(summary.id)
            rows.append(
                EstablishmentScores(
                    diagnostic_id=summary.id,
                    establishment_name=summary.establishment_name,
                    finess=summary.establishment_finess,
                    label=summary.label,
                    status=summary.status,
                    overall=report.overall.score,
                    completion=report.overall.completion,
                    axes={axis.id: axis.score for axis in report.axes},
                )
            )
        rows.sort(key=lambda r: collation_key(r.establishment_name))
        return PeerComparison(
            template.id, tuple((a.id, a.label) for a in template.axes), tuple(rows)
        )

    # Helpers ---------------------------------------------------------------------------

    def _row(self, session: Session, diagnostic_id: int) -> models.Diagnostic:
        row = session.get(models.Diagnostic, diagnostic_id)
        if row is None:
            raise NotFoundError(f"no diagnostic with id {diagnostic_id}")
        return row

    @staticmethod
    def _unlocked(row: models.Diagnostic) -> None:
        if row.status == DiagnosticStatus.VALIDATED:
            raise ConflictError(
                f"diagnostic {row.id} is validated and locked; reopen it to change it",
                "diagnostic_locked",
            )

    def _template_of(self, session: Session, row: models.Diagnostic) -> Template:
        known = self._templates.get(row.snapshot_id)
        if known is not None:  # the stored questionnaire is read and parsed once
            return known
        snapshot = session.get(models.TemplateSnapshot, row.snapshot_id)
        assert snapshot is not None
        return self._snapshot_template(snapshot)

    def _answers(self, session: Session, diagnostic_id: int) -> dict[str, AnswerRecord]:
        rows = session.scalars(
            select(models.DiagnosticAnswer).filter_by(diagnostic_id=diagnostic_id)
        )
        return {r.item_id: _answer_record(r) for r in rows}

    def _codes(self, session: Session, diagnostic_id: int) -> dict[str, AnswerCode | None]:
        query = select(models.DiagnosticAnswer.item_id, models.DiagnosticAnswer.code).filter_by(
            diagnostic_id=diagnostic_id
        )
        return {item: AnswerCode(code) if code else None for item, code in session.execute(query)}

    def _overall(
        self, session: Session, row: models.Diagnostic, template: Template, cached: bool
    ) -> tuple[float, float | None]:
        """(completion, score) of the whole diagnostic; from the cache when `cached` and its
        answers have not changed since it was computed."""
        revision = (row.updated_at, row.snapshot_id)
        hit = self._scores.get(row.id)
        if cached and hit is not None and hit[:2] == revision:
            return hit[2]
        overall = score(template, self._codes(session, row.id)).overall
        result = (overall.completion, overall.score)
        if cached:
            self._scores[row.id] = (*revision, result)
        return result

    def _summary(
        self,
        session: Session,
        row: models.Diagnostic,
        *,
        cached: bool = False,
        establishment: models.Establishment | None = None,
    ) -> DiagnosticSummary:
        template = self._template_of(session, row)
        if establishment is None:
            establishment = session.get(models.Establishment, row.establishment_id)
        assert establishment is not None
        completion, overall_score = self._overall(session, row, template, cached)
        return DiagnosticSummary(
            id=row.id,
            establishment_id=row.establishment_id,
            establishment_finess=establishment.finess,
            establishment_name=establishment.name,
            template_id=template.id,
            template_version=template.version,
            template_title=template.title,
            label=row.label,
            status=row.status,
            author=row.author,
            created_at=row.created_at,
            updated_at=row.updated_at,
            validated_at=row.validated_at,
            validated_by=row.validated_by,
            completion=completion,
            score=overall_score,
        )

    def _log(
        self, session: Session, action: str, row: models.Diagnostic, after: dict[str, object]
    ) -> None:
        self._audit.record(
            session, action=action, entity=ENTITY, entity_id=str(row.id), after=after
        )

    def count(self) -> int:
        with self._db.read() as session:
            return session.scalar(select(func.count()).select_from(models.Diagnostic)) or 0


def _answer_record(row: models.DiagnosticAnswer) -> AnswerRecord:
    return AnswerRecord(
        item_id=row.item_id,
        code=AnswerCode(row.code) if row.code else None,
        comment=row.comment,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
    )


def _evidence_record(row: models.EvidenceFile) -> EvidenceRecord:
    return EvidenceRecord(
        id=row.id,
        item_id=row.item_id,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def _check_item(template: Template, item_id: str) -> None:
    if item_id not in template.places:
        raise _issue(
            "item_id", "unknown_item", f"{item_id!r} is not an item of {template.key}", item=item_id
        )


def _check_answer(template: Template, item_id: str, code: AnswerCode | None) -> None:
    _check_item(template, item_id)
    item = template.item(item_id)
    if code is not None and code not in item.codes:
        allowed = ", ".join(item.codes)
        raise _issue("answer", "answer_not_allowed", f"{item_id} accepts {allowed}", item=item_id)


def _row_issues(template: Template, rows: Sequence[AnswerRow], source: str) -> list[SourceIssue]:
    issues = []
    params: dict[str, object]
    seen: dict[str, int] = {}
    for row in rows:
        if row.item_id not in template.places:
            message = f"unknown item {row.item_id!r}"
            params = {"item": row.item_id}
            issues.append(SourceIssue(source, row.line, "item_id", message, "unknown_item", params))
            continue
        if row.item_id in seen:
            message = f"item {row.item_id} already given on line {seen[row.item_id]}"
            params = {"item": row.item_id, "line": seen[row.item_id]}
            issues.append(
                SourceIssue(source, row.line, "item_id", message, "repeated_item", params)
            )
        seen[row.item_id] = row.line
        item = template.item(row.item_id)
        if row.code is not None and row.code not in item.codes:
            message = f"{row.item_id} accepts only {', '.join(item.codes)}"
            params = {"item": row.item_id, "codes": [str(code) for code in item.codes]}
            issues.append(
                SourceIssue(source, row.line, "answer", message, "answer_not_allowed", params)
            )
    return issues
