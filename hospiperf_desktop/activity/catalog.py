"""The activity measures a PUI counts, grouped in the families of the steering dashboard.

They live in `resources/activity/measures.json`: a family, a unit that says which values are
valid, a direction (is a rise an improvement?) and, for some, how the value is computed from
data the application already holds instead of being typed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.plausibility import MAX_MAGNITUDE, PlausibleRange, check_finite

UNITS = ("count", "percent", "amount", "signed_amount", "days", "fte")
DIRECTIONS = ("higher", "lower", "neutral")
COMPUTED_KINDS = ("stock_days", "uo_total", "difference", "shortage_log")
# How twelve monthly values make a year when no yearly value was entered.
SUMMED_UNITS = frozenset({"count", "amount", "signed_amount"})


@dataclass(frozen=True)
class Computed:
    """How a measure is computed: `kind` and its parameters (see measures.json)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    unit: str
    direction: str
    family: str
    computed: Computed | None = None
    local: bool = False  # a measure a local work-unit line brought
    definition: str = ""  # what the measure counts, for people (help pages and tooltips)
    # Where a value is believable (measures.json); outside it asks for a justification.
    plausible: PlausibleRange | None = None


@dataclass(frozen=True)
class Family:
    id: str
    label: str
    dashboard: bool
    measures: tuple[Measure, ...]


class ValueProblem(ValueError):
    """A value a measure cannot hold; the message says why, in English."""


@dataclass(frozen=True)
class MeasureCatalog:
    version: str
    families: tuple[Family, ...]
    # The range of a count a local work-unit line brings (measures.json, local_plausible).
    local_plausible: PlausibleRange | None = None

    @property
    def measures(self) -> dict[str, Measure]:
        return {m.id: m for f in self.families for m in f.measures}

    def measure(self, measure_id: str) -> Measure:
        try:
            return self.measures[measure_id]
        except KeyError:
            raise KeyError(measure_id) from None

    def family(self, family_id: str) -> Family:
        return next(f for f in self.families if f.id == family_id)

    def with_local(self, extra: list[Measure]) -> MeasureCatalog:
        """This catalog plus the measures local work-unit lines brought, in their own family."""
        if not extra:
            return self
        local = Family(LOCAL_FAMILY, "Lignes locales des unités d'œuvre", False, tuple(extra))
        return MeasureCatalog(self.version, (*self.families, local), self.local_plausible)


LOCAL_FAMILY = "lignes_locales"


def check_value(measure: Measure, value: float) -> float:
    """The value stored for `measure`, or ValueProblem naming what the unit allows."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueProblem(f"{value!r} is not a number")
    if check_finite(value) == "too_large":
        raise ValueProblem(
            f"{value:,.0f} is larger than any value kept ({MAX_MAGNITUDE:,.0f});"
            f" plausible range {range_text(measure.plausible)}"
        )
    unit = measure.unit
    if unit == "count":
        if value < 0 or value != int(value):
            raise ValueProblem(f"{_shown(value)} is not a whole number of 0 or more")
        return float(int(value))
    if unit == "percent":
        if not 0 <= value <= 100:
            raise ValueProblem(f"{_shown(value)} is not a percentage between 0 and 100")
        return float(value)
    if unit in ("amount", "days", "fte") and value < 0:
        raise ValueProblem(f"{_shown(value)} is negative")
    if unit in ("amount", "signed_amount"):
        return round(float(value), 2)
    return float(value)


def range_text(plausible: PlausibleRange | None) -> str:
    """'0 to 30,000 (source)' — English, for the CLI and error messages."""
    if plausible is None:
        return "not set"
    low = "-∞" if plausible.low is None else plain_number(plausible.low)
    high = "+∞" if plausible.high is None else plain_number(plausible.high)
    return f"{low} to {high} ({plausible.source})"


def plain_number(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def _shown(value: float) -> str:
    return f"{value:g}"


def _measure(raw: dict[str, Any], family: str, where: str) -> Measure:
    unit, direction = raw["unit"], raw["direction"]
    if unit not in UNITS:
        raise ValueError(f"{where}: unknown unit {unit!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"{where}: unknown direction {direction!r}")
    computed = None
    if "computed" in raw:
        spec = dict(raw["computed"])
        kind = spec.pop("from")
        if kind not in COMPUTED_KINDS:
            raise ValueError(f"{where}: unknown computation {kind!r}")
        computed = Computed(kind, spec)
    if "plausible" not in raw:
        raise ValueError(f"{where}: no plausible range")
    plausible = _range(raw["plausible"], where)
    return Measure(
        raw["id"], raw["label"], unit, direction, family, computed,
        definition=str(raw.get("definition", "")), plausible=plausible,
    )  # fmt: skip


def _range(raw: dict[str, Any], where: str) -> PlausibleRange:
    low, high, source = raw.get("low"), raw.get("high"), raw.get("source")
    if not source or (low is not None and high is not None and low > high):
        raise ValueError(f"{where}: a plausible range needs low <= high and a source")
    return PlausibleRange(low, high, str(source))


def load_catalog(path: Path) -> MeasureCatalog:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != 1:
        raise ValueError(f"{path.name}: unsupported format {data.get('format')!r}")
    families = []
    seen: set[str] = set()
    for raw_family in data["families"]:
        measures = []
        for raw in raw_family["measures"]:
            where = f"{path.name}: measure {raw.get('id')!r}"
            measure = _measure(raw, raw_family["id"], where)
            if measure.id in seen:
                raise ValueError(f"{where}: listed twice")
            seen.add(measure.id)
            measures.append(measure)
        families.append(
            Family(raw_family["id"], raw_family["label"], raw_family["dashboard"], tuple(measures))
        )
    local = _range(data["local_plausible"], f"{path.name}: local_plausible")
    catalog = MeasureCatalog(str(data["version"]), tuple(families), local)
    for measure in catalog.measures.values():
        params = measure.computed.params if measure.computed else {}
        for key in ("minuend", "subtrahend"):
            if key in params and params[key] not in catalog.measures:
                raise ValueError(f"{path.name}: {measure.id} refers to unknown {params[key]!r}")
    return catalog


@cache
def shipped_catalog() -> MeasureCatalog:
    return load_catalog(resource_path("activity", "measures.json"))
