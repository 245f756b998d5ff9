"""The stock and supply formulas, as pure functions over numbers (unit-tested by hand).

Coverage (weeks)      = stock value / average weekly consumption value
Rotation (per year)   = 52 × weekly consumption value / stock value
Cash freed at target  = max(0, stock value − target weeks × weekly consumption value)
Safety stock          = z × √(L × σd² + d² × σL²)   (d, σd per week; L, σL in weeks;
                        z the standard normal quantile of the service level)
Reorder point         = d × L + safety stock
Order quantity        = ⌈reorder point + d × R − on hand⌉ when on hand ≤ reorder point, else 0
                        (R = review period: the order covers until the next review)
Days of stock left    = on hand / d × 7; at risk when fewer than the lead time in days
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from hospiperf_desktop.stock.parameters import CriticalityRules

WEEKS_PER_YEAR = 52
DAYS_PER_WEEK = 7


def weekly(total: float, weeks: float) -> float:
    if weeks <= 0:
        raise ValueError("the window must last at least one week")
    return total / weeks


def coverage_weeks(stock_value: float, weekly_consumption: float) -> float | None:
    """None when nothing was consumed: the stock covers no known need."""
    if weekly_consumption <= 0:
        return None
    return stock_value / weekly_consumption


def rotation_per_year(stock_value: float, weekly_consumption: float) -> float | None:
    if stock_value <= 0:
        return None
    return WEEKS_PER_YEAR * weekly_consumption / stock_value


def cash_freed(stock_value: float, weekly_consumption: float, target_weeks: float) -> float | None:
    """The one-off cash that bringing the stock down to the target would free.

    None when nothing was consumed over the window: with no known need, the target is no
    amount of stock, and calling the whole stock "freeable" would be wrong (a fresh count with
    no movements yet, a product used once a year).
    """
    if weekly_consumption <= 0:
        return None
    return max(0.0, stock_value - target_weeks * weekly_consumption)


def mean_and_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 with fewer than two values)."""
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, 0.0
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(variance)


def service_factor(service_level: float) -> float:
    """z such that P(N(0,1) ≤ z) = service level (0.95 → 1.645)."""
    if not 0.5 <= service_level < 1:
        raise ValueError("the service level must be between 50 % and 100 % (excluded)")
    return NormalDist().inv_cdf(service_level)


def safety_stock(
    mean_weekly: float, sd_weekly: float, lead_weeks: float, lead_sd_weeks: float, z: float
) -> float:
    return z * math.sqrt(lead_weeks * sd_weekly**2 + mean_weekly**2 * lead_sd_weeks**2)


def reorder_point(mean_weekly: float, lead_weeks: float, safety: float) -> float:
    return mean_weekly * lead_weeks + safety


def order_quantity(on_hand: float, reorder: float, mean_weekly: float, review_weeks: float) -> int:
    if on_hand > reorder:
        return 0
    return max(0, math.ceil(reorder + mean_weekly * review_weeks - on_hand - 1e-9))


def days_left(on_hand: float, mean_weekly: float) -> float | None:
    if mean_weekly <= 0:
        return None
    return max(0.0, on_hand) / mean_weekly * DAYS_PER_WEEK


@dataclass(frozen=True)
class Criticality:
    score: int
    level: str
    reasons: tuple[str, ...]  # codes: mitm, single_supplier, no_substitute, class_a, …


def abc_classes(values: dict[int, float], rules: CriticalityRules) -> dict[int, str]:
    """A, B or C by share of consumption value: A up to 80 % of the total, B up to 95 %."""
    total = sum(v for v in values.values() if v > 0)
    classes: dict[int, str] = {}
    running = 0.0
    for key, value in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        if total <= 0 or value <= 0:
            classes[key] = "C"
            continue
        share_before = running / total
        running += value
        if share_before < rules.consumption_share_a:
            classes[key] = "A"
        elif share_before < rules.consumption_share_b:
            classes[key] = "B"
        else:
            classes[key] = "C"
    return classes


def criticality(
    *,
    mitm: bool,
    supplier_count: int,
    has_substitute: bool,
    abc_class: str,
    lead_days: float,
    rules: CriticalityRules,
) -> Criticality:
    w = rules.weights
    points = 0
    reasons: list[str] = []
    for present, code, weight in (
        (mitm, "mitm", w["mitm"]),
        (supplier_count == 1, "single_supplier", w["single_supplier"]),
        (not has_substitute, "no_substitute", w["no_substitute"]),
        (abc_class == "A", "class_a", w["consumption_share_a"]),
        (abc_class == "B", "class_b", w["consumption_share_b"]),
        (
            lead_days >= rules.lead_time_very_long_days,
            "lead_time_very_long",
            w["lead_time_very_long"],
        ),
        (
            rules.lead_time_long_days <= lead_days < rules.lead_time_very_long_days,
            "lead_time_long",
            w["lead_time_long"],
        ),
    ):
        if present:
            points += weight
            reasons.append(code)
    return Criticality(points, rules.level(points), tuple(reasons))
