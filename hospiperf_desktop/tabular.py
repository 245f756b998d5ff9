"""Read a simple table (header row, then data rows) from CSV or a workbook, keeping positions.

Imports validate rows against their own rules; this module only gets the cells out, with the
line number and column letter each came from, so that every message can name them.
CSV files may use ';' or ',' and be UTF-8 (with or without BOM), UTF-16 or Windows-1252.
Every file is checked against the read limits (hospiperf_desktop/limits.py, docs/limits.md)
before it is read: a workbook's zip directory and sheet extent, a CSV line by line as it is
streamed; no cell text may hold a NUL or another control character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from hospiperf_desktop.bulk import paused_gc
from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.french import without_accents
from hospiperf_desktop.read_checks import check_cells, check_workbook


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Row(NamedTuple):
    # A named tuple rather than a frozen dataclass: an import builds one per line, and a
    # frozen dataclass costs three times as much to build (100,000-line exports).
    line: int
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    file: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    header_line: int = 1
    preamble: tuple[Row, ...] = ()  # the non-blank lines above the heading (titles)
    comma_separated: bool = False  # a CSV whose cells are separated by ',' (English numbers)

    def column_name(self, index: int) -> str:
        return f"{column_letter(index)} ({self.headers[index]})"

    def issue(
        self, row: Row | None, index: int | None, message: str, code: str, **params: Any
    ) -> SourceIssue:
        column = self.column_name(index) if index is not None else None
        return SourceIssue(self.file, row.line if row else None, column, message, code, params)


@dataclass(frozen=True)
class Grid:
    """Every row of a sheet, blanks kept; `lines[i]` is row i's line (None: line i + 1)."""

    rows: list[list[Any]]
    lines: list[int] | None = None
    comma_separated: bool = False  # a CSV whose cells are separated by ',' (English numbers)

    def line(self, index: int) -> int:
        return self.lines[index] if self.lines is not None else index + 1

    def numbered(self) -> list[tuple[int, list[Any]]]:
        if self.lines is None:
            return list(enumerate(self.rows, 1))
        return list(zip(self.lines, self.rows, strict=True))


def _csv_grid(path: Path) -> Grid:
    from hospiperf_desktop.csv_reading import read_csv_grid

    rows, lines, comma = read_csv_grid(path)
    return Grid(rows, lines, comma_separated=comma)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _protected(path: Path) -> bool:
    """An xlsx/ods saved with a password is an OLE container holding an encrypted package."""
    with path.open("rb") as handle:
        head = handle.read(8)
        if head != _OLE_MAGIC:
            return False
        return "EncryptedPackage".encode("utf-16-le") in handle.read()


def _spreadsheet_grid(path: Path, sheet: str | None) -> Grid:
    from python_calamine import CalamineError, PasswordError, load_workbook

    def refuse(message: str, code: str) -> FileImportError:
        return FileImportError([SourceIssue(path.name, None, None, message, code)])

    if path.suffix.lower() != ".xls" and _protected(path):
        raise refuse("the workbook is protected by a password; save it without one", "password")
    cells_to_check = check_workbook(path)
    try:
        workbook = load_workbook(str(path))
        names = workbook.sheet_names
        chosen = sheet if sheet in names else None
        data = (
            workbook.get_sheet_by_name(chosen) if chosen else workbook.get_sheet_by_index(0)
        ).to_python(skip_empty_area=False)
    except PasswordError as err:
        raise refuse(
            "the workbook is protected by a password; save it without one", "password"
        ) from err
    except (CalamineError, ValueError, OSError, IndexError) as err:
        raise refuse(f"not a readable spreadsheet: {_short(err)}", "unreadable") from err
    except BaseException as err:
        # calamine's panics on a damaged file arrive as pyo3's PanicException (a
        # BaseException); like any other failure of the library, the file is unreadable.
        if not isinstance(err, Exception) and type(err).__name__ != "PanicException":
            raise
        raise refuse(f"not a readable spreadsheet ({type(err).__name__})", "unreadable") from err
    if cells_to_check:
        check_cells(path.name, data)
    return Grid(data)


