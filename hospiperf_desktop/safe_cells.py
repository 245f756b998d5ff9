"""Cells that can never become formulas: the one place every xlsx and CSV writer goes through.

Text in our workbooks comes from users, imported files and other establishments' bundles. A
spreadsheet must show it, never run it:

- **xlsx**: a text cell is written as text (an inline string, `t="inlineStr"`), never as a
  formula (`<f>`) nor an error value, whatever it starts with; text that a spreadsheet would
  read as a formula when the cell is edited also gets Excel's "quote prefix" style, so that
  editing it keeps it text. Numbers, dates and booleans stay what they are.
- **CSV**: OWASP's CSV-injection guidance: a text field starting with `=`, `+`, `-`, `@`, a
  tab or a carriage return (or their full-width forms, or any of them after leading spaces)
  is prefixed with a single quote, and every text field is quoted. Numbers are written bare,
  so a negative number stays a number; only text that looks like one is protected.
- JSON (`finite_only`): inf and NaN become null, never `Infinity`, which is not JSON.
- Both: control characters that XML cannot hold (NUL…) and unpaired surrogates become U+FFFD,
  so that old data stored before input refused them never makes an export fail; non-finite
  numbers (inf, NaN) become empty cells.

The workbooks we write hold no formula of our own (data validations carry theirs in the
validation, not in cells), so after `save_workbook` no cell of ours holds `<f>` at all.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hospiperf_desktop.files import write_atomically

# Characters a spreadsheet reads as the start of a formula (OWASP), with their full-width
# forms, which some spreadsheets normalise.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Leading characters a spreadsheet may skip before looking for the formula sign.
_LEADING_BLANKS = " \u00a0\u3000"
# What XML 1.0 cannot hold (openpyxl refuses it with IllegalCharacterError), and lone
# surrogates, which cannot be encoded in UTF-8.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"
XLSX_TEXT_LIMIT = 32_767  # characters in one Excel cell


def clean_text(text: str) -> str:
    """`text` with every character XML cannot hold replaced by U+FFFD."""
    return _ILLEGAL.sub(REPLACEMENT, text)


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet could take `text` for a formula (or a DDE call)."""
    stripped = text.lstrip(_LEADING_BLANKS)
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- xlsx ------------------------------------------------------------------------------------


def xlsx_value(value: Any) -> Any:
    """A value ready for an openpyxl cell: clean text, finite numbers, other values as given."""
    if isinstance(value, str):
        return clean_text(value)[:XLSX_TEXT_LIMIT]
    return _finite_or_none(value)


def as_text(cell: Any) -> None:
    """Make a cell holding a string a text cell, whatever openpyxl inferred from its content."""
    if isinstance(cell.value, str) and cell.data_type in ("f", "e"):
        cell.data_type = "s"
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.quotePrefix = True


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append(values)` with every value made safe and every string kept as text."""
    row = [xlsx_value(v) for v in values]
    sheet.append(row)
    if not row:
        return
    line = sheet.max_row
    for column, value in enumerate(row, start=1):
        if isinstance(value, str):
            as_text(sheet.cell(line, column))


def neutralise_workbook(workbook: Any) -> None:
    """Turn every formula or error cell holding a string back into text (belt and braces)."""
    for sheet in workbook.worksheets:
        # The cells that exist: iter_rows() would create every empty cell of the used range.
        for cell in list(sheet._cells.values()):
            if cell.data_type in ("f", "e"):
                as_text(cell)


def save_workbook(workbook: Any, path: Path) -> None:
    """Neutralise, then save all or nothing (files.write_atomically)."""
    neutralise_workbook(workbook)

    def save(target: str) -> None:
        workbook.save(target)

    write_atomically(path, save)


# --- CSV -------------------------------------------------------------------------------------


def csv_field(value: Any) -> Any:
    """A CSV field: numbers as they are (non-finite ones empty), text cleaned and protected."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        value = _finite_or_none(value)
        return "" if value is None else value
    text = clean_text(str(value))
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> bytes:
    """UTF-8 CSV (with BOM, for Excel), CRLF lines, every text field quoted and protected."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC
    )
    for row in rows:
        writer.writerow([csv_field(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- JSON ------------------------------------------------------------------------------------


# What no text of a JSON document we send or accept may hold: control characters (tab, line
# feed and carriage return aside), DEL and lone surrogates. The ARS refuses them
# (bundles/payload.py); the bundle replaces them, so an old stored NUL never blocks a send.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_json_texts(value: Any) -> Any:
    """`value` with CONTROL_IN_TEXT replaced by U+FFFD in every string, keys included."""
    if isinstance(value, str):
        return CONTROL_IN_TEXT.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {clean_json_texts(k): clean_json_texts(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json_texts(v) for v in value]
    return value


def finite_only(value: Any, replaced: list[str] | None = None, where: str = "$") -> Any:
    """`value` (dicts, lists, tuples) with every inf or NaN replaced by None, so that
    `json.dumps(..., allow_nan=False)` holds; the path of each replacement goes to `replaced`."""
    if isinstance(value, float) and not math.isfinite(value):
        if replaced is not None:
            replaced.append(where)
        return None
    if isinstance(value, dict):
        return {k: finite_only(v, replaced, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_only(v, replaced, f"{where}[{i}]") for i, v in enumerate(value)]
    return value
