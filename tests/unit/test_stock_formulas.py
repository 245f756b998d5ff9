"""Stock and supply formulas against values computed by hand."""

from __future__ import annotations

import math

import pytest

from hospiperf_desktop.stock import formulas
from hospiperf_desktop.stock.parameters import shipped_parameters

RULES = shipped_parameters().criticality


def test_coverage_rotation_and_cash_freed() -> None:
    # 13 weeks of consumption worth 26,000 € → 2,000 € a week; 12,000 € in stock.
    weekly = formulas.weekly(26_000, 13)
    assert weekly == 2_000
    assert formulas.coverage_weeks(12_000, weekly) == 6.0
    assert formulas.rotation_per_year(12_000, weekly) == pytest.approx(52 * 2_000 / 12_000)
    # Target 4 weeks = 8,000 €: 4,000 € would be freed once.
    assert formulas.cash_freed(12_000, weekly, 4) == 4_000
    # Below target, nothing is freed.
    assert formulas.cash_freed(6_000, weekly, 4) == 0


def test_no_consumption_means_no_coverage_no_cash_freed_and_no_rotation() -> None:
    assert formulas.coverage_weeks(5_000, 0) is None
    assert formulas.cash_freed(5_000, 0, 4) is None  # no consumption: not the whole stock
    assert formulas.rotation_per_year(0, 10) is None
    with pytest.raises(ValueError):
        formulas.weekly(10, 0)


def test_mean_and_sample_standard_deviation() -> None:
    mean, sd = formulas.mean_and_sd([10, 12, 14, 8])
    assert mean == 11
    # deviations −1, 1, 3, −3 → squares 1, 1, 9, 9 = 20; / (4 − 1) → √6.667
    assert sd == pytest.approx(math.sqrt(20 / 3))
    assert formulas.mean_and_sd([5]) == (5, 0)
    assert formulas.mean_and_sd([]) == (0, 0)


def test_service_factor() -> None:
    assert formulas.service_factor(0.95) == pytest.approx(1.6449, abs=1e-4)
    assert formulas.service_factor(0.5) == pytest.approx(0)
    for bad in (0.4, 1.0):
        with pytest.raises(ValueError):
            formulas.service_factor(bad)


def test_safety_stock_reorder_point_and_order() -> None:
    # d = 100 a week, σd = 20, L = 2 weeks, σL = 0.5 week, z = 1.645
    # SS = 1.645 × √(2 × 400 + 10,000 × 0.25) = 1.645 × √3,300 = 94.50
    safety = formulas.safety_stock(100, 20, 2, 0.5, 1.645)
    assert safety == pytest.approx(1.645 * math.sqrt(3_300))
    assert safety == pytest.approx(94.50, abs=0.01)
    reorder = formulas.reorder_point(100, 2, safety)
    assert reorder == pytest.approx(294.50, abs=0.01)
    # On hand 150 ≤ 294.5: order up to ROP + 2 weeks of review: 294.5 + 200 − 150 → 345
    assert formulas.order_quantity(150, reorder, 100, 2) == 345
    # Above the reorder point: no order.
    assert formulas.order_quantity(300, reorder, 100, 2) == 0
    # Exactly at the reorder point orders.
    assert formulas.order_quantity(200, 200, 50, 1) == 50


def test_days_left() -> None:
    assert formulas.days_left(70, 35) == 14
    assert formulas.days_left(-5, 35) == 0
    assert formulas.days_left(10, 0) is None


def test_abc_classes_by_share_of_consumption() -> None:
    # total 1,000: 1 → 600 (before 0 % → A), 2 → 250 (before 60 % → A),
    # 3 → 100 (before 85 % → B), 4 → 50 (before 95 % → C), 5 → 0 (C)
    classes = formulas.abc_classes({1: 600, 2: 250, 3: 100, 4: 50, 5: 0}, RULES)
    assert classes == {1: "A", 2: "A", 3: "B", 4: "C", 5: "C"}


def test_criticality_adds_the_weights_of_its_reasons() -> None:
    worst = formulas.criticality(
        mitm=True, supplier_count=1, has_substitute=False, abc_class="A", lead_days=42,
        rules=RULES,
    )  # fmt: skip
    # 3 (MITM) + 2 (single supplier) + 2 (no substitute) + 2 (class A) + 2 (≥ 30 days)
    assert worst.score == 11 == RULES.maximum
    assert worst.level == "high"
    assert worst.reasons == (
        "mitm", "single_supplier", "no_substitute", "class_a", "lead_time_very_long",
    )  # fmt: skip
    mild = formulas.criticality(
        mitm=False, supplier_count=2, has_substitute=True, abc_class="B", lead_days=14,
        rules=RULES,
    )  # fmt: skip
    # 1 (class B) + 1 (14 days: exactly the "long" bound)
    assert (mild.score, mild.level, mild.reasons) == (2, "low", ("class_b", "lead_time_long"))
    unknown_supplier = formulas.criticality(
        mitm=True, supplier_count=0, has_substitute=True, abc_class="C", lead_days=13.9,
        rules=RULES,
    )  # fmt: skip
    assert (unknown_supplier.score, unknown_supplier.level) == (3, "low")
    medium = formulas.criticality(
        mitm=True, supplier_count=1, has_substitute=True, abc_class="C", lead_days=1,
        rules=RULES,
    )  # fmt: skip
    assert (medium.score, medium.level) == (5, "medium")
