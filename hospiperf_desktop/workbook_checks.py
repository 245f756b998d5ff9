"""Checks a workbook against the read limits BEFORE a reader allocates anything for it.

A 1 KB xlsx whose single cell sits at XFD1048576 makes calamine allocate the whole rectangle
(hundreds of gigabytes) and abort the process; a 3 MB zip can expand to a gigabyte of XML.
So before calamine opens an xlsx, xlsm or ods file, this module reads its zip directory
(entry count, uncompressed sizes, compression ratio) and streams the sheets' XML to find how
far the cells reach and how long one text run is, without building any tree:

- xlsx fast path: when every cell carries its reference first (`<c r="B7"`, as Excel,
  LibreOffice, openpyxl and pharmacy exports write it), byte counts and a few regular
  expressions over 1 MiB chunks give the farthest row and column (about half the time
  calamine then takes); any other shape (cells without references, prefixed namespaces) is
  read by expat, element by element, with the positions calamine would give;
- ods: see `ods_checks.py` (expat over content.xml, repeats counted arithmetically);
- xls (BIFF, not compressed): see `xls_checks.py`.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO
from xml.parsers import expat

from hospiperf_desktop import limits
from hospiperf_desktop.errors import InputFileError, SourceIssue
from hospiperf_desktop.limits import past_limit

CHUNK = 1 << 20
# What a damaged zip can raise from zipfile (found by the property tests): a flipped byte
# may claim encryption, an unknown method or version, or break the deflate stream.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    struct.error,
    IndexError,
    UnicodeDecodeError,
)
_CELL_ROW = re.compile(rb'<c r="[A-Z]+([0-9]+)"')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,})[0-9]')
# Control bytes (tab, line feed and carriage return are text).
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([^"]{1,40})"')
_REF = re.compile(r"([A-Z]{1,4})([0-9]{1,9})")


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27 (spreadsheet column names)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def short_reason(err: BaseException) -> str:
    """An error's text for a message: one line, no control characters, at most 120 chars."""
    text = re.sub(r"[\x00-\x1f\x7f]", "?", str(err) or type(err).__name__)
    return text[:120]


def damaged(file: str, reason: str) -> InputFileError:
    return InputFileError(
        [SourceIssue(file, None, None, f"not a readable spreadsheet ({reason})", "unreadable")]
    )


class Extent:
    """How far the cells of one sheet reach, checked against the limits as it grows."""

    def __init__(self, file: str, sheet: str) -> None:
        self.file, self.sheet = file, sheet
        self.rows = 0
        self.columns = 0
        self.filled = 0  # cell elements (or records) met, each costing its own bytes

    def fill(self, cells: int) -> None:
        self.filled += cells

    def finish(self) -> None:
        """Refuse a sheet that is mostly empty: a few cells spread over a huge rectangle.

        Such a sheet costs the reader the whole rectangle (a 1.5 KB file reaching Y1000000
        took 1 GB for a moment), while a real table fills most of its rectangle.
        """
        area = self.rows * self.columns
        if sparse(area, self.filled):
            ratio = area // max(self.filled, 1)
            raise past_limit(self.file, "sparse_ratio", ratio, where=self.sheet)

    def reach(self, row: int, column: int) -> None:
        if row > self.rows:
            self.rows = row
            if row > limits.LIMITS.rows:
                raise past_limit(self.file, "rows", row, where=self.sheet)
        if column > self.columns:
            self.columns = column
            if column > limits.LIMITS.columns:
                raise past_limit(self.file, "columns", column, where=self.sheet)
        if self.rows * self.columns > limits.LIMITS.cells:
            raise past_limit(self.file, "cells", self.rows * self.columns, where=self.sheet)


def sparse(area: int, filled: int) -> bool:
    """A rectangle of `area` cells holding only `filled`: large and mostly empty."""
    return area > limits.LIMITS.sparse_area and area // max(filled, 1) > limits.LIMITS.sparse_ratio


