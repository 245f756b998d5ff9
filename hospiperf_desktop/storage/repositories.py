"""Queries over the ORM models. Repositories take a Session and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hospiperf_desktop.storage.models import (
    ActivityValue,
    CalculatorScenario,
    Diagnostic,
    Establishment,
    Product,
    Setting,
    Shortage,
    StockImport,
    UoResultRecord,
    UserProfile,
)


class EstablishmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> Sequence[Establishment]:
        return self._session.scalars(select(Establishment).order_by(Establishment.name)).all()

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


class ProfileRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> Sequence[UserProfile]:
        return self._session.scalars(select(UserProfile).order_by(UserProfile.name)).all()

    def get(self, profile_id: int) -> UserProfile | None:
        return self._session.get(UserProfile, profile_id)

    def by_name(self, name: str) -> UserProfile | None:
        return self._session.scalar(select(UserProfile).where(UserProfile.name == name))

    def add(self, row: UserProfile) -> UserProfile:
        self._session.add(row)
        self._session.flush()
        return row


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
