"""Property tests (Hypothesis) of the table readers and the parsers behind them.

Whatever the bytes, a reader either gives rows back or refuses with an `InputFileError`/
`FileImportError` whose message is short and clean; when it gives rows back, they are the
rows that were written. Limits are lowered so that any file the checks let through is small.
"""

from __future__ import annotations

import csv
import math
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hospiperf_desktop import limits
from hospiperf_desktop.errors import FileImportError, InputFileError
from hospiperf_desktop.stock.cells import CellError, parse_date, parse_number
from hospiperf_desktop.stock.mapping import find_header_row, unique_headings
from hospiperf_desktop.stock.parameters import shipped_parameters
from hospiperf_desktop.tabular import column_letter, fold, read_grid
from tests.fixtures.hostile.make_corpus import (
    SHEET_OPEN,
    STOCK_XLS,
    ods,
    ods_cell,
    ods_row,
    sheet_xml,
    with_declared_size,
    xls_with_cell_at,
    xlsx,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SMALL = replace(limits.LIMITS, rows=5_000, columns=60, cells=20_000, zip_entry_bytes=1 << 20)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def small_limits() -> Iterator[None]:
    saved = limits.LIMITS
    limits.LIMITS = SMALL
    try:
        yield
    finally:
        limits.LIMITS = saved


@contextmanager
def written(name: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def read_or_refusal(path: Path) -> list[list[Any]] | str:
    try:
        return read_grid(path).rows
    except FileImportError as err:
        message = str(err)
        assert len(message.encode()) < 2048 and not CONTROL.search(message)
        return message


# Text a person types in a cell: no control characters, no surrogates, no commas (a file
# where commas outnumber semicolons is read as comma-separated, on purpose).
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=","),
    max_size=12,
)
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-'éèàçùâêîôûëïüÉÈÀÇ"


@SETTINGS
@given(
    st.lists(st.lists(cell_text, min_size=1, max_size=6), min_size=1, max_size=30),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]),
)
def test_any_csv_written_by_the_csv_module_reads_back_the_same(
    rows: list[list[str]], encoding: str
) -> None:
    assume(any(cell.strip() for row in rows for cell in row))
    data = _csv_bytes(rows, encoding)
    with small_limits(), written("t.csv", data) as path:
        assert read_grid(path).rows == rows


@SETTINGS
@given(st.lists(st.lists(st.text(alphabet=LATIN, max_size=10), min_size=1, max_size=5),
                min_size=1, max_size=20))  # fmt: skip
def test_windows_1252_csv_reads_back_the_same(rows: list[list[str]]) -> None:
    with small_limits(), written("t.csv", _csv_bytes(rows, "cp1252")) as path:
        assert read_grid(path).rows == rows


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    lines: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            lines.append(text)

    csv.writer(Sink(), delimiter=";", lineterminator="\r\n").writerows(rows)
    return "".join(lines).encode(encoding)


@SETTINGS
@given(
    st.lists(
        st.lists(st.text(alphabet=LATIN, max_size=8), min_size=3, max_size=3),
        min_size=2,
        max_size=20,
    ),
    st.data(),
    st.sampled_from([chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127]]),
)
def test_a_control_character_is_refused_at_its_line_and_column(
    rows: list[list[str]], data: st.DataObject, control: str
) -> None:
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.integers(0, 2))
    rows[row][column] += control
    with small_limits(), written("t.csv", _csv_bytes(rows, "utf-8")) as path:
        message = read_or_refusal(path)
    assert message == (
        f"t.csv, line {row + 1}, column {column_letter(column)}: the text holds a NUL or "
        "another control character; remove it (save the file again from its software, as "
        "CSV UTF-8 or xlsx)"
    )


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from(["t.csv", "t.xlsx", "t.ods", "t.xls"]))
def test_any_bytes_are_read_or_refused_never_crash(data: bytes, name: str) -> None:
    with small_limits(), written(name, data) as path:
        read_or_refusal(path)


refs = st.tuples(st.integers(1, 20_000), st.integers(1, 200))


@SETTINGS
@given(
    st.lists(refs, min_size=1, max_size=8),
    st.sampled_from(["fast", "unordered", "prefixed", "misplaced"]),
)
def test_the_sheet_extent_is_refused_exactly_past_the_limits(
    cells: list[tuple[int, int]], shape: str
) -> None:
    rows = max(r for r, _ in cells)
    columns = max(c for _, c in cells)
    sheet = _sheet(cells, shape)
    with small_limits(), written("t.xlsx", xlsx(sheet)) as path:
        result = read_or_refusal(path)
    too_big = rows > SMALL.rows or columns > SMALL.columns or rows * columns > SMALL.cells
    if too_big:
        assert isinstance(result, str) and "is past the limit" in result
    else:
        assert isinstance(result, list)
        assert len(result) == rows and max(len(r) for r in result) == columns


def _sheet(cells: list[tuple[int, int]], shape: str) -> str:
    by_row: dict[int, list[int]] = {}
    for row, column in cells:
        by_row.setdefault(row, []).append(column)
    ordered = sorted(by_row.items(), reverse=shape == "unordered")
    prefix = "x:" if shape == "prefixed" else ""
    if shape == "misplaced":  # every cell inside row 1: the cells' references decide
        inner = "".join(
            f'<c r="{column_letter(c - 1)}{r}"><v>1</v></c>' for r, c in sorted(set(cells))
        )
        return f'{SHEET_OPEN}<sheetData><row r="1">{inner}</row></sheetData></worksheet>'
    body = "".join(
        f'<{prefix}row r="{row}">'
        + "".join(
            f'<{prefix}c s="0" r="{column_letter(c - 1)}{row}"><{prefix}v>1</{prefix}v></{prefix}c>'
            if shape == "unordered"
            else f'<{prefix}c r="{column_letter(c - 1)}{row}"><{prefix}v>1</{prefix}v></{prefix}c>'
            for c in sorted(set(columns))
        )
        + f"</{prefix}row>"
        for row, columns in ordered
    )
    if prefix:
        return (
            '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<x:sheetData>{body}</x:sheetData></x:worksheet>"
        )
    return f"{SHEET_OPEN}<sheetData>{body}</sheetData></worksheet>"


