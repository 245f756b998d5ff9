"""The table readers refuse, before allocating, what would exhaust memory or kill the process.

Issue 13, classes 1, 2, 5 and 6. The limits are lowered (monkeypatch) where a real-size file
would take gigabytes, so each case runs with a small file; the limit's message is the same.
Anything that could abort the process runs in a subprocess under RLIMIT_AS.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tracemalloc
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from hospiperf_desktop import limits
from hospiperf_desktop.errors import FileImportError, InputFileError
from hospiperf_desktop.tabular import read_grid, read_table
from tests.fixtures.hostile.make_corpus import (
    ods,
    ods_cell,
    ods_row,
    sheet_xml,
    with_declared_size,
    xls_with_cell_at,
    xlsx,
)

HEADINGS = [["Code UCD", "Désignation", "Qté"], ["3400930000001", "Paracétamol", 12]]
MEMORY = 1536 << 20


def run_limited(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter whose address space is capped (an abort stays there)."""
    preamble = (
        f"import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", preamble + code, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def lower(monkeypatch: pytest.MonkeyPatch, **changes: int) -> None:
    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, **changes))


def refusal(path: Path) -> str:
    with pytest.raises(FileImportError) as caught:
        read_grid(path)
    message = str(caught.value)
    assert len(message.encode()) < 1024
    return message


def far_cell_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "far.xlsx"
    path.write_bytes(
        xlsx(sheet_xml(HEADINGS, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    )
    return path


def test_reproduction_calamine_alone_aborts_on_a_1kb_workbook_with_a_far_cell(
    tmp_path: Path,
) -> None:
    path = far_cell_workbook(tmp_path)
    assert path.stat().st_size < 2048
    done = run_limited(
        "from python_calamine import load_workbook\n"
        "load_workbook(sys.argv[1]).get_sheet_by_index(0).to_python()\n",
        str(path),
    )
    assert done.returncode != 0  # SIGABRT: "memory allocation of … bytes failed"
    assert "memory allocation" in done.stderr


def test_the_far_cell_workbook_is_refused_before_calamine_runs(tmp_path: Path) -> None:
    path = far_cell_workbook(tmp_path)
    done = run_limited(
        "from pathlib import Path\n"
        "from hospiperf_desktop.errors import FileImportError\n"
        "from hospiperf_desktop.tabular import read_grid\n"
        "try:\n    read_grid(Path(sys.argv[1]))\n"
        "except FileImportError as err:\n    print(err)\n",
        str(path),
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.startswith("far.xlsx, xl/worksheets/sheet1.xml: number of columns 16,384")
    assert "limit of 1,024" in done.stdout


def test_the_far_cell_xls_is_refused_before_calamine_runs(tmp_path: Path) -> None:
    path = tmp_path / "far.xls"
    path.write_bytes(xls_with_cell_at(65535, 65535))
    assert "number of columns 65,536 is past the limit of 1,024" in refusal(path)


def test_a_declared_dimension_past_the_limits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dim.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, head='<dimension ref="A1:XFD1048576"/>')))
    assert "(declared dimension): number of columns 16,384" in refusal(path)


def test_rows_times_columns_past_the_cell_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rect.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, '<row r="1048576"><c r="ZZ1048576"/></row>')))
    assert "number of cells (rows × columns) 736,100,352" in refusal(path)


def test_a_zip_bomb_sheet_is_refused_from_the_zip_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 MB expanding to 1 GB, scaled down: the part's uncompressed size passes a lowered limit.
    lower(monkeypatch, zip_entry_bytes=1 << 20, zip_ratio=10**9)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 40_000))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, rows)))
    message = refusal(path)
    assert "uncompressed size of one part" in message and "limit of 1,048,576" in message
    assert "split the sheet into several files" in message


def test_a_part_compressed_a_thousand_times_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, "<!--" + " " * (4 << 20) + "-->")))
    assert path.stat().st_size < 50_000
    assert "compression ratio" in refusal(path)


def test_a_zip_that_lies_about_its_sizes_is_refused_as_damaged(tmp_path: Path) -> None:
    good = xlsx(sheet_xml(HEADINGS))
    path = tmp_path / "lie.xlsx"
    path.write_bytes(with_declared_size(good, "xl/worksheets/sheet1.xml", 50))
    assert "not a readable spreadsheet" in refusal(path)


def test_too_many_zip_entries_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lower(monkeypatch, zip_entries=20)
    parts = {f"xl/media/image{i}.png": b"x" for i in range(30)}
    path = tmp_path / "entries.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS), parts=parts))
    assert "number of parts in the workbook 35 is past the limit of 20" in refusal(path)


