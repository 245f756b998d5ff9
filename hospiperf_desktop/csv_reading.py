"""CSV files streamed line by line within the read limits, whatever their text encoding.

The file is never read whole: lines come one at a time (each at most `line_chars` long), so
a gigabyte of separators or one endless line is refused at the line that passes a limit.
UTF-8 (with or without BOM), UTF-16 (with BOM, or recognised by its zero bytes) and
Windows-1252 are read; other binary content, NUL bytes included, is refused without being
echoed.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from hospiperf_desktop import limits
from hospiperf_desktop.errors import InputFileError, SourceIssue
from hospiperf_desktop.limits import past_limit
from hospiperf_desktop.read_checks import CONTROL, control_character_issue

HEAD_BYTES = 64 * 1024


def _refuse(file: str, message: str, code: str, line: int | None = None) -> InputFileError:
    return InputFileError([SourceIssue(file, line, None, message, code)])


def sniff_encoding(head: bytes, file: str) -> tuple[str, ...]:
    """The encodings to try, in order, from the first bytes of the file."""
    if head.startswith(b"\xef\xbb\xbf"):
        return ("utf-8-sig",)
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _refuse(file, "UTF-32 text is not read; save the file as CSV UTF-8", "encoding")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    sample = head[:4096]
    if b"\x00" in sample:
        utf16 = _utf16_without_bom(sample)
        if utf16 is not None:
            return (utf16,)
        if sample.count(0) == len(sample):
            raise _refuse(file, "the file holds only NUL bytes; it is not a CSV file", "binary")
        if sample.count(0) > max(len(sample) // 10, 16):
            raise _refuse(
                file, "binary content (NUL bytes): not a CSV text file; export it again", "binary"
            )
        # A few NUL bytes in a text file: the line check names the line and column.
    return ("utf-8", "cp1252")


LATIN_END = 0x250  # Basic Latin, Latin-1, Latin Extended-A and -B


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the sample reads as text in one of them, else None.

    Each byte order is tried, and the one whose text is mostly Latin (the separators, line
    ends, digits and letters of a French table are) wins: a zero byte alone cannot tell, since
    a letter such as 'Ā' (U+0100) puts its zero on the other side."""
    even = sample[: len(sample) - len(sample) % 2]
    if len(even) < 2:
        return None
    scores: dict[str, float] = {}
    for encoding in ("utf-16-le", "utf-16-be"):
        text = even.decode(encoding, errors="replace")
        latin = sum(
            ord(c) < LATIN_END and (unicodedata.category(c)[0] != "C" or c in "\r\n\t")
            for c in text
        )
        scores[encoding] = latin / len(text)
    best = max(scores, key=lambda e: scores[e])
    other = min(scores, key=lambda e: scores[e])
    return best if scores[best] >= 0.5 and scores[best] > scores[other] else None


def _delimiter(head: bytes, encoding: str) -> str:
    """The separator the first lines use most: a title line above the table may hold a comma."""
    text = head.decode(encoding, errors="ignore")[:20_000]
    lines = text.split("\n", 30)[:30]
    semicolons = sum(line.count(";") for line in lines)
    return ";" if semicolons >= sum(line.count(",") for line in lines) else ","


def _lines(handle: IO[str], file: str, delimiter: str) -> Iterator[str]:
    longest = limits.LIMITS.line_chars
    most = limits.LIMITS.rows
    number = 0
    while line := handle.readline(longest + 1):
        number += 1
        if len(line) > longest:
            raise past_limit(file, "line_chars", len(line), line=number)
        if number > most:
            raise past_limit(file, "rows", number, line=number)
        found = CONTROL.search(line)
        if found:
            raise control_character_issue(file, number, _column_of(line, found.start(), delimiter))
        yield line


def _column_of(line: str, offset: int, delimiter: str) -> str | None:
    from hospiperf_desktop.tabular import column_letter

    before = line[:offset]
    try:
        cells = next(csv.reader([before], delimiter=delimiter), [""])
    except csv.Error:
        return None
    return column_letter(max(len(cells) - 1, 0))


def read_csv_grid(path: Path) -> tuple[list[list[Any]], list[int], bool]:
    """Rows (blanks kept), the line each starts on, and whether ',' separates the cells."""
    size = path.stat().st_size
    if size > limits.LIMITS.csv_bytes:
        raise past_limit(path.name, "csv_bytes", size)
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    for encoding in sniff_encoding(head, path.name):
        delimiter = _delimiter(head, encoding)
        try:
            rows, lines = _read(path, encoding, delimiter)
        except UnicodeDecodeError:
            continue
        return rows, lines, delimiter == ","
    raise _refuse(path.name, "text encoding not recognised", "encoding")


def _read(path: Path, encoding: str, delimiter: str) -> tuple[list[list[Any]], list[int]]:
    file = path.name
    previous = csv.field_size_limit(limits.LIMITS.cell_chars)
    rows: list[list[Any]] = []
    lines: list[int] = []
    ended = 0  # the line the previous record ended on
    cells = 0
    try:
        with path.open(encoding=encoding, newline="") as handle:
            lines_in = _lines(handle, file, delimiter)
            reader = csv.reader(lines_in, delimiter=delimiter, strict=True)
            for row in reader:
                cells += len(row)
                if len(row) > limits.LIMITS.columns:
                    raise past_limit(file, "columns", len(row), line=ended + 1)
                if cells > limits.LIMITS.cells:
                    raise past_limit(file, "cells", cells, line=ended + 1)
                rows.append(row)
                # A record starts on the line after the previous one ended, even when a
                # quoted cell spans several lines.
                lines.append(ended + 1)
                ended = reader.line_num
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise past_limit(
                file, "cell_chars", limits.LIMITS.cell_chars + 1, line=ended + 1
            ) from None
        raise _refuse(file, f"not a readable CSV: {err}", "unreadable", ended + 1) from None
    finally:
        csv.field_size_limit(previous)
    return rows, lines
