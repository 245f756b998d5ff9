"""Plausibility checks: finite numbers of a sane size, ranges, and the distance from N-1."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from hospiperf_desktop.plausibility import (
    MAX_MAGNITUDE,
    PlausibleRange,
    check_finite,
    check_plausible,
)

ORDERS = PlausibleRange(0, 50_000, "our assumption")


def test_infinity_nan_and_huge_values_are_not_numbers_we_keep() -> None:
    assert check_finite(math.inf) == "not_finite"
    assert check_finite(-math.inf) == "not_finite"
    assert check_finite(math.nan) == "not_finite"
    assert check_finite(1e308) == "too_large"
    assert check_finite(-2 * MAX_MAGNITUDE) == "too_large"
    assert check_finite(MAX_MAGNITUDE) is None
    assert check_finite(0.0235) is None


def test_a_value_outside_the_range_is_unusual_and_says_so() -> None:
    unusual = check_plausible(99_999_999_999_999, ORDERS)
    assert unusual is not None
    assert unusual.reason == "outside_range"
    assert unusual.plausible == ORDERS
    assert check_plausible(1_200, ORDERS) is None


def test_more_than_ten_times_away_from_last_year_is_unusual_either_way() -> None:
    assert check_plausible(1_200, ORDERS, previous=100) is not None
    assert check_plausible(9, ORDERS, previous=100) is not None
    assert check_plausible(1_000, ORDERS, previous=100) is None
    assert check_plausible(10, ORDERS, previous=100) is None
    # Zero on either side says nothing about a ratio.
    assert check_plausible(0, ORDERS, previous=100) is None
    assert check_plausible(40, ORDERS, previous=0) is None


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False))
def test_check_plausible_never_raises_and_a_value_inside_and_near_is_fine(
    value: float, previous: float
) -> None:
    result = check_plausible(value, PlausibleRange(None, None, "open"), previous)
    if result is not None:
        assert result.reason == "far_from_previous"