def check_zip(path: Path) -> zipfile.ZipFile:
    """The opened zip of an xlsx/xlsm/ods, once its directory keeps to the limits."""
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as err:
        raise damaged(path.name, f"not a zip package: {short_reason(err)}") from None
    entries = archive.infolist()
    if len(entries) > limits.LIMITS.zip_entries:
        archive.close()
        raise past_limit(path.name, "zip_entries", len(entries))
    total = 0
    for entry in entries:
        total += entry.file_size
        problem = _entry_problem(entry)
        if problem is not None or total > limits.LIMITS.zip_total_bytes:
            archive.close()
            name, found = problem or ("zip_total_bytes", total)
            raise past_limit(path.name, name, found, where=shown_name(entry.filename))
    return archive


def _entry_problem(entry: zipfile.ZipInfo) -> tuple[str, int] | None:
    if entry.file_size > limits.LIMITS.zip_entry_bytes:
        return "zip_entry_bytes", entry.file_size
    if entry.file_size > 1 << 20:
        ratio = entry.file_size // max(entry.compress_size, 1)
        if ratio > limits.LIMITS.zip_ratio:
            return "zip_ratio", ratio
    return None


def shown_name(name: str) -> str:
    return re.sub(r"[^\w./-]", "?", name)[:80]


@dataclass
class Findings:
    """What the scan saw that the cells read must be checked for, one by one, afterwards:
    a control character (raw, or escaped as `_x0000_` or `&#0;`) or a text run longer than
    a cell may hold. Without either, no cell can break those rules and the check is skipped.
    """

    cells_to_check: bool = False


