"""From what was entered and what other modules know, the value of each measure for a year.

A measure's yearly value is, in this order of preference:
1. computed from data the application already holds, when the computation is possible
   (stock days from the stock module, supplier changes from the shortage log, a work-unit
   total, a difference of two measures);
2. the yearly value entered;
3. the months entered: summed for counts and amounts, averaged otherwise.
Each value says where it came from (`Origin`), so screens and documents can tell the reader.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hospiperf_desktop.activity.catalog import SUMMED_UNITS, MeasureCatalog
from hospiperf_desktop.activity.uo_tables import UoTable, compute_uo

ENTERED = "entered"
MONTHS = "months"
COMPUTED = "computed"
MISSING = "missing"


@dataclass(frozen=True)
class Origin:
    """Where a value came from: `kind` (entered, months, computed, missing) and details.

    For a computed value, `detail["by"]` names the computation (stock_days, shortage_log,
    uo_total, difference) and the other keys its inputs (snapshot date, table version ...).
    When a computation was not possible and the entered value stands in, `detail["why_not"]`
    says why.
    """

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    value: float | None
    origin: Origin

    @property
    def computed(self) -> bool:
        return self.origin.kind == COMPUTED


@dataclass(frozen=True)
class External:
    """A value another module computed for a measure, or the reason it could not."""

    value: float | None
    detail: dict[str, Any]


# Entered values of one establishment and year: measure id -> {month (0 = year): value}.
Entered = Mapping[str, Mapping[int, float]]


def from_entered(unit: str, months: Mapping[int, float] | None) -> Resolved:
    if not months:
        return Resolved(None, Origin(MISSING))
    if 0 in months:
        return Resolved(months[0], Origin(ENTERED))
    values = [months[m] for m in sorted(months)]
    if unit in SUMMED_UNITS:
        total = math.fsum(values)
        return Resolved(total, Origin(MONTHS, {"months": len(values), "how": "sum"}))
    mean = math.fsum(values) / len(values)
    return Resolved(mean, Origin(MONTHS, {"months": len(values), "how": "mean"}))


def _fallback(entered: Resolved, why_not: str) -> Resolved:
    """The entered value (or nothing), noting why the computation could not be made."""
    if entered.value is None:
        return Resolved(None, Origin(MISSING, {"why_not": why_not}))
    return Resolved(
        entered.value, Origin(entered.origin.kind, {**entered.origin.detail, "why_not": why_not})
    )


def resolve(
    catalog: MeasureCatalog,
    entered: Entered,
    external: Mapping[str, External],
    tables: Mapping[str, UoTable],
) -> dict[str, Resolved]:
    """The value of every measure of `catalog` for one establishment and year.

    `external` holds, for the measures computed by another module (stock_days,
    shortage_log), what that module found; `tables` the work-unit tables by id.
    """
    measures = catalog.measures
    out: dict[str, Resolved] = {}
    # Pass 1: entered values, and the computations other modules made.
    for measure in measures.values():
        base = from_entered(measure.unit, entered.get(measure.id))
        spec = measure.computed
        if spec is not None and spec.kind in ("stock_days", "shortage_log"):
            found = external.get(measure.id)
            if found is not None and found.value is not None:
                base = Resolved(found.value, Origin(COMPUTED, {"by": spec.kind, **found.detail}))
            else:
                reason = found.detail.get("why_not", "no_data") if found else "not_computed"
                base = _fallback(base, reason)
        out[measure.id] = base
    # Pass 2: computations over other measures.
    for measure in measures.values():
        spec = measure.computed
        if spec is None:
            continue
        if spec.kind == "difference":
            left = out[spec.params["minuend"]].value
            right = out[spec.params["subtrahend"]].value
            if left is not None and right is not None:
                out[measure.id] = Resolved(
                    round(left - right, 2),
                    Origin(
                        COMPUTED,
                        {
                            "by": "difference",
                            "minuend": spec.params["minuend"],
                            "subtrahend": spec.params["subtrahend"],
                        },
                    ),
                )
            else:
                out[measure.id] = _fallback(out[measure.id], "operand_missing")
        elif spec.kind == "uo_total":
            table = tables.get(spec.params["table"])
            if table is None:
                out[measure.id] = _fallback(out[measure.id], "no_table")
                continue
            counts = {
                item.id: out[item.measure].value if item.measure in out else None
                for item in table.items
            }
            if all(v is None for v in counts.values()):
                out[measure.id] = _fallback(out[measure.id], "no_counts")
                continue
            result = compute_uo(table, counts)
            out[measure.id] = Resolved(
                result.total,
                Origin(
                    COMPUTED,
                    {
                        "by": "uo_total",
                        "table": table.id,
                        "version": table.version,
                        "missing": len(result.missing),
                    },
                ),
            )
    return out
