"""Read a simple table (header row, then data rows) from CSV or XLSX, keeping positions.

Imports validate rows against their own rules; this module only gets the cells out, with the
line number and column letter each came from, so that every message can name them.
CSV files may use ';' or ',' and be UTF-8 (with or without BOM) or Windows-1252.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.french import without_accents

CSV_ENCODINGS = ("utf-8-sig", "cp1252")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    file: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    header_line: int = 1

    def column_name(self, index: int) -> str:
        return f"{column_letter(index)} ({self.headers[index]})"

    def issue(
        self, row: Row | None, index: int | None, message: str, code: str, **params: Any
    ) -> SourceIssue:
        column = self.column_name(index) if index is not None else None
        return SourceIssue(self.file, row.line if row else None, column, message, code, params)


def _decode(raw: bytes, name: str) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileImportError(
        [SourceIssue(name, None, None, "text encoding not recognised", "encoding")]
    )


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    text = _decode(path.read_bytes(), path.name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged or foreign file
        issue = SourceIssue(path.name, None, None, f"not a readable xlsx: {err}", "unreadable")
        raise FileImportError([issue]) from err
    try:
        ws = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.worksheets[0]
        return [(n, list(values)) for n, values in enumerate(ws.iter_rows(values_only=True), 1)]
    finally:
        workbook.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(
    path: Path, *, sheet: str | None = None, header_hint: frozenset[str] = frozenset()
) -> Table:
    """The table in `path`; its header is the first row holding one of `header_hint` (folded)."""
    if not path.is_file():
        raise FileImportError(
            [SourceIssue(str(path), None, None, "file not found", "file_not_found")]
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path, sheet)
    else:
        raise FileImportError(
            [SourceIssue(path.name, None, None, "expected a .csv or .xlsx file", "file_type")]
        )
    raw = [(line, cells) for line, cells in raw if not all(_blank(c) for c in cells)]
    header_at = next(
        (i for i, (_, cells) in enumerate(raw) if {fold(c) for c in cells} & header_hint), 0
    )
    if not raw:
        raise FileImportError(
            [SourceIssue(path.name, None, None, "the file is empty", "empty_file")]
        )
    header_line, header_cells = raw[header_at]
    headers = tuple("" if c is None else str(c).strip() for c in header_cells)
    rows = tuple(Row(line, tuple(cells)) for line, cells in raw[header_at + 1 :])
    return Table(path.name, headers, rows, header_line)


def fold(value: Any) -> str:
    """Compare headers and codes ignoring case, accents, spaces and punctuation."""
    if value is None:
        return ""
    return "".join(c for c in without_accents(str(value)) if c.isalnum())
