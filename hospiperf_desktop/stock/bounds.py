"""Plausible bounds of stock quantities, prices and values, and the values found outside them.

The bounds are data (`resources/stock/plausibility.json`), each with its source or the words
"hypothèse HospiPerf". A value outside them is not refused: an import lists it with its file,
line and column (`UnusualValuesError`) and goes ahead only when the user confirms it with a
justification, which the audit trail keeps. What no figure can be (infinity, NaN, past
MAX_MAGNITUDE) is refused earlier, by the cell parsers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hospiperf_desktop.errors import (
    ConflictError,
    FieldIssue,
    FileImportError,
    SourceIssue,
    ValidationError,
)
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.plausibility import MAX_MAGNITUDE, PlausibleRange, check_finite

# The field a bound applies to, for each field of an import that holds a number.
BOUND_OF_FIELD = {
    "quantity": "quantity",
    "quantity_in": "quantity",
    "quantity_out": "quantity",
    "unit_price": "unit_price",
    "value": "value",
}


@dataclass(frozen=True)
class StockBounds:
    quantity: PlausibleRange
    unit_price: PlausibleRange
    value: PlausibleRange

    def for_field(self, name: str) -> PlausibleRange | None:
        bound = BOUND_OF_FIELD.get(name)
        return None if bound is None else getattr(self, bound)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> StockBounds:
        bounds = data["bounds"]
        assert isinstance(bounds, dict)

        def one(name: str) -> PlausibleRange:
            entry = bounds[name]
            if not entry.get("source"):
                raise ValueError(f"the plausible bound of {name} has no source")
            return PlausibleRange(entry.get("low"), entry.get("high"), entry["source"])

        return cls(one("quantity"), one("unit_price"), one("value"))


@cache
def shipped_bounds() -> StockBounds:
    path: Path = resource_path("stock", "plausibility.json")
    return StockBounds.from_json(json.loads(path.read_text(encoding="utf-8")))


def range_text(plausible: PlausibleRange) -> str:
    low = "" if plausible.low is None else f"{plausible.low:,.15g}"
    high = "" if plausible.high is None else f"{plausible.high:,.15g}"
    return f"{low} to {high}".strip()


def unusual_issue(
    file: str, line: int, column: str | None, name: str, value: float, plausible: PlausibleRange
) -> SourceIssue:
    """One value outside its plausible bound, where the user can find it."""
    shown = f"{value:,.15g}"
    what = f"the line's value (quantity × unit price) {shown}" if column is None else shown
    # The source's first words (its author, or "hypothèse HospiPerf"); the whole is in params.
    source = plausible.source.split(":")[0].strip()
    return SourceIssue(
        file,
        line,
        column,
        f"{what} is outside the plausible range of {name.replace('_', ' ')} "
        f"({range_text(plausible)}, {source})",
        "unusual_value",
        {
            "value": value,
            "field": name,
            "low": plausible.low,
            "high": plausible.high,
            "source": plausible.source,
        },
    )


class UnusualValuesError(FileImportError):
    """The file holds values outside their plausible bounds, not confirmed: nothing written.

    `str()` lists them (the first twenty) with their file, line, column and bound.
    """

    code = "unusual"


class UnusualEntryError(ConflictError):
    """A typed value outside its plausible bound, given without a justification."""

    def __init__(self, name: str, value: float, plausible: PlausibleRange) -> None:
        super().__init__(
            f"{name.replace('_', ' ')} {value:,.15g} is outside the plausible range "
            f"({range_text(plausible)}, {plausible.source.split(':')[0].strip()}); confirm it "
            "with a justification",
            "unusual_value",
            field=name,
            value=value,
            low=plausible.low,
            high=plausible.high,
            source=plausible.source,
        )


def check_entry(name: str, value: float, plausible: PlausibleRange, justification: str) -> None:
    """A typed number: refused when not finite, too large or negative; unusual asks why."""
    problem = check_finite(value)
    if problem is not None:
        message = f"more than {MAX_MAGNITUDE:,.0f} in size" if problem == "too_large" else ""
        raise ValidationError(
            [FieldIssue(name, "number_too_large", message or "not a number", {"value": value})]
        )
    if value < 0:
        raise ValidationError([FieldIssue(name, "negative_number", "must not be negative")])
    if not plausible.contains(value) and not justification.strip():
        raise UnusualEntryError(name, value, plausible)
