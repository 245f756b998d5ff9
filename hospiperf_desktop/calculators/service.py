"""Named calculator scenarios per establishment, and the calculators run from files.

A saved scenario keeps its inputs (to reopen and change them), the result computed when it
was saved and the version of the parameter file that produced it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.calculators.inputs import to_json
from hospiperf_desktop.errors import ConflictError, FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.storage.database import FRENCH, Database
from hospiperf_desktop.storage.models import CalculatorScenario, Establishment

CALCULATORS = ("logistics", "purchasing", "carbon", "coordinated", "sterilisation")


@dataclass(frozen=True)
class SavedScenario:
    id: int
    calculator: str
    establishment_id: int
    finess: str
    name: str
    inputs: dict[str, Any]
    result: dict[str, Any]
    params_version: str
    saved_by: str
    saved_at: datetime


class CalculatorService:
    def __init__(self, database: Database, audit: AuditService) -> None:
        self._db = database
        self._audit = audit

    def save(
        self,
        establishment_id: int,
        calculator: str,
        name: str,
        inputs: dict[str, Any],
        result: Any,
        params_version: str,
        *,
        replace: bool = False,
    ) -> SavedScenario:
        """Keep a named scenario; an existing name is replaced only when `replace`."""
        issues = []
        if calculator not in CALCULATORS:
            issues.append(FieldIssue("calculator", "unknown", f"one of {', '.join(CALCULATORS)}"))
        name = name.strip()
        if not name or len(name) > 120:
            issues.append(FieldIssue("name", "bad_name", "a name of 1 to 120 characters"))
        if issues:
            raise ValidationError(issues)
        now = datetime.now(UTC)
        with self._db.write() as session:
            establishment = session.get(Establishment, establishment_id)
            if establishment is None:
                raise NotFoundError(f"no establishment with id {establishment_id}")
            actor = self._audit.actor(session)
            row = session.scalar(
                select(CalculatorScenario).where(
                    CalculatorScenario.calculator == calculator,
                    CalculatorScenario.establishment_id == establishment_id,
                    CalculatorScenario.name == name,
                )
            )
            before = None
            if row is not None:
                if not replace:
                    raise ConflictError(
                        f"a {calculator} scenario named {name!r} exists for"
                        f" {establishment.finess}; choose another name or replace it",
                        "scenario_exists",
                        name=name,
                    )
                before = {"params_version": row.params_version, "saved_at": str(row.saved_at)}
            else:
                row = CalculatorScenario(
                    calculator=calculator, establishment_id=establishment_id, name=name
                )
                session.add(row)
            row.inputs = json.dumps(to_json(inputs), ensure_ascii=False)
            row.result = json.dumps(to_json(result), ensure_ascii=False)
            row.params_version = params_version
            row.saved_by = actor
            row.saved_at = now
            session.flush()
            self._audit.record(
                session,
                action="update" if before else "create",
                entity="calculator_scenario",
                entity_id=str(row.id),
                before=before,
                after={
                    "calculator": calculator,
                    "finess": establishment.finess,
                    "name": name,
                    "params_version": params_version,
                },
            )
            return self._record(row, establishment.finess)

    def scenarios(
        self, establishment_id: int | None = None, calculator: str | None = None
    ) -> list[SavedScenario]:
        query = (
            select(CalculatorScenario, Establishment.finess)
            .join(Establishment, Establishment.id == CalculatorScenario.establishment_id)
            .order_by(CalculatorScenario.calculator, CalculatorScenario.name.collate(FRENCH))
        )
        if establishment_id is not None:
            query = query.where(CalculatorScenario.establishment_id == establishment_id)
        if calculator is not None:
            query = query.where(CalculatorScenario.calculator == calculator)
        with self._db.read() as session:
            return [self._record(row, finess) for row, finess in session.execute(query).all()]

    def get(self, scenario_id: int) -> SavedScenario:
        with self._db.read() as session:
            row = session.get(CalculatorScenario, scenario_id)
            if row is None:
                raise NotFoundError(f"no saved scenario {scenario_id}")
            establishment = session.get(Establishment, row.establishment_id)
            assert establishment is not None
            return self._record(row, establishment.finess)

    def delete(self, scenario_id: int) -> None:
        with self._db.write() as session:
            row = session.get(CalculatorScenario, scenario_id)
            if row is None:
                raise NotFoundError(f"no saved scenario {scenario_id}")
            before = {"calculator": row.calculator, "name": row.name}
            session.delete(row)
            self._audit.record(
                session,
                action="delete",
                entity="calculator_scenario",
                entity_id=str(scenario_id),
                before=before,
            )

    def sterilisation_comparisons(
        self, establishment_id: int, year: int, *, exclude_name: str | None = None
    ) -> list[dict[str, Any]]:
        """Saved sterilisation studies to set a study of `year` against: the same
        establishment's N-1 studies, then other establishments' studies of the same year."""
        out: list[dict[str, Any]] = []
        query = (
            select(CalculatorScenario, Establishment)
            .join(Establishment, Establishment.id == CalculatorScenario.establishment_id)
            .where(CalculatorScenario.calculator == "sterilisation")
            .order_by(Establishment.name.collate(FRENCH), CalculatorScenario.name.collate(FRENCH))
        )
        with self._db.read() as session:
            for row, establishment in session.execute(query).all():
                inputs, result = json.loads(row.inputs), json.loads(row.result)
                own = establishment.id == establishment_id
                if own and row.name == exclude_name:
                    continue
                if (own and inputs.get("year") == year - 1) or (
                    not own and inputs.get("year") == year
                ):
                    label = f"N-1 — {row.name}" if own else f"{establishment.name} — {row.name}"
                    out.append(
                        {
                            "label": label,
                            "year": inputs.get("year"),
                            "total_cost": result.get("total_cost"),
                            "uo_total": result.get("uo_total"),
                            "cost_per_uo": result.get("cost_per_uo"),
                            "uo_per_fte": result.get("uo_per_fte"),
                        }
                    )
        out.sort(key=lambda c: not str(c["label"]).startswith("N-1"))
        return out

    @staticmethod
    def _record(row: CalculatorScenario, finess: str) -> SavedScenario:
        return SavedScenario(
            id=row.id,
            calculator=row.calculator,
            establishment_id=row.establishment_id,
            finess=finess,
            name=row.name,
            inputs=json.loads(row.inputs),
            result=json.loads(row.result),
            params_version=row.params_version,
            saved_by=row.saved_by,
            saved_at=row.saved_at,
        )