def _short(err: BaseException) -> str:
    """A library's error text for a message: one line, no control characters, 200 chars."""
    return re.sub(r"[\x00-\x1f\x7f]", "?", str(err))[:200]


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TABLE_SUFFIXES = (".csv", *SPREADSHEET_SUFFIXES)


def read_rows(path: Path, *, sheet: str | None = None) -> list[tuple[int, list[Any]]]:
    """Every row of a CSV file or of a workbook's sheet, with its line number, blanks kept."""
    return read_grid(path, sheet=sheet).numbered()


def read_grid(path: Path, *, sheet: str | None = None) -> Grid:
    """Every row of a CSV file or of a workbook's sheet, blanks kept.

    Workbooks (xlsx, xlsm, xls, ods) are read with calamine: typed cells (float, date,
    datetime, str), '' for an empty cell. A missing, 0-byte, foreign, damaged or
    password-protected file raises `FileImportError`.
    """
    if not path.is_file():
        raise FileImportError(
            [SourceIssue(str(path), None, None, "file not found", "file_not_found")]
        )
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise FileImportError(
            [
                SourceIssue(
                    path.name, None, None, "expected a .csv, .xlsx, .xls or .ods file", "file_type"
                )
            ]
        )
    if path.stat().st_size == 0:
        raise FileImportError(
            [SourceIssue(path.name, None, None, "the file is empty (0 bytes)", "empty_file")]
        )
    return _csv_grid(path) if suffix == ".csv" else _spreadsheet_grid(path, sheet)


def _filled(cells: list[Any]) -> bool:
    """A row holding at least one cell that is not None or blank text (first cell decides
    most rows, so the loop is written out rather than as `all()` over a generator)."""
    for cell in cells:  # noqa: SIM110 (a generator costs more per row)
        if cell is not None and (cell.__class__ is not str or cell.strip()):
            return True
    return False


def read_table(
    path: Path, *, sheet: str | None = None, header_hint: frozenset[str] = frozenset()
) -> Table:
    """The table in `path`; its header is the first row holding one of `header_hint` (folded)."""
    with paused_gc():  # an export of 100,000 lines: a collection walks them all, for nothing
        return _table(path.name, read_grid(path, sheet=sheet), header_hint)


def _table(file: str, grid: Grid, header_hint: frozenset[str]) -> Table:
    numbered = (
        enumerate(grid.rows, 1) if grid.lines is None else zip(grid.lines, grid.rows, strict=True)
    )
    raw = [(line, cells) for line, cells in numbered if _filled(cells)]
    if not raw:
        raise FileImportError([SourceIssue(file, None, None, "the file is empty", "empty_file")])
    found = (i for i, (_, cells) in enumerate(raw) if {fold(c) for c in cells} & header_hint)
    header_at = next(found, 0) if header_hint else 0  # without a hint, no row need be folded
    header_line, header_cells = raw[header_at]
    headers = tuple("" if c is None else str(c).strip() for c in header_cells)
    rows = tuple([Row(line, tuple(cells)) for line, cells in raw[header_at + 1 :]])
    preamble = tuple([Row(line, tuple(cells)) for line, cells in raw[:header_at]])
    return Table(file, headers, rows, header_line, preamble, grid.comma_separated)


def headings_text(headers: list[str] | tuple[str, ...], budget: int = 400) -> str:
    """The non-blank headings as `A 'Code', B 'Qté'`, cut to `budget` characters so that a
    message about a file of a thousand columns stays short."""
    shown = ""
    named = [(i, h) for i, h in enumerate(headers) if h]
    for count, (index, heading) in enumerate(named):
        part = f"{column_letter(index)} '{heading[:60]}'"
        if shown and len(shown) + len(part) > budget:
            return f"{shown}, … and {len(named) - count} more"
        shown = f"{shown}, {part}" if shown else part
    return shown


def fold(value: Any) -> str:
    """Compare headers and codes ignoring case, accents, spaces and punctuation."""
    if value is None:
        return ""
    return "".join(c for c in without_accents(str(value)) if c.isalnum())