def test_a_huge_text_cell_is_refused_while_streaming_the_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lower(monkeypatch, cell_chars=1000)
    monkeypatch.setattr("python_calamine.load_workbook", _calamine_must_not_run)
    text = "a" * 50_000  # a 1 GB cell, scaled down with the limit
    path = tmp_path / "text.xlsx"
    path.write_bytes(
        xlsx(
            sheet_xml(
                HEADINGS, f'<row r="3"><c r="A3" t="inlineStr"><is><t>{text}</t></is></c></row>'
            )
        )
    )
    assert "length of one cell" in refusal(path)


def _calamine_must_not_run(*_args: object) -> None:
    raise AssertionError("calamine was asked to read a file the checks should have refused")


def test_a_text_cell_just_past_the_limit_is_refused_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    long = "a" * 32_768
    path.write_bytes(
        xlsx(
            sheet_xml(
                HEADINGS, f'<row r="3"><c r="B3" t="inlineStr"><is><t>{long}</t></is></c></row>'
            )
        )
    )
    assert refusal(path).startswith("long.xlsx, line 3, column B: length of one cell 32,768")


def test_a_sparse_csv_is_streamed_and_refused_at_the_row_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lower(monkeypatch, rows=1_000)
    path = tmp_path / "sparse.csv"
    with path.open("w") as handle:
        handle.write("Code;Qté\n" + ";\n" * 2_000_000)  # 4 MB of empty rows
    tracemalloc.start()
    try:
        message = refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "sparse.csv, line 1001: number of rows 1,001 is past the limit of 1,000" in message
    assert peak < 2 << 20  # the file was never read whole


def test_one_endless_csv_line_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lower(monkeypatch, line_chars=64 * 1024)
    path = tmp_path / "line.csv"
    path.write_text("Code;Qte\n" + "x" * (8 << 20), encoding="ascii")
    tracemalloc.start()
    try:
        message = refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "line.csv, line 2: length of one line 65,537 is past the limit of 65,536" in message
    assert peak < 2 << 20


def test_a_csv_past_the_file_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lower(monkeypatch, csv_bytes=1000)
    path = tmp_path / "big.csv"
    path.write_text("Code;Qte\n" + "1;2\n" * 1000, encoding="ascii")
    assert "file size 4,009 is past the limit of 1,000" in refusal(path)


def test_a_nul_inside_a_csv_cell_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes("Code;Désignation\n1;Para\x00cétamol\n".encode())
    message = refusal(path)
    assert message.startswith("nul.csv, line 2, column B: the text holds a NUL")
    assert "\x00" not in message


def test_a_nul_inside_a_workbook_cell_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "nul.xlsx"
    path.write_bytes(
        xlsx(
            sheet_xml(
                HEADINGS, '<row r="4"><c r="C4" t="inlineStr"><is><t>a_x0000_b</t></is></c></row>'
            )
        )
    )
    assert refusal(path).startswith("nul.xlsx, line 4, column C: the text holds a NUL")


def test_tab_and_newline_inside_text_cells_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text('Code;Note\n1;"a\tb\nc"\n', encoding="utf-8")
    assert read_grid(path).rows[1] == ["1", "a\tb\nc"]


def test_a_file_of_nul_bytes_gets_a_short_message_without_echo(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"\x00" * 4096)
    assert refusal(path) == "nul.csv: the file holds only NUL bytes; it is not a CSV file"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1252"])
def test_csv_in_utf16_with_or_without_bom_is_read_with_clean_headings(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("Code UCD;Désignation;Qté\n3400930000001;Paracétamol;12\n", encoding=encoding)
    table = read_table(path, header_hint=frozenset({"codeucd"}))
    assert table.headers == ("Code UCD", "Désignation", "Qté")
    assert table.rows[0].cells == ("3400930000001", "Paracétamol", "12")


def test_utf32_csv_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("Code;Qté\n1;2\n", encoding="utf-32")
    assert refusal(path) == "stock.csv: UTF-32 text is not read; save the file as CSV UTF-8"


def test_an_unclosed_quote_is_refused_instead_of_swallowing_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('Code;Note\n1;"open\n2;x\n3;y\n', encoding="utf-8")
    assert "not a readable CSV" in refusal(path)


def test_ods_value_repeated_over_a_huge_block_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "block.ods"
    path.write_bytes(ods(ods_row(ods_cell(7, 16_384), 1_048_576)))
    assert "content.xml: number of columns 16,384" in refusal(path)


def test_ods_empty_repeats_after_the_data_are_not_counted(tmp_path: Path) -> None:
    # LibreOffice writes a million empty rows and a thousand empty cells after the data.
    empty_cells = '<table:table-cell table:number-columns-repeated="1021"/>'
    data = ods_row(ods_cell("Code") + ods_cell("Qté") + empty_cells)
    data += ods_row(ods_cell("A1") + ods_cell(3) + empty_cells)
    data += ods_row(empty_cells, 1_048_574)
    path = tmp_path / "libreoffice.ods"
    path.write_bytes(ods(data))
    rows = [row for row in read_grid(path).rows if any(row)]
    assert rows[0][:2] == ["Code", "Qté"] and rows[1][:2] == ["A1", 3.0]


def test_a_sheet_without_cell_references_is_measured_by_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lower(monkeypatch, columns=50)
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData><row>" + "<c><v>1</v></c>" * 51 + "</row></sheetData></worksheet>"
    )
    path = tmp_path / "norefs.xlsx"
    path.write_bytes(xlsx(sheet))
    assert "number of columns 51 is past the limit of 50" in refusal(path)


