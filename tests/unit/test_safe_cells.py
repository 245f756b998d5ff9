"""The one place that keeps user text from becoming a formula in xlsx and CSV."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from hospiperf_desktop.safe_cells import (
    append_row,
    clean_text,
    csv_bytes,
    csv_field,
    looks_like_formula,
    save_workbook,
)


def test_owasp_triggers_and_their_full_width_forms_look_like_formulas() -> None:
    for text in ("=1", "+1", "-1", "@A1", "\t=1", "\r=1", "\uff1d1", "\uff0b1", "  =1"):
        assert looks_like_formula(text), repr(text)
    for text in ("", "Paracétamol", "1-2", "a=b", "—", "#N/A"):
        assert not looks_like_formula(text), repr(text)


def test_a_negative_number_stays_a_number_and_negative_looking_text_is_protected() -> None:
    assert csv_field(-2) == -2
    assert csv_field(-2.5) == -2.5
    assert csv_field("-2") == "'-2"
    assert csv_field(float("inf")) == ""
    assert csv_field(None) == ""


def test_csv_quotes_text_and_leaves_numbers_bare() -> None:
    raw = csv_bytes([["=1+1", -3, 'a;"b"', 1.5, "ok\x00"]]).decode("utf-8-sig")
    assert raw == '"\'=1+1";-3;"a;""b""";1.5;"ok\ufffd"\r\n'


def test_xlsx_text_starting_with_a_formula_sign_is_stored_as_inline_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append_row(sheet, ['=HYPERLINK("http://x","y")', "#REF!", -2, "nul\x00", float("nan")])
    sheet["A2"] = "=1+1"  # assigned directly: save_workbook still neutralises it
    save_workbook(book, tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="e"' not in xml
    values = [[c.value for c in row] for row in load_workbook(tmp_path / "out.xlsx").active]
    # The NaN became an empty cell: the row ends after the fourth value.
    assert values[0] == ['=HYPERLINK("http://x","y")', "#REF!", -2, "nul\ufffd"]
    assert values[1][0] == "=1+1"


@given(st.lists(st.one_of(st.text(), st.integers(), st.floats()), max_size=6))
def test_any_row_of_values_gives_csv_with_no_field_that_could_run(row: list[object]) -> None:
    text = csv_bytes([row]).decode("utf-8-sig")
    for field in next(csv.reader(io.StringIO(text, newline=""), delimiter=";")):
        if looks_like_formula(field):
            float(field)  # only a bare number may start with "-" or "+"


@given(st.text())
def test_clean_text_leaves_nothing_xml_cannot_hold(text: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cleaned = clean_text(text)
    assert not ILLEGAL_CHARACTERS_RE.search(cleaned)
    cleaned.encode("utf-8")


def test_every_workbook_and_csv_writer_of_the_core_goes_through_safe_cells() -> None:
    core = Path(__file__).parents[2] / "hospiperf_desktop"
    writers = []
    for path in sorted(core.rglob("*.py")):
        if path.name == "safe_cells.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bcsv\.(writer|DictWriter)\(", text), f"{path}: use csv_bytes"
        if "from openpyxl import Workbook" in text:
            writers.append(path.name)
            assert "save_workbook(" in text and "append_row(" in text, path
            assert not re.search(r"\b(workbook|wb|book)\.save\(", text), f"{path}: bypass"
    assert len(writers) >= 6, writers
