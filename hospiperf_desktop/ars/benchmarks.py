"""Regional benchmarks from the consolidation database (SQLite or PostgreSQL).

One figure per establishment and metric is read from the current bundles' rows (replaced
modules' rows are gone from the tables), then `library.benchmarks.distributions` keeps the
groups with enough establishments. Nothing identifying leaves: no FINESS, no name, no
minimum or maximum, only counts and quartiles.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from hospiperf_desktop.ars.models import (
    ActivityValueRow,
    CoverageRow,
    DiagnosticScore,
    EstablishmentRow,
    ImportedBundle,
    SterilisationStudyRow,
    WorkUnitRow,
)
from hospiperf_desktop.library.benchmarks import (
    STERILISATION_RATIOS,
    Distribution,
    Observation,
    dashboard_metric,
    diagnostic_metric,
    distributions,
    sterilisation_metric,
    stock_metric,
    work_unit_metric,
)


def _year_of(period: str, created: datetime) -> int:
    return int(period) if len(period) == 4 and period.isdigit() else created.year


def _diagnostics(session: Session, kinds: dict[str, str]) -> Iterator[Observation]:
    validated_last = case((DiagnosticScore.status == "validated", 1), else_=0)
    rows = session.execute(
        select(DiagnosticScore, ImportedBundle.period, ImportedBundle.created)
        .join(ImportedBundle, DiagnosticScore.bundle_id == ImportedBundle.id)
        .order_by(validated_last, DiagnosticScore.id)
    )
    for score, period, created in rows:
        kind = kinds.get(score.finess)
        if kind is None:
            continue
        year = _year_of(period, created)
        title = score.template_title
        if score.score is not None:
            metric = diagnostic_metric(score.template_id)
            yield Observation("diagnostic", metric, title, year, score.finess, kind, score.score)
        for axis in json.loads(score.axes):
            if axis["score"] is None:
                continue
            metric = diagnostic_metric(score.template_id, axis["id"])
            label = f"{title} — {axis['label']}"
            yield Observation("diagnostic", metric, label, year, score.finess, kind, axis["score"])


def _work_units(session: Session, kinds: dict[str, str]) -> Iterator[Observation]:
    for row in session.scalars(select(WorkUnitRow).order_by(WorkUnitRow.id)):
        kind = kinds.get(row.finess)
        if kind is None:
            continue
        for ratio, value, unit in (
            ("per_fte", row.per_fte, "UO par ETP"),
            ("per_bed", row.per_bed, "UO par lit"),
        ):
            if value is not None:
                label = f"{row.table_id} — {unit}"
                metric = work_unit_metric(row.table_id, ratio)
                yield Observation("work_units", metric, label, row.year, row.finess, kind, value)


def _stock(session: Session, kinds: dict[str, str]) -> Iterator[Observation]:
    for row in session.scalars(select(CoverageRow).order_by(CoverageRow.at, CoverageRow.id)):
        kind = kinds.get(row.finess)
        if kind is None or row.coverage_weeks is None:
            continue
        label = f"Couverture du stock (semaines) — {row.category}, {row.location}"
        metric = stock_metric(row.category, row.location)
        year = int(row.at[:4])
        yield Observation("stock", metric, label, year, row.finess, kind, row.coverage_weeks)


def _dashboard(session: Session, kinds: dict[str, str]) -> Iterator[Observation]:
    for row in session.scalars(select(ActivityValueRow).order_by(ActivityValueRow.id)):
        kind = kinds.get(row.finess)
        if kind is not None:
            metric = dashboard_metric(row.measure)
            yield Observation(
                "dashboard", metric, row.measure, row.year, row.finess, kind, row.value
            )


def _sterilisation(session: Session, kinds: dict[str, str]) -> Iterator[Observation]:
    """Saved sterilisation studies: cost per UO Sté and UO Sté per FTE, in the study's year
    (an establishment's last study of a year wins)."""
    rows = session.scalars(select(SterilisationStudyRow).order_by(SterilisationStudyRow.id))
    for row in rows:
        kind = kinds.get(row.finess)
        if kind is None:
            continue
        for ratio, value in (("cost_per_uo", row.cost_per_uo), ("per_fte", row.uo_per_fte)):
            if value is not None:
                metric = sterilisation_metric(ratio)
                label = STERILISATION_RATIOS[ratio]
                yield Observation("work_units", metric, label, row.year, row.finess, kind, value)


def regional_distributions(session: Session) -> list[Distribution]:
    kinds = {
        finess: kind
        for finess, kind in session.execute(select(EstablishmentRow.finess, EstablishmentRow.kind))
    }
    observations = [
        *_diagnostics(session, kinds),
        *_work_units(session, kinds),
        *_stock(session, kinds),
        *_dashboard(session, kinds),
        *_sterilisation(session, kinds),
    ]
    return distributions(observations)