def xml_pieces(handle: IO[bytes], file: str, part: str, findings: Findings) -> Iterator[bytes]:
    """The XML of one part in pieces that each end just before a '<' (no tag is cut).

    A text run (between two tags) longer than a cell may hold is refused here, before any
    reader would build it: the run is found by looking for a '<' in every half-limit block.
    """
    carry = b""
    longest = limits.LIMITS.cell_chars * 4  # UTF-8 takes up to 4 bytes a character
    controls = texts = False
    try:
        for piece in iter(lambda: handle.read(CHUNK), b""):
            buffer = carry + piece
            cut = max(buffer.rfind(b"<"), 0)
            _check_runs(buffer, file, part, findings)
            controls = controls or _may_hold_controls(buffer)
            texts = texts or any(marker in buffer for marker in _TEXT_MARKERS)
            carry = buffer[cut:]
            if len(carry) > longest + CHUNK:
                raise past_limit(file, "cell_chars", len(carry) // 4, where=part)
            if cut:
                yield buffer[:cut]
        if carry:
            _check_runs(carry, file, part, findings)
            yield carry
    except ZIP_ERRORS as err:
        raise damaged(file, f"{part}: {short_reason(err)}") from None
    # A theme may spell a font name with `&#`: only parts holding cell text count.
    findings.cells_to_check = findings.cells_to_check or (controls and texts)


# Elements that hold cell text or values in xlsx (`<t>`, `<v>`, prefixed or not) and ods.
_TEXT_MARKERS = (b"<t>", b"<t ", b"<v>", b":t>", b":t ", b":v>", b"<text:")


def _may_hold_controls(buffer: bytes) -> bool:
    """A control character raw, or escaped the ways xlsx and XML allow (`_x001B_`, `&#27;`).

    Byte searches only (no regular expression): any `_x00` or `&#` makes the cells be
    checked one by one, which is exact; most sheets hold neither.
    """
    return (
        b"_x00" in buffer
        or b"&#" in buffer
        or len(buffer.translate(None, _CONTROL_BYTES)) != len(buffer)
    )


def _check_runs(buffer: bytes, file: str, part: str, findings: Findings) -> None:
    chars = limits.LIMITS.cell_chars
    block = max(chars // 2, 1)
    for start in range(0, len(buffer), block):
        if buffer.find(b"<", start, start + block) != -1:
            continue
        left = buffer.rfind(b">", 0, start) + 1
        right = buffer.find(b"<", start)
        run = (len(buffer) if right == -1 else right) - left
        if run > chars * 4 and right != -1:
            raise past_limit(file, "cell_chars", run // 4, where=part)
        findings.cells_to_check = findings.cells_to_check or run > chars


def check_xlsx(path: Path) -> Findings:
    """Refuse an xlsx/xlsm past a limit: zip directory, declared and actual sheet extent."""
    findings = Findings()
    with check_zip(path) as archive:
        for entry in archive.infolist():
            name = entry.filename
            if not name.lower().endswith(".xml") or entry.is_dir():
                continue
            try:
                _scan_part(archive, entry, path.name, shown_name(name), findings)
            except ZIP_ERRORS as err:
                raise damaged(path.name, f"{shown_name(name)}: {short_reason(err)}") from None
    return findings


def _scan_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, file: str, sheet: str, findings: Findings
) -> None:
    for exact in (False, True):
        try:
            with archive.open(entry) as handle:
                _scan_sheet_fast(handle, file, sheet, findings, exact=exact)
            return
        except _NeedExact:
            continue
        except _Odd:
            break
    with archive.open(entry) as handle:
        _scan_sheet_expat(handle, file, sheet, findings)


class _Odd(Exception):
    """The part does not have the usual shape: the caller reads it with expat."""


class _NeedExact(Exception):
    """The quick bound on the rows is not enough to decide: scan again reading every row."""


def _scan_sheet_fast(
    handle: IO[bytes], file: str, sheet: str, findings: Findings, *, exact: bool
) -> None:
    """The farthest cell of a part written the usual way (every cell's reference first).

    Quick pass: the `<row r="N">` elements (one per row, cheap) give the number of digits of
    the farthest row, and one search shows that no cell reference has more: every cell then
    lies above the next power of ten. When that bound keeps the sheet within the limits (and
    not mostly empty), nothing more is needed; the extent kept is the last cell's, a real
    one, so an empty formatted row far below never refuses a file. Otherwise (`exact`) one
    search proves that no cell names a row past the farthest cell seen, and only if one
    does are all references read. The widest column is found the same way: letters past the
    widest seen so far are searched for, not every reference decoded.
    """
    extent = Extent(file, sheet)
    bound = 0  # every cell's row is at most this (quick pass)
    digits = 1  # no row element or cell seen so far names a row of more digits
    first = True
    for part in xml_pieces(handle, file, sheet, findings):
        if first:
            if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                raise damaged(file, f"{sheet}: a document type declaration is not allowed")
            _check_dimension(part, file, sheet)
            first = False
        cells = part.count(b'<c r="')
        if _PREFIXED_CELL.search(part) or (cells != part.count(b"<c") and not _usual(part, cells)):
            raise _Odd
        if not cells:
            continue
        extent.fill(cells)
        widest = _widest_column(part, extent.columns)
        last = max(extent.rows, _last_cell_row(part))
        if exact:
            extent.reach(_farthest_row(part, last), widest)
            continue
        digits = max(digits, len(str(last)))
        while digits < 10 and _longer_row_element(digits).search(part):
            digits += 1
        bound = max(bound, 10**digits - 1)
        if _longer_row(digits).search(part) or not _within(bound, widest):
            raise _NeedExact
        extent.reach(last, widest)
    if not exact and sparse(bound * extent.columns, extent.filled):
        raise _NeedExact
    extent.finish()


def _last_cell_row(part: bytes) -> int:
    found = _CELL_ROW.match(part, part.rfind(b'<c r="'))
    return int(found[1]) if found else 0


def _within(rows: int, columns: int) -> bool:
    return rows <= limits.LIMITS.rows and rows * columns <= limits.LIMITS.cells


@cache
def _longer_row_element(digits: int) -> re.Pattern[bytes]:
    """A row element numbered with more than `digits` digits (leading zeros count: a bound
    too high only sends the sheet to the exact pass)."""
    return re.compile(f'<row r="[0-9]{{{digits + 1}}}'.encode())


@cache
def _longer_row(digits: int) -> re.Pattern[bytes]:
    return re.compile(f'<c r="[A-Z]{{1,4}}[0-9]{{{digits + 1}}}'.encode())


def _farthest_row(part: bytes, known: int) -> int:
    if _beyond_row(known).search(part):
        return max([known, *map(int, _CELL_ROW.findall(part))])
    return known


@cache
def _beyond_row(row: int) -> re.Pattern[bytes]:
    """A cell reference whose row is past `row`: more digits, or as many and larger."""
    digits = str(row)
    larger = [
        f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{len(digits) - i - 1}}}"
        for i, d in enumerate(digits)
        if d != "9"
    ]
    choices = "|".join([f"[0-9]{{{len(digits) + 1},}}", *larger])
    return re.compile(f'<c r="[A-Z]{{1,4}}(?:{choices})"'.encode())