@SETTINGS
@given(st.integers(1, 3000), st.integers(1, 3000))
def test_ods_repeats_are_counted_like_cells(rows: int, columns: int) -> None:
    content = ods_row(ods_cell(1, columns), rows)
    with small_limits(), written("t.ods", ods(content)) as path:
        result = read_or_refusal(path)
    if columns > SMALL.columns or rows * columns > SMALL.cells:
        assert isinstance(result, str) and "is past the limit" in result
    else:
        assert isinstance(result, list) and len(result) == rows


GOOD = xlsx(sheet_xml([["Code", "Qté"], ["A", 1]]))
with zipfile.ZipFile(__import__("io").BytesIO(GOOD)) as _zip:
    TRUE_SIZE = _zip.getinfo("xl/worksheets/sheet1.xml").file_size


@SETTINGS
@given(st.integers(0, (1 << 32) - 1))
def test_a_zip_entry_is_refused_by_its_declared_size_or_read_when_true(size: int) -> None:
    with (
        small_limits(),
        written("t.xlsx", with_declared_size(GOOD, "xl/worksheets/sheet1.xml", size)) as path,
    ):
        result = read_or_refusal(path)
    if size > SMALL.zip_entry_bytes:
        assert isinstance(result, str) and "uncompressed size of one part" in result
    elif size < TRUE_SIZE:  # the part holds more than it says: refused as damaged
        assert isinstance(result, str) and "not a readable spreadsheet" in result
    else:  # a part may say it is larger than it is (within the limits): harmless
        assert result == [["Code", "Qté"], ["A", 1.0]]


@SETTINGS
@given(st.data())
def test_damaged_workbooks_are_read_or_refused_never_crash(data: st.DataObject) -> None:
    name, original = data.draw(
        st.sampled_from(
            [
                ("t.xlsx", GOOD),
                ("t.xls", STOCK_XLS.read_bytes()),
                ("t.ods", ods(ods_row(ods_cell("Code") + ods_cell(2)))),
            ]
        )
    )
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    with small_limits(), written(name, bytes(damaged)) as path:
        read_or_refusal(path)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(), st.booleans()))
def test_parse_number_gives_a_finite_number_or_a_cell_error(value: object) -> None:
    try:
        number = parse_number(value)
    except CellError:
        return
    assert isinstance(number, float) and math.isfinite(number)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.dates(), st.none()))
def test_parse_date_gives_a_date_or_a_cell_error(value: object) -> None:
    with suppress(CellError):
        assert isinstance(parse_date(value), date)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(max_size=15), st.floats(), st.none()), max_size=6),
                max_size=12))  # fmt: skip
def test_headings_are_found_and_made_unique_in_any_grid(grid: list[list[Any]]) -> None:
    index = find_header_row(grid, shipped_parameters())
    assert 0 <= index <= max(len(grid), 1)
    if index < len(grid):
        headings = [str(c) for c in grid[index]]
        # Headings without a letter or digit are never matched, so they may repeat.
        unique = [h for h in unique_headings(headings) if fold(h)]
        assert len(set(unique)) == len(unique)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fold_keeps_only_letters_and_digits_and_is_idempotent(text: str) -> None:
    folded = fold(text)
    assert all(c.isalnum() for c in folded) and fold(folded) == folded


def test_the_input_file_error_is_what_every_reader_raises() -> None:
    assert issubclass(InputFileError, FileImportError)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([*range(0, 32), 127]),
    st.sampled_from(["escape", "character reference"]),
    st.integers(1, 30),
)
def test_a_control_character_in_a_workbook_cell_is_refused_unless_tab_or_newline(
    code: int, spelling: str, row: int
) -> None:
    text = f"a_x{code:04X}_b" if spelling == "escape" else f"a&#{code};b"
    if spelling == "character reference" and code not in (9, 10, 13):
        assume(False)  # XML 1.0 forbids these references: the file is damaged, not read
    extra = f'<row r="{row + 1}"><c r="B{row + 1}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    sheet = sheet_xml([["Code", "Note"]], extra)
    with small_limits(), written("t.xlsx", xlsx(sheet)) as path:
        result = read_or_refusal(path)
    if code in (9, 10, 13):
        assert isinstance(result, list) and result[row][1] == f"a{chr(code)}b"
    else:
        assert result == (
            f"t.xlsx, line {row + 1}, column B: the text holds a NUL or another control "
            "character; remove it (save the file again from its software, as CSV UTF-8 or xlsx)"
        )


@SETTINGS
@given(st.integers(0, 65_535), st.integers(0, 65_535))
def test_an_xls_cell_anywhere_is_refused_exactly_past_the_limits(row: int, column: int) -> None:
    # The fixture holds 4 rows of 9 columns; its first text cell is moved to (row, column).
    rows, columns = max(row + 1, 4), max(column + 1, 9)
    with small_limits(), written("t.xls", xls_with_cell_at(row, column)) as path:
        result = read_or_refusal(path)
    if rows > SMALL.rows or columns > SMALL.columns or rows * columns > SMALL.cells:
        assert isinstance(result, str) and "is past the limit" in result
    else:
        assert isinstance(result, list) and len(result) == rows
        assert max(len(r) for r in result) == columns
