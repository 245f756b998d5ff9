"""Plausibility of a typed or imported number: valid is not enough, it must be believable.

A value can be valid (a whole number ≥ 0) and still absurd (99 999 999 999 999 DMI orders).
Such a value is never refused outright: the user confirms it and says why, and the
justification is kept with the value. Pure functions; the ranges are data (measures.json,
resources/stock/...), each with the source it comes from or the words "our assumption".

Independently of any range, `check_finite` refuses what no figure of this application can
be: infinity, NaN, and magnitudes past MAX_MAGNITUDE (documented in docs/limits.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

# Past 10^15 a number is a typing or file error, never a figure: it is above any count,
# quantity or amount in health care (France's health budget is about 3·10^11 €), and it is the
# last power of ten below 2^53, up to which a float holds every whole number exactly. Figures
# that are merely absurd (99 999 999 999 999 orders) are below it: they are "unusual", kept
# only with a confirmation and a justification (check_plausible).
MAX_MAGNITUDE = 1e15

# A value more than this many times away from last year's (either way) asks for confirmation.
FAR_FROM_PREVIOUS_FACTOR = 10.0


def check_finite(value: float) -> str | None:
    """None when `value` is a finite number of a sane magnitude, else an error code.

    Codes: 'not_finite' (inf, NaN), 'too_large' (|value| > MAX_MAGNITUDE).
    """
    if not math.isfinite(value):
        return "not_finite"
    if abs(value) > MAX_MAGNITUDE:
        return "too_large"
    return None


@dataclass(frozen=True)
class PlausibleRange:
    """Where a value is expected to lie; `None` bounds are open. `source` says who says so."""

    low: float | None
    high: float | None
    source: str

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


UnusualReason = Literal["outside_range", "far_from_previous"]


@dataclass(frozen=True)
class Unusual:
    """Why a value needs a confirmation and a justification before it is kept."""

    reason: UnusualReason
    value: float
    plausible: PlausibleRange | None
    previous: float | None


def check_plausible(
    value: float, plausible: PlausibleRange | None, previous: float | None = None
) -> Unusual | None:
    """None when `value` is believable; else what is unusual about it.

    Outside the plausible range comes first; otherwise a value more than
    FAR_FROM_PREVIOUS_FACTOR times larger or smaller than a non-zero `previous` (N-1).
    """
    if plausible is not None and not plausible.contains(value):
        return Unusual("outside_range", value, plausible, previous)
    if previous is not None and previous != 0 and value != 0:
        ratio = abs(value / previous)
        if ratio > FAR_FROM_PREVIOUS_FACTOR or ratio < 1 / FAR_FROM_PREVIOUS_FACTOR:
            return Unusual("far_from_previous", value, plausible, previous)
    return None