def _usual(part: bytes, cells: int) -> bool:
    """Every cell element starts with its reference (other elements may start with `<c`)."""
    return part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/>") == cells


def _widest_column(part: bytes, known: int) -> int:
    if _beyond_column(known).search(part) is None:  # one search settles most pieces
        return known
    wide = set(_WIDE_COLUMN.findall(part))
    widest = max((column_number(c.decode("ascii")) for c in wide), default=known)
    widest = max(widest, known)
    while widest < 26:
        found = _single_letter_beyond(widest).search(part)
        if found is None:
            break
        widest = found[1][0] - 64
    return widest


@cache
def _beyond_column(column: int) -> re.Pattern[bytes]:
    """A cell reference that may lie right of `column`: two letters or more, or one letter
    past it (a hit only means the exact search below must run)."""
    single = b"|[" + bytes([65 + column]) + b"-Z]" if column < 26 else b""
    return re.compile(b'<c r="(?:[A-Z]{2}' + single + b")[0-9]")


@cache
def _single_letter_beyond(column: int) -> re.Pattern[bytes]:
    return re.compile(b'<c r="([' + bytes([65 + column]) + b"-Z])[0-9]")


def _check_dimension(part: bytes, file: str, sheet: str) -> None:
    found = _DIMENSION.search(part)
    if not found:
        return
    refs = _REF.findall(found.group(1).decode("ascii", "replace").upper())
    if refs:
        letters, digits = refs[-1]
        Extent(file, f"{sheet} (declared dimension)").reach(int(digits), column_number(letters))


def new_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_doctype(*_args: object) -> None:
        raise ValueError("a document type declaration is not allowed")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    return parser


def feed(
    parser: expat.XMLParserType, handle: IO[bytes], file: str, part: str, findings: Findings
) -> None:
    try:
        for piece in xml_pieces(handle, file, part, findings):
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, ValueError) as err:
        raise damaged(file, f"{part}: {err}") from None


def _scan_sheet_expat(handle: IO[bytes], file: str, sheet: str, findings: Findings) -> None:
    """Cell positions as calamine gives them: a reference wins, else the next row/column."""
    extent = Extent(file, sheet)
    position = [0, 0]  # row, column (1-based) of the last row and cell

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        ref = attributes.get("r", "")
        if local == "row":
            position[0] = int(ref) if ref.isdigit() else position[0] + 1
            position[1] = 0
        elif local == "c":
            found = _REF.fullmatch(ref)
            if found:
                position[0], position[1] = int(found[2]), column_number(found[1])
            else:
                position[1] += 1
            extent.fill(1)
            extent.reach(position[0], position[1])
        elif local == "dimension":
            refs = _REF.findall(ref.upper())
            if refs:
                Extent(file, f"{sheet} (declared dimension)").reach(
                    int(refs[-1][1]), column_number(refs[-1][0])
                )

    parser = new_parser()
    parser.StartElementHandler = start
    feed(parser, handle, file, sheet, findings)
    extent.finish()
