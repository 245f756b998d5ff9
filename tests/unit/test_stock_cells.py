"""Cells of pharmacy-software exports: French numbers, dates, flags, codes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hospiperf_desktop.stock.cells import (
    CellError,
    parse_code,
    parse_date,
    parse_flag,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("12.5", 12.5),
        ("12,5", 12.5),
        ("1 234,56", 1234.56),
        ("1\u00a0234,56", 1234.56),
        ("1\u202f234,56", 1234.56),
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1.234.567", 1234567.0),
        ("12,5 €", 12.5),
        ("-3,5", -3.5),
        (" 7 ", 7.0),
        (3, 3.0),
        (2.25, 2.25),
    ],
)
def test_numbers_as_exports_write_them(text: object, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["douze", "12a", "1,2,3,4x", "nan", "inf", "", True])
def test_text_that_is_not_a_number_is_refused(text: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_number(text)
    assert caught.value.code == "not_a_number"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2025", date(2025, 12, 31)),
        ("1/2/2025", date(2025, 2, 1)),
        ("31/12/25", date(2025, 12, 31)),
        ("31.12.2025", date(2025, 12, 31)),
        ("31-12-2025", date(2025, 12, 31)),
        ("2025-12-31", date(2025, 12, 31)),
        ("31/12/2025 00:00:00", date(2025, 12, 31)),
        (date(2025, 3, 1), date(2025, 3, 1)),
        (datetime(2025, 3, 1, 8, 30), date(2025, 3, 1)),
    ],
)
def test_french_and_iso_dates(text: object, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "00/01/2025", "12/13/2025", "2025-02-30"])
def test_impossible_dates_are_named_as_such(text: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(text)
    assert caught.value.code == "impossible_date"


def test_spreadsheet_day_numbers_are_dates() -> None:
    assert parse_date(45658.0) == date(2025, 1, 1)
    assert parse_date(45658) == date(2025, 1, 1)


def test_comma_separated_files_group_thousands_only_by_three_digits() -> None:
    assert parse_number("1,000", comma_groups_thousands=True) == 1000
    assert parse_number("12,345.5", comma_groups_thousands=True) == 12345.5
    assert parse_number("12,5", comma_groups_thousands=True) == 12.5
    assert parse_number("0,5", comma_groups_thousands=True) == 0.5
    assert parse_number("1.000") == 1.0  # three decimals, as software writes them


@pytest.mark.parametrize("text", ["demain", "12/2025", "45000", 45000.5, 123.0])
def test_non_dates(text: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(text)
    assert caught.value.code == "not_a_date"


def test_codes_read_as_numbers_lose_their_decimal_point() -> None:
    assert parse_code(3400930000001.0) == "3400930000001"
    assert parse_code(" 0012 ") == "0012"
    assert parse_code(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Oui", True), ("x", True), ("1", True), ("non", False), ("", False), ("Faux", False)],
)
def test_flags(text: str, expected: bool) -> None:
    assert parse_flag(text) is expected


def test_a_flag_that_is_neither() -> None:
    with pytest.raises(CellError):
        parse_flag("peut-être")
