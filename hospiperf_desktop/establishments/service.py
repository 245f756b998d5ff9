"""Establishment use cases: list, add, edit, delete — each one audited transaction."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.errors import ConflictError, FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.establishments.finess import normalize_finess
from hospiperf_desktop.establishments.model import (
    DeletedEstablishment,
    Establishment,
    EstablishmentContents,
    EstablishmentInput,
    normalized,
    validate,
)
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.repositories import EstablishmentRepository

ENTITY = "establishment"
_INPUT_FIELDS = tuple(f.name for f in fields(EstablishmentInput))


def _to_record(row: models.Establishment) -> Establishment:
    fields = {name: getattr(row, name) for name in _INPUT_FIELDS}
    return Establishment(id=row.id, fictitious=row.fictitious, **fields)


def _checked(data: EstablishmentInput) -> EstablishmentInput:
    clean = normalized(data)
    if issues := validate(clean):
        raise ValidationError(issues)
    return clean


def _duplicate(finess: str) -> ValidationError:
    return ValidationError(
        [
            FieldIssue(
                "finess",
                "finess_duplicate",
                f"establishment {finess} already exists",
                {"finess": finess},
            )
        ]
    )


class EstablishmentService:
    def __init__(self, database: Database, audit: AuditService) -> None:
        self._db = database
        self._audit = audit

    def list(self) -> list[Establishment]:
        with self._db.read() as session:
            return [_to_record(row) for row in EstablishmentRepository(session).all()]

    def get(self, establishment_id: int) -> Establishment:
        with self._db.read() as session:
            return _to_record(_existing(EstablishmentRepository(session), establishment_id))

    def by_finess(self, finess: str) -> Establishment:
        with self._db.read() as session:
            row = EstablishmentRepository(session).by_finess(normalize_finess(finess))
            if row is None:
                raise NotFoundError(f"no establishment with FINESS {finess}")
            return _to_record(row)

    def add(self, data: EstablishmentInput, *, fictitious: bool = False) -> Establishment:
        """A new establishment; `fictitious` marks demonstration data (removed with the demo)."""
        clean = _checked(data)
        with self._db.write() as session:
            repo = EstablishmentRepository(session)
            if repo.by_finess(clean.finess):
                raise _duplicate(clean.finess)
            now = datetime.now(UTC)
            row = repo.add(
                models.Establishment(
                    **asdict(clean), fictitious=fictitious, created_at=now, updated_at=now
                )
            )
            record = _to_record(row)
            self._log(session, "create", before=None, after=record)
        return record

    def update(self, establishment_id: int, data: EstablishmentInput) -> Establishment:
        clean = _checked(data)
        with self._db.write() as session:
            repo = EstablishmentRepository(session)
            row = _existing(repo, establishment_id)
            other = repo.by_finess(clean.finess)
            if other is not None and other.id != establishment_id:
                raise _duplicate(clean.finess)
            before = _to_record(row)
            after = Establishment(id=establishment_id, fictitious=row.fictitious, **asdict(clean))
            if after == before:
                return before
            for name, value in asdict(clean).items():
                setattr(row, name, value)
            row.updated_at = datetime.now(UTC)
            session.flush()
            self._log(session, "update", before=before, after=after)
        return after

    def delete(self, establishment_id: int) -> None:
        with self._db.write() as session:
            repo = EstablishmentRepository(session)
            row = _existing(repo, establishment_id)
            if used := repo.diagnostic_count(establishment_id):
                raise ConflictError(
                    f"establishment {row.finess} has {used} diagnostic(s); delete them first",
                    "establishment_in_use",
                    count=used,
                )
            if stock := repo.stock_data_count(establishment_id):
                raise ConflictError(
                    f"establishment {row.finess} has stock data ({stock} products, imports or"
                    f" shortages); remove them first ('hospiperf stock purge --establishment"
                    f" {row.finess}')",
                    "establishment_has_stock",
                    count=stock,
                )
            if activity := repo.activity_data_count(establishment_id):
                raise ConflictError(
                    f"establishment {row.finess} has {activity} activity value(s) or work-unit"
                    f" result(s); remove them first ('hospiperf activity purge --establishment"
                    f" {row.finess}')",
                    "establishment_has_activity",
                    count=activity,
                )
            if scenarios := repo.scenario_count(establishment_id):
                raise ConflictError(
                    f"establishment {row.finess} has {scenarios} saved calculator scenario(s);"
                    " delete them first ('hospiperf calc scenarios --establishment"
                    f" {row.finess}', then 'hospiperf calc scenario-delete ID')",
                    "establishment_has_scenarios",
                    count=scenarios,
                )
            before = _to_record(row)
            repo.delete(row)
            self._log(session, "delete", before=before, after=None)

    def contents(self, establishment_id: int) -> EstablishmentContents:
        """What deleting the establishment with its data would remove."""
        with self._db.read() as session:
            repo = EstablishmentRepository(session)
            _existing(repo, establishment_id)
            return _contents(repo.count_rows(establishment_id))

    def delete_with_data(
        self, establishment_id: int, confirm_name: str, *, backup: bool = True
    ) -> DeletedEstablishment:
        """Delete the establishment and everything it holds, in one audited transaction.

        `confirm_name` must repeat the establishment's name. A copy of the whole database is
        taken first (`backups/…-before-delete.sqlite`) unless `backup` is False.
        """
        record = self.get(establishment_id)
        if " ".join(confirm_name.split()) != record.name:
            raise ValidationError(
                [
                    FieldIssue(
                        "confirm_name",
                        "name_mismatch",
                        f"type the establishment's name exactly: {record.name!r}",
                        {"name": record.name},
                    )
                ]
            )
        copy = _copy_before_delete(self._db) if backup else None
        with self._db.write() as session:
            contents = self.remove(session, establishment_id)
        from hospiperf_desktop.content_cache import forget_documents

        forget_documents(self._db.path)  # its reports must not outlive it in the cache
        return DeletedEstablishment(record, contents, str(copy) if copy else None)

    def remove(self, session: Session, establishment_id: int) -> EstablishmentContents:
        """Inside the caller's transaction: delete the establishment and its data, audited."""
        repo = EstablishmentRepository(session)
        row = _existing(repo, establishment_id)
        before = _to_record(row)
        contents = _contents(repo.count_rows(establishment_id))
        snapshots = repo.snapshot_ids(establishment_id)
        repo.delete_data(establishment_id)
        repo.delete_unused_snapshots(snapshots)
        repo.delete(row)
        self._audit.record(
            session,
            action="delete_with_data",
            entity=ENTITY,
            entity_id=before.finess,
            before={**asdict(before), "data": asdict(contents)},
        )
        return contents

    def _log(
        self,
        session: Session,
        action: str,
        *,
        before: Establishment | None,
        after: Establishment | None,
    ) -> None:
        subject = after or before
        assert subject is not None
        self._audit.record(
            session,
            action=action,
            entity=ENTITY,
            entity_id=subject.finess,
            before=asdict(before) if before else None,
            after=asdict(after) if after else None,
        )


def _existing(repo: EstablishmentRepository, establishment_id: int) -> models.Establishment:
    row = repo.get(establishment_id)
    if row is None:
        raise NotFoundError(f"no establishment with id {establishment_id}")
    return row


def _contents(rows: dict[str, int]) -> EstablishmentContents:
    return EstablishmentContents(
        diagnostics=rows["diagnostics"],
        stock_imports=rows["stock_imports"],
        stock_lines=rows["stock_lines"],
        stock_movements=rows["stock_movements"],
        products=rows["products"],
        shortages=rows["shortages"],
        activity_values=rows["activity_values"],
        uo_results=rows["uo_results"],
        scenarios=rows["calculator_scenarios"],
    )


BEFORE_DELETE = "before-delete"


def _copy_before_delete(database: Database) -> Path:
    """A checked backup of the whole database, in its backups folder, before data goes."""
    from hospiperf_desktop.backup.service import write_backup
    from hospiperf_desktop.backup.store import default_folder

    return write_backup(database, default_folder(database.path), BEFORE_DELETE).path
