"""Where a desktop's own figures stand against the installed regional benchmarks.

Used by the diagnostic results, the dashboard, the work units and the stock indicators: the
peers are the establishments of the
same kind (overseas establishments are shown against the overseas group when it exists).
A figure is compared with the distribution of its own year, else with the latest one the
file holds (the text names the year of the data). Nothing is placed when no group of at
least 5 establishments exists: the file never holds one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hospiperf_desktop.activity.dashboard import Dashboard
from hospiperf_desktop.diagnostics.scoring import ScoreReport
from hospiperf_desktop.library.benchmarks import (
    OVERSEAS,
    STERILISATION_RATIOS,
    Distribution,
    Position,
    dashboard_metric,
    diagnostic_metric,
    is_overseas,
    position,
    sterilisation_metric,
    stock_metric,
    work_unit_metric,
)


@dataclass(frozen=True)
class Peers:
    """What the screens need to place figures: the establishment and the distributions."""

    kind: str
    finess: str
    items: tuple[Distribution, ...]


@dataclass(frozen=True)
class Placed:
    id: str  # "score", an axis id or a measure id
    label: str
    position: Position


def _categories(kind: str, finess: str) -> list[str]:
    return [kind, *([OVERSEAS] if is_overseas(finess) else [])]


def _place(
    items: Sequence[Distribution],
    metric: str,
    kind: str,
    finess: str,
    value: float | None,
    year: int,
) -> Position | None:
    for wanted in (year, None):
        for category in _categories(kind, finess):
            found = position(items, metric, category, value, wanted)
            if found is not None:
                return found
    return None


def diagnostic_positions(
    items: Sequence[Distribution],
    template_id: str,
    report: ScoreReport,
    *,
    kind: str,
    finess: str,
    year: int,
) -> list[Placed]:
    nodes = [("score", report.overall.label, report.overall.score, None)] + [
        (a.id, a.label, a.score, a.id) for a in report.axes
    ]
    out = []
    for node_id, label, value, axis in nodes:
        metric = diagnostic_metric(template_id, axis)
        found = _place(items, metric, kind, finess, value, year)
        if found is not None:
            out.append(Placed(node_id, label, found))
    return out


def dashboard_positions(
    items: Sequence[Distribution], dashboard: Dashboard, *, kind: str
) -> list[Placed]:
    out = []
    for family in dashboard.families:
        for line in family.lines:
            found = _place(
                items,
                dashboard_metric(line.measure_id),
                kind,
                dashboard.finess,
                line.value,
                dashboard.year,
            )
            if found is not None:
                out.append(Placed(line.measure_id, line.label, found))
    return out


def work_unit_positions(
    items: Sequence[Distribution],
    table_id: str,
    ratios: dict[str, float | None],
    *,
    kind: str,
    finess: str,
    year: int,
) -> dict[str, Position]:
    """`ratios` is {"per_fte": …, "per_bed": …}; returns those with a regional group."""
    out = {}
    for ratio, value in ratios.items():
        found = _place(items, work_unit_metric(table_id, ratio), kind, finess, value, year)
        if found is not None:
            out[ratio] = found
    return out


def stock_positions(
    items: Sequence[Distribution],
    coverage: Sequence[tuple[str, str, float | None]],
    *,
    kind: str,
    finess: str,
    year: int,
) -> dict[tuple[str, str], Position]:
    """`coverage` holds (category, location, weeks); returns those with a regional group."""
    out = {}
    for category, location, weeks in coverage:
        found = _place(items, stock_metric(category, location), kind, finess, weeks, year)
        if found is not None:
            out[(category, location)] = found
    return out


def sterilisation_positions(
    items: Sequence[Distribution],
    *,
    cost_per_uo: float | None,
    uo_per_fte: float | None,
    kind: str,
    finess: str,
    year: int,
) -> list[Placed]:
    """A sterilisation study's cost per UO Sté and UO Sté per FTE against the region's."""
    out = []
    for ratio, value in (("cost_per_uo", cost_per_uo), ("per_fte", uo_per_fte)):
        found = _place(items, sterilisation_metric(ratio), kind, finess, value, year)
        if found is not None:
            out.append(Placed(ratio, STERILISATION_RATIOS[ratio], found))
    return out
