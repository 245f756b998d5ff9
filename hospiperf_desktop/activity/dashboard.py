"""The PUI steering dashboard: each indicator of the year against year N-1 (reference §3).

`compare()` says whether a change is an improvement, by the measure's direction: a rise is
better for "higher", worse for "lower", and only a change of activity for "neutral".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from hospiperf_desktop.activity.catalog import MeasureCatalog
from hospiperf_desktop.activity.service import ActivityService, check_year
from hospiperf_desktop.activity.texts import origin_text
from hospiperf_desktop.activity.values import Resolved
from hospiperf_desktop.errors import NotFoundError
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import Establishment

BETTER, WORSE, STABLE, NEUTRAL, NO_COMPARISON = (
    "better",
    "worse",
    "stable",
    "neutral",
    "no_comparison",
)


@dataclass(frozen=True)
class Comparison:
    delta: float | None
    delta_pct: float | None  # None when N-1 is 0 or missing
    status: str


def compare(value: float | None, previous: float | None, direction: str) -> Comparison:
    if value is None or previous is None:
        return Comparison(None, None, NO_COMPARISON)
    delta = value - previous
    pct = delta / abs(previous) * 100 if previous else None
    if abs(delta) <= 1e-9 * max(1.0, abs(previous)):
        return Comparison(0.0, 0.0 if previous else None, STABLE)
    if direction == "neutral":
        return Comparison(delta, pct, NEUTRAL)
    improved = delta > 0 if direction == "higher" else delta < 0
    return Comparison(delta, pct, BETTER if improved else WORSE)


@dataclass(frozen=True)
class DashboardLine:
    measure_id: str
    label: str
    unit: str
    direction: str
    value: float | None
    previous: float | None
    delta: float | None
    delta_pct: float | None
    status: str
    computed: bool
    origin: str  # where this year's value comes from, in French
    definition: str = ""  # what the indicator counts (measures.json), shown as its tooltip


@dataclass(frozen=True)
class DashboardFamily:
    id: str
    label: str
    lines: tuple[DashboardLine, ...]


@dataclass(frozen=True)
class Dashboard:
    finess: str
    name: str
    year: int
    families: tuple[DashboardFamily, ...]
    generated_at: datetime

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in (BETTER, WORSE, STABLE, NEUTRAL, NO_COMPARISON)}
        for family in self.families:
            for line in family.lines:
                out[line.status] += 1
        return out


def best_year(years: Iterable[int], default: int) -> int:
    """The year a dashboard opens on: the latest whose N-1 has values too (so that every
    indicator can be compared), else the latest with values, else `default`."""
    known = set(years)
    compared = [year for year in known if year - 1 in known]
    if compared:
        return max(compared)
    return max(known) if known else default


def build_dashboard(
    catalog: MeasureCatalog,
    current: dict[str, Resolved],
    previous: dict[str, Resolved],
    *,
    finess: str,
    name: str,
    year: int,
) -> Dashboard:
    families = []
    for family in catalog.families:
        if not family.dashboard:
            continue
        lines = []
        for measure in family.measures:
            now = current[measure.id]
            before = previous[measure.id]
            comparison = compare(now.value, before.value, measure.direction)
            lines.append(
                DashboardLine(
                    measure.id,
                    measure.label,
                    measure.unit,
                    measure.direction,
                    now.value,
                    before.value,
                    comparison.delta,
                    comparison.delta_pct,
                    comparison.status,
                    now.computed,
                    origin_text(now, catalog),
                    measure.definition,
                )
            )
        families.append(DashboardFamily(family.id, family.label, tuple(lines)))
    return Dashboard(finess, name, year, tuple(families), datetime.now(UTC))


class DashboardService:
    def __init__(self, database: Database, activity: ActivityService) -> None:
        self._db = database
        self._activity = activity

    def build(self, establishment_id: int, year: int) -> Dashboard:
        check_year(year)
        with self._db.read() as session:
            row = session.get(Establishment, establishment_id)
            if row is None:
                raise NotFoundError(f"no establishment with id {establishment_id}")
            finess, name = row.finess, row.name
        return build_dashboard(
            self._activity.catalog(),
            self._activity.resolved(establishment_id, year),
            self._activity.resolved(establishment_id, year - 1),
            finess=finess,
            name=name,
            year=year,
        )
