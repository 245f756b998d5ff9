"""Regional benchmarks: the document, its quartiles, and where one figure stands (pure).

A benchmarks document (docs/benchmarks-file.md) holds, per metric, year and category of
establishment, the count of contributing establishments and the three quartiles, never a
single establishment's figure: a distribution appears only when at least
`MIN_CONTRIBUTORS` establishments contribute.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BENCHMARKS_FORMAT = "hospiperf-benchmarks/1"
MIN_CONTRIBUTORS = 5
OVERSEAS = "overseas"  # every establishment of an overseas department, whatever its kind
FAMILIES = ("diagnostic", "work_units", "stock", "dashboard")
CATEGORY_LABELS = {
    "chu": "CHU",
    "ch": "CH",
    "clinic": "cliniques",
    "ehpad": "EHPAD",
    "had": "HAD",
    "pui": "PUI",
    "other": "autres établissements",
    OVERSEAS: "établissements d'outre-mer",
}


@dataclass(frozen=True)
class Distribution:
    family: str  # diagnostic | work_units | stock | dashboard
    metric: str  # e.g. diagnostic:<template>:<axis>, work_units:<table>:per_fte
    label: str
    year: int | None
    category: str  # an establishment kind, or OVERSEAS
    count: int
    q1: float
    median: float
    q3: float

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "metric": self.metric,
            "label": self.label,
            "year": self.year,
            "category": self.category,
            "count": self.count,
            "q1": self.q1,
            "median": self.median,
            "q3": self.q3,
        }


@dataclass(frozen=True)
class Observation:
    """One establishment's figure for one metric and year (ARS side, never written out)."""

    family: str
    metric: str
    label: str
    year: int | None
    finess: str
    kind: str
    value: float


def is_overseas(finess: str) -> bool:
    """FINESS numbers of the overseas departments and territories start with 97 or 98."""
    return finess[:2] in ("97", "98")


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Q1, median, Q3 by linear interpolation between the sorted values (the 'inclusive'
    method, as spreadsheets' QUARTILE.INC)."""
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return round(q1, 4), round(median, 4), round(q3, 4)


def distributions(
    observations: Iterable[Observation], minimum: int = MIN_CONTRIBUTORS
) -> list[Distribution]:
    """Group by metric, year and category; keep a group only when `minimum` establishments
    contribute (one figure each: the last observation of an establishment wins)."""
    groups: dict[tuple[str, str, int | None, str], dict[str, float]] = {}
    labels: dict[str, str] = {}
    for obs in observations:
        labels[obs.metric] = obs.label
        categories = [obs.kind, *([OVERSEAS] if is_overseas(obs.finess) else [])]
        for category in categories:
            groups.setdefault((obs.family, obs.metric, obs.year, category), {})[obs.finess] = (
                obs.value
            )
    out = []
    for (family, metric, year, category), by_finess in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0, item[0][3])
    ):
        if len(by_finess) < minimum:
            continue
        q1, median, q3 = quartiles(sorted(by_finess.values()))
        out.append(
            Distribution(
                family, metric, labels[metric], year, category, len(by_finess), q1, median, q3
            )
        )
    return out


def document(
    items: Sequence[Distribution], *, created: str, publisher: str, source: str
) -> dict[str, Any]:
    return {
        "format": BENCHMARKS_FORMAT,
        "created": created,
        "publisher": publisher,
        "source": source,
        "minimum_contributors": MIN_CONTRIBUTORS,
        "quartile_method": "inclusive",
        "distributions": [d.to_json() for d in items],
    }


def read_document(data: Mapping[str, Any]) -> list[Distribution]:
    """The distributions of a benchmarks document already checked against its schema;
    any group under MIN_CONTRIBUTORS is dropped (never shown, whoever made the file)."""
    return [
        Distribution(
            d["family"],
            d["metric"],
            d["label"],
            d["year"],
            d["category"],
            d["count"],
            float(d["q1"]),  # JSON writes 40.0 as 40
            float(d["median"]),
            float(d["q3"]),
        )
        for d in data["distributions"]
        if d["count"] >= MIN_CONTRIBUTORS
    ]


@dataclass(frozen=True)
class Position:
    """Where one figure stands among its peers."""

    value: float
    distribution: Distribution
    quartile: int  # 1..4

    @property
    def ordinal(self) -> str:
        return "1er" if self.quartile == 1 else f"{self.quartile}\u1d49"

    @property
    def text(self) -> str:
        d = self.distribution
        group = CATEGORY_LABELS.get(d.category, d.category)
        year = f", données {d.year}" if d.year is not None else ""
        return f"{self.ordinal} quartile régional des {group}, {d.count} établissements{year}"

    @property
    def short_text(self) -> str:
        """For a table cell: "3ᵉ quartile (38 EHPAD, 2026)"."""
        d = self.distribution
        group = CATEGORY_LABELS.get(d.category, d.category)
        year = f", {d.year}" if d.year is not None else ""
        return f"{self.ordinal} quartile ({d.count} {group}{year})"


def quartile_of(value: float, d: Distribution) -> int:
    if value <= d.q1:
        return 1
    if value <= d.median:
        return 2
    if value <= d.q3:
        return 3
    return 4


def find(
    items: Sequence[Distribution], metric: str, category: str, year: int | None = None
) -> Distribution | None:
    """The distribution of `metric` for `category`: of `year` when given (else the latest)."""
    matching = [d for d in items if d.metric == metric and d.category == category]
    if year is not None:
        matching = [d for d in matching if d.year in (year, None)]
    return max(matching, key=lambda d: d.year or 0, default=None)


def position(
    items: Sequence[Distribution],
    metric: str,
    category: str,
    value: float | None,
    year: int | None = None,
) -> Position | None:
    if value is None:
        return None
    found = find(items, metric, category, year)
    if found is None:
        return None
    return Position(value, found, quartile_of(value, found))


def diagnostic_metric(template_id: str, axis_id: str | None = None) -> str:
    return f"diagnostic:{template_id}:{axis_id or 'score'}"


def work_unit_metric(table_id: str, ratio: str) -> str:
    return f"work_units:{table_id}:{ratio}"


# The sterilisation cost study's ratios (issue 18) are written in the `work_units` family, so
# that a desktop made before them still installs a file that carries them (its schema knows
# only the four families); no work-unit table has this id.
STERILISATION_TABLE = "sterilisation-study"
STERILISATION_RATIOS = {
    "cost_per_uo": "Stérilisation — coût par UO Sté (€)",
    "per_fte": "Stérilisation — UO Sté par ETP",
}


def sterilisation_metric(ratio: str) -> str:
    """`cost_per_uo` or `per_fte` of the sterilisation cost study."""
    return work_unit_metric(STERILISATION_TABLE, ratio)


def stock_metric(category: str, location: str) -> str:
    return f"stock:{category}:{location}"


def dashboard_metric(measure_id: str) -> str:
    return f"dashboard:{measure_id}"
