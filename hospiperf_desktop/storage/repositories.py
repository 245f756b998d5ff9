"""Queries over the ORM models. Repositories take a Session and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from hospiperf_desktop.storage.database import FRENCH
from hospiperf_desktop.storage.models import (
    ActivityValue,
    CalculatorScenario,
    Diagnostic,
    Establishment,
    Product,
    Setting,
    Shortage,
    StockImport,
    TemplateSnapshot,
    UoResultRecord,
    UserProfile,
)

# Every table holding an establishment's data, in an order that deletes children first.
DATA_TABLES: tuple[tuple[str, str], ...] = (
    ("diagnostics", "establishment_id = :e"),
    ("stock_movements", "establishment_id = :e"),
    ("stock_lines", "establishment_id = :e"),
    ("stock_imports", "establishment_id = :e"),
    ("shortages", "establishment_id = :e"),
    ("product_suppliers", "product_id IN (SELECT id FROM products WHERE establishment_id = :e)"),
    ("products", "establishment_id = :e"),
    ("suppliers", "establishment_id = :e"),
    ("care_units", "establishment_id = :e"),
    ("activity_values", "establishment_id = :e"),
    ("uo_results", "establishment_id = :e"),
    ("calculator_scenarios", "establishment_id = :e"),
)


class EstablishmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> Sequence[Establishment]:
        return self._session.scalars(
            select(Establishment).order_by(Establishment.name.collate(FRENCH))
        ).all()

    def get(self, establishment_id: int) -> Establishment | None:
        return self._session.get(Establishment, establishment_id)

    def by_finess(self, finess: str) -> Establishment | None:
        return self._session.scalar(select(Establishment).where(Establishment.finess == finess))

    def add(self, row: Establishment) -> Establishment:
        self._session.add(row)
        self._session.flush()
        return row

    def delete(self, row: Establishment) -> None:
        self._session.delete(row)
        self._session.flush()

    def stock_data_count(self, establishment_id: int) -> int:
        """Products, imports and shortages recorded for the establishment."""
        return sum(
            self._session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.establishment_id == establishment_id)
            )
            or 0
            for table in (Product, StockImport, Shortage)
        )

    def activity_data_count(self, establishment_id: int) -> int:
        """Activity values and recorded work-unit results of the establishment."""
        return sum(
            self._session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.establishment_id == establishment_id)
            )
            or 0
            for table in (ActivityValue, UoResultRecord)
        )

    def scenario_count(self, establishment_id: int) -> int:
        query = select(func.count()).where(CalculatorScenario.establishment_id == establishment_id)
        return self._session.scalar(query) or 0

    def diagnostic_count(self, establishment_id: int) -> int:
        query = select(func.count()).where(Diagnostic.establishment_id == establishment_id)
        return self._session.scalar(query) or 0

    def count_rows(self, establishment_id: int) -> dict[str, int]:
        """Rows per table of `DATA_TABLES` that belong to the establishment."""
        return {
            table: self._session.execute(text(sql), {"e": establishment_id}).scalar_one()
            for table, sql in (
                (table, f"SELECT count(*) FROM {table} WHERE {where}")
                for table, where in DATA_TABLES
            )
        }

    def snapshot_ids(self, establishment_id: int) -> set[int]:
        """The questionnaire copies the establishment's diagnostics were answered with."""
        query = select(Diagnostic.snapshot_id).where(
            Diagnostic.establishment_id == establishment_id
        )
        return set(self._session.scalars(query))

    def delete_unused_snapshots(self, snapshot_ids: set[int]) -> None:
        """Delete those of `snapshot_ids` that no diagnostic uses any more."""
        used = select(Diagnostic.snapshot_id)
        self._session.execute(
            delete(TemplateSnapshot).where(
                TemplateSnapshot.id.in_(snapshot_ids), TemplateSnapshot.id.not_in(used)
            )
        )

    def delete_data(self, establishment_id: int) -> None:
        """Delete every row that belongs to the establishment (not the establishment itself).

        Diagnostics take their answers, evidence and plan with them (ON DELETE CASCADE).
        """
        for table, where in DATA_TABLES:
            self._session.execute(
                text(f"DELETE FROM {table} WHERE {where}"), {"e": establishment_id}
            )
        self._session.flush()


class ProfileRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> Sequence[UserProfile]:
        return self._session.scalars(
            select(UserProfile).order_by(UserProfile.name.collate(FRENCH))
        ).all()

    def get(self, profile_id: int) -> UserProfile | None:
        return self._session.get(UserProfile, profile_id)

    def by_name(self, name: str) -> UserProfile | None:
        return self._session.scalar(select(UserProfile).where(UserProfile.name == name))

    def add(self, row: UserProfile) -> UserProfile:
        self._session.add(row)
        self._session.flush()
        return row

    def delete(self, row: UserProfile) -> None:
        self._session.delete(row)
        self._session.flush()


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str) -> str | None:
        row = self._session.get(Setting, key)
        return row.value if row else None

    def set(self, key: str, value: str) -> None:
        row = self._session.get(Setting, key)
        if row is None:
            self._session.add(Setting(key=key, value=value))
        else:
            row.value = value
        self._session.flush()

    def delete(self, key: str) -> None:
        if (row := self._session.get(Setting, key)) is not None:
            self._session.delete(row)
            self._session.flush()
