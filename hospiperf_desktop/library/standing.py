"""Where one establishment stands among its regional peers, all figures at once: the use case
behind `hospiperf library positions` (the window shows the same lines screen by screen,
through the same functions of library/positions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hospiperf_desktop.library.benchmarks import Position
from hospiperf_desktop.library.positions import (
    dashboard_positions,
    diagnostic_positions,
    stock_positions,
    work_unit_positions,
)

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


@dataclass(frozen=True)
class Standing:
    family: str  # diagnostic | dashboard | work_units | stock
    subject: str  # what the figure is, in French
    value: float
    quartile: int
    text: str  # "3ᵉ quartile régional des EHPAD, 38 établissements, données 2026"
    q1: float
    median: float
    q3: float


def _line(family: str, subject: str, placed: Position) -> Standing:
    d = placed.distribution
    return Standing(
        family, subject, placed.value, placed.quartile, placed.text, d.q1, d.median, d.q3
    )


def standing(services: Services, establishment_id: int, year: int) -> list[Standing]:
    """Every figure of the establishment that has a regional group of at least 5."""
    establishment = services.establishments.get(establishment_id)
    peers = services.library.peers(establishment.kind, establishment.finess)
    if not peers.items:
        return []
    kind, finess, items = peers.kind, peers.finess, peers.items
    out: list[Standing] = []
    for summary in services.diagnostics.list(establishment_id):
        report = services.diagnostics.score(summary.id)
        moment = summary.validated_at or summary.created_at
        for placed in diagnostic_positions(
            items, summary.template_id, report, kind=kind, finess=finess, year=moment.year
        ):
            out.append(_line("diagnostic", f"{summary.label} — {placed.label}", placed.position))
    module = services.activity
    dashboard = module.dashboard.build(establishment_id, year)
    for placed in dashboard_positions(items, dashboard, kind=kind):
        out.append(_line("dashboard", placed.label, placed.position))
    for table in module.tables.all():
        report_uo = module.work_units.compute(establishment_id, year, table.id)
        ratios = {"per_fte": report_uo.per_fte, "per_bed": report_uo.per_bed}
        found = work_unit_positions(items, table.id, ratios, kind=kind, finess=finess, year=year)
        words = {"per_fte": "UO par ETP", "per_bed": "UO par lit"}
        for ratio, position in found.items():
            out.append(_line("work_units", f"{table.title} — {words[ratio]}", position))
    at = services.stock.analysis.latest_date(establishment_id)
    if at is not None:
        indicators = services.stock.analysis.indicators(establishment_id, at)
        coverage = [(r.category, r.location, r.coverage_weeks) for r in indicators.coverage]
        found_stock = stock_positions(items, coverage, kind=kind, finess=finess, year=at.year)
        for (category, location), position in found_stock.items():
            out.append(_line("stock", f"couverture {category} ({location})", position))
    return out
