"""How a column's numbers are read, the plausible bounds, and property tests of the cell parsers.

The parsers' rule, for any input at all: a finite number (or a date), or `CellError` —
never another exception, never infinity or NaN, never a magnitude past MAX_MAGNITUDE.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospiperf_desktop.number_columns import DotChoice, Reading, dot_evidence, read_column
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.plausibility import MAX_MAGNITUDE
from hospiperf_desktop.stock.bounds import StockBounds, shipped_bounds
from hospiperf_desktop.stock.cells import CellError, parse_date, parse_number

# Text that looks like what exports hold: digits, separators, signs, currency, exponents.
_NUMBER_ALPHABET = st.sampled_from(list("0123456789.,-+ e€'\u00a0\u202fEinfNa_"))
number_like = st.text(_NUMBER_ALPHABET, max_size=30)
cells = st.one_of(
    number_like,
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=400, deadline=None)
@given(cells, st.booleans(), st.booleans())
def test_parse_number_gives_a_finite_sane_number_or_a_cell_error(
    value: object, comma: bool, dot: bool
) -> None:
    try:
        number = parse_number(value, comma, dot)
    except CellError as err:
        assert err.code in {"not_a_number", "too_large"}
        assert len(str(err)) < 200
        return
    assert math.isfinite(number) and abs(number) <= MAX_MAGNITUDE


@settings(max_examples=400, deadline=None)
@given(st.one_of(cells, st.from_regex(r"\A\d{1,4}[/.\-]\d{1,4}[/.\-]\d{1,5}\Z")))
def test_parse_date_gives_a_date_or_a_cell_error(value: object) -> None:
    try:
        day = parse_date(value)
    except CellError as err:
        assert err.code in {"not_a_date", "impossible_date"}
        return
    assert type(day) is date


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_lone_dot_and_three_digits_reads_either_way_as_told(whole: int, rest: int) -> None:
    text = f"{whole}.{rest:03d}"
    assert dot_evidence(text) is Reading.AMBIGUOUS
    assert parse_number(text) == pytest.approx(whole + rest / 1000)
    assert parse_number(text, dot_groups_thousands=True) == whole * 1000 + rest


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("1.500", Reading.AMBIGUOUS),
        ("-12.500 €", Reading.AMBIGUOUS),
        ("0.500", Reading.DECIMAL),  # no thousand starts with 0
        ("1234.567", Reading.DECIMAL),  # four digits before the dot: not grouped
        ("2.5", Reading.DECIMAL),
        ("1.500,00", Reading.THOUSANDS),
        ("1.234.567", Reading.THOUSANDS),
        ("12,5", Reading.THOUSANDS),  # a decimal comma
        ("1,234.56", Reading.DECIMAL),
        ("1 500", None),
        ("douze", None),
    ],
)
def test_what_one_cell_says_about_the_dot(text: str, evidence: Reading | None) -> None:
    assert dot_evidence(text) is evidence


def test_a_column_with_only_lone_dots_is_ambiguous_and_shows_both_readings() -> None:
    rows = [(2, ["A", "1.500"]), (3, ["B", "12"]), (4, ["C", "2.250"]), (5, ["D", ""])]
    column = read_column(rows, 1, "Qté", comma_separated=False)
    assert column.reading is Reading.AMBIGUOUS
    assert column.ambiguous_count == 2
    assert [(s.line, s.text) for s in column.samples] == [(2, "1.500"), (4, "2.250"), (3, "12")]
    assert [column.value(s, None) for s in column.samples] == [1.5, 2.25, 12.0]
    assert [column.value(s, DotChoice.THOUSANDS) for s in column.samples] == [1500, 2250, 12]
    assert column.needs_choice(None) and not column.needs_choice(DotChoice.DECIMAL)
    issue = column.issue("stock.csv")
    assert (issue.line, issue.column, issue.code) == (2, "B (Qté)", "ambiguous_number")


def test_comma_separated_files_are_never_ambiguous() -> None:
    column = read_column([(2, ["1.500"])], 0, "Quantity", comma_separated=True)
    assert column.reading is Reading.PLAIN
    assert column.value(column.samples[0], None) == 1.5


def test_typed_cells_are_sampled_as_they_are() -> None:
    rows = [(2, [1500.0]), (3, [datetime(2026, 1, 1)]), (4, [7])]
    column = read_column(rows, 0, "Qté", comma_separated=False)
    assert column.reading is Reading.PLAIN
    assert [(s.text, s.as_decimal) for s in column.samples] == [("1500.0", 1500.0), ("7", 7.0)]


def test_every_shipped_bound_has_a_source_and_holds_the_issue_s_example() -> None:
    data = json.loads(resource_path("stock", "plausibility.json").read_text(encoding="utf-8"))
    assert set(data["bounds"]) == {"quantity", "unit_price", "value"}
    for bound in data["bounds"].values():
        assert bound["source"].strip()
        assert bound["low"] <= bound["high"] < MAX_MAGNITUDE
    bounds = shipped_bounds()
    assert not bounds.quantity.contains(999_999_999_999)  # issue 12: 65 billion € of stock
    assert bounds.quantity.contains(1_200) and bounds.unit_price.contains(0.0235)
    assert bounds.for_field("quantity_out") is bounds.quantity
    assert bounds.for_field("label") is None


def test_a_bound_without_a_source_is_refused() -> None:
    data = {"bounds": {name: {"low": 0, "high": 1, "source": "x"} for name in
                       ("quantity", "unit_price", "value")}}  # fmt: skip
    data["bounds"]["value"]["source"] = ""
    with pytest.raises(ValueError, match="value"):
        StockBounds.from_json(data)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(number_like, number_like), min_size=1, max_size=5))
def test_reading_a_file_of_any_numbers_gives_finite_rows_or_a_refusal(
    tmp_path_factory: pytest.TempPathFactory, cells: list[tuple[str, str]]
) -> None:
    from hospiperf_desktop.errors import FileImportError
    from hospiperf_desktop.stock.mapping import ColumnMapping, ImportKind
    from hospiperf_desktop.stock.parameters import shipped_parameters
    from hospiperf_desktop.stock.reading import read_export

    path = tmp_path_factory.mktemp("numbers") / "stock.csv"
    lines = ["Code;Quantité;Prix unitaire"]
    lines += [f"34009300000{n:02d};{q.replace(';', '')};{p.replace(';', '')}"
              for n, (q, p) in enumerate(cells)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = ColumnMapping(
        ImportKind.SNAPSHOT,
        {"product_code": "Code", "quantity": "Quantité", "unit_price": "Prix unitaire"},
    )
    for choice in (None, DotChoice.THOUSANDS):
        try:
            parsed = read_export(
                path, mapping, shipped_parameters(), snapshot_date=date(2026, 3, 31),
                single_dot=choice,
            )  # fmt: skip
        except FileImportError as err:
            assert err.issues and all(i.file == "stock.csv" for i in err.issues)
            continue
        for record in parsed.records:
            quantity, price, value = record[4:7]
            assert all(
                math.isfinite(x) and abs(x) <= MAX_MAGNITUDE for x in (quantity, price, value)
            )
        assert all(i.line is not None for i in parsed.issues + parsed.unusual)