def test_the_shipped_fixtures_still_read(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent.parent / "fixtures" / "stock"
    for name in ("snapshot.xls", "snapshot.ods"):
        assert len(read_grid(fixtures / name).rows) >= 4
    path = tmp_path / "movements.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Date", "Code", "Qté sortie"])
        writer.writerows([["01/01/2025", f"P{i}", i] for i in range(5000)])
    assert len(read_grid(path).rows) == 5001


def test_the_year_of_movements_for_5000_products_fits_the_limits() -> None:
    # One movement a day for each of 5,000 products: 1,825,000 rows, 8 columns (docs/limits.md).
    rows, columns, line_bytes = 5_000 * 365, 8, 120
    assert rows < limits.LIMITS.rows
    assert rows * columns < limits.LIMITS.cells
    assert rows * line_bytes < limits.LIMITS.csv_bytes


def test_the_refusal_is_an_input_file_error_with_the_limit_in_its_parameters(
    tmp_path: Path,
) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, '<row r="2"><c r="AMK2"><v>1</v></c></row>')))
    with pytest.raises(InputFileError) as caught:
        read_grid(path)
    issue = caught.value.issues[0]
    assert (issue.code, issue.params) == ("past_limit", {"limit": "columns", "found": 1025})


def test_the_zip_checks_read_only_the_directory_for_a_bomb(tmp_path: Path) -> None:
    good = xlsx(sheet_xml(HEADINGS))
    path = tmp_path / "declared.xlsx"
    path.write_bytes(with_declared_size(good, "xl/worksheets/sheet1.xml", 3 << 30))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 3 << 30
    assert "uncompressed size of one part 3,221,225,472" in refusal(path)


def test_a_few_cells_spread_over_a_huge_rectangle_are_refused_as_stray_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stray.xlsx"
    path.write_bytes(
        xlsx(sheet_xml(HEADINGS, '<row r="1000000"><c r="Y1000000"><v>1</v></c></row>'))
    )
    assert path.stat().st_size < 2048
    message = refusal(path)
    assert "empty cells for each filled one 3,571,428 is past the limit of 100" in message
    assert "delete the stray cells" in message


def test_a_stray_cell_near_the_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "near.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, '<row r="900"><c r="Z900"><v>1</v></c></row>')))
    assert len(read_grid(path).rows) == 900


def test_formatted_empty_rows_far_below_the_table_do_not_refuse_it(tmp_path: Path) -> None:
    # Excel writes a <row> without cells for a formatted row: calamine ignores it, so do we.
    empty_rows = "".join(
        f'<row r="{r}" s="1" customFormat="1"/>' for r in range(1_048_000, 1_048_577)
    )
    path = tmp_path / "formatted.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, empty_rows)))
    assert read_grid(path).rows == [
        ["Code UCD", "Désignation", "Qté"],
        ["3400930000001", "Paracétamol", 12.0],
    ]


def test_a_far_cell_written_before_the_table_is_still_found(tmp_path: Path) -> None:
    # Rows out of order: the last cell of the part is not the farthest one.
    early = '<row r="999999"><c r="Y999999"><v>1</v></c></row>'
    sheet = sheet_xml(HEADINGS).replace("<sheetData>", f"<sheetData>{early}")
    path = tmp_path / "early.xlsx"
    path.write_bytes(xlsx(sheet))
    assert "empty cells for each filled one" in refusal(path)


def test_row_numbers_written_with_leading_zeros_are_read(tmp_path: Path) -> None:
    # The quick row bound counts the digits as written: 0000002 sends the sheet to the exact
    # pass, which reads it as row 2.
    sheet = sheet_xml(HEADINGS).replace('<row r="2"', '<row r="0000002"')
    path = tmp_path / "zeros.xlsx"
    path.write_bytes(xlsx(sheet))
    assert read_grid(path).rows[1] == ["3400930000001", "Paracétamol", 12.0]


def test_a_row_of_ten_digits_is_refused_before_calamine_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    far = '<row r="1234567890"><c r="A1234567890"><v>1</v></c></row>'
    path = tmp_path / "ten.xlsx"
    path.write_bytes(xlsx(sheet_xml(HEADINGS, far)))
    monkeypatch.setattr("python_calamine.load_workbook", _calamine_must_not_run)
    assert "number of rows 1,234,567,890 is past the limit" in refusal(path)
