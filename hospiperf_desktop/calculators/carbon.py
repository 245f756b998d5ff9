"""Carbon estimate of purchases by the monetary method: euros bought × kg CO2e per euro.

Factors come from `resources/calculators/carbon.json`, each with its source and year; where
our references publish none, the factor is empty and the user gives one (with its source).
A family without a factor is listed as not estimated, never counted as zero. The uncertainty
of each factor (its source's, else the file's default) gives a low-high range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hospiperf_desktop.calculators.params import parameters


@dataclass(frozen=True)
class Factor:
    family: str
    label: str
    kg_per_eur: float | None
    source: str
    year: int | None
    uncertainty: float  # relative, 0.5 = ±50 %
    uncertainty_assumed: bool  # the file's default, not the source's


@dataclass(frozen=True)
class Purchase:
    family: str
    amount: float  # euros


@dataclass(frozen=True)
class FactorOverride:
    kg_per_eur: float
    source: str
    year: int | None = None
    uncertainty: float | None = None


@dataclass(frozen=True)
class CarbonLine:
    family: str
    label: str
    amount: float
    factor: Factor
    tonnes: float | None  # None: no factor, not estimated
    low: float | None
    high: float | None


@dataclass(frozen=True)
class CarbonResult:
    lines: tuple[CarbonLine, ...]
    tonnes: float  # estimated families only
    low: float
    high: float
    estimated_amount: float
    unestimated_amount: float
    version: str


def factors(
    overrides: Mapping[str, FactorOverride] | None = None, params: dict[str, Any] | None = None
) -> dict[str, Factor]:
    params = params or parameters("carbon")
    default = float(params["default_uncertainty"])
    out = {}
    for raw in params["families"]:
        override = (overrides or {}).get(raw["id"])
        if override is not None:
            assumed = override.uncertainty is None
            out[raw["id"]] = Factor(
                raw["id"],
                raw["label"],
                override.kg_per_eur,
                override.source,
                override.year,
                default if assumed else float(override.uncertainty or 0.0),
                assumed,
            )
            continue
        assumed = raw["uncertainty"] is None
        out[raw["id"]] = Factor(
            raw["id"],
            raw["label"],
            raw["factor"],
            raw["source"],
            raw["year"],
            default if assumed else float(raw["uncertainty"]),
            assumed,
        )
    return out


def estimate(
    purchases: Sequence[Purchase],
    overrides: Mapping[str, FactorOverride] | None = None,
    params: dict[str, Any] | None = None,
) -> CarbonResult:
    """t CO2e by family; purchases of one family are added up first."""
    params = params or parameters("carbon")
    table = factors(overrides, params)
    amounts: dict[str, float] = {}
    for purchase in purchases:
        amounts[purchase.family] = amounts.get(purchase.family, 0.0) + purchase.amount
    lines = []
    for family, amount in amounts.items():
        factor = table[family]
        if factor.kg_per_eur is None:
            lines.append(CarbonLine(family, factor.label, amount, factor, None, None, None))
            continue
        tonnes = amount * factor.kg_per_eur / 1000
        lines.append(
            CarbonLine(
                family,
                factor.label,
                amount,
                factor,
                tonnes,
                tonnes * (1 - factor.uncertainty),
                tonnes * (1 + factor.uncertainty),
            )
        )
    estimated = [line for line in lines if line.tonnes is not None]
    return CarbonResult(
        lines=tuple(lines),
        tonnes=math.fsum(line.tonnes or 0.0 for line in estimated),
        low=math.fsum(line.low or 0.0 for line in estimated),
        high=math.fsum(line.high or 0.0 for line in estimated),
        estimated_amount=math.fsum(line.amount for line in estimated),
        unestimated_amount=math.fsum(line.amount for line in lines if line.tonnes is None),
        version=params["version"],
    )
