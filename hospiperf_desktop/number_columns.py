"""How a file writes its numbers, column by column, and the one thing only a person can decide.

In a file whose cells are separated by `;` (French software), "1.500,00" is 1 500 and "12,5"
is twelve and a half; but "1.500" alone (one dot, three digits after it) is 1,5 to software
that writes a decimal point and 1 500 to software that groups thousands with dots. A column's
other cells often tell ("2.5" or "0.125": the dot is decimal; "1.234.567", "1.500,00" or "12,5":
it groups thousands). When none does, the column is ambiguous and the user chooses.
Comma-separated files are English: a dot there is always a decimal point.

Shared by the stock import (`stock/reading.py`) and the activity import (`activity/sheets.py`),
so that a file's numbers are read by the same rules whichever import reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hospiperf_desktop.errors import SourceIssue
from hospiperf_desktop.stock.cells import AMBIGUOUS_DOT, SPACES, CellError, parse_number
from hospiperf_desktop.tabular import column_letter

SAMPLES = 4  # cells shown per column, ambiguous ones first
_NUMBER_LIKE = re.compile(r"^[+-]?[\d.,]+$")
# Among a column's first cells, how many must be numbers for the preview to describe it.
_PROBE = 50


class DotChoice(StrEnum):
    """What a lone dot followed by three digits means in a file, when its columns cannot tell."""

    DECIMAL = "decimal"
    THOUSANDS = "thousands"


class Reading(StrEnum):
    PLAIN = "plain"  # no cell whose meaning depends on the dot
    DECIMAL = "decimal"  # the column's own cells show a decimal point
    THOUSANDS = "thousands"  # they show dots grouping thousands
    AMBIGUOUS = "ambiguous"  # "1.500" and nothing to tell


def dot_evidence(text: str) -> Reading | None:
    """What one text cell says about the dot: AMBIGUOUS, DECIMAL, THOUSANDS or None (nothing)."""
    compact = text.strip().translate(SPACES)
    if not _NUMBER_LIKE.match(compact):
        return None
    dots, commas = compact.count("."), compact.count(",")
    if dots and commas:
        return Reading.THOUSANDS if compact.rfind(",") > compact.rfind(".") else Reading.DECIMAL
    if dots > 1:
        return Reading.THOUSANDS
    if dots == 1:
        return Reading.AMBIGUOUS if AMBIGUOUS_DOT.match(compact) else Reading.DECIMAL
    # A decimal comma: the dot, if the column has one, cannot be the decimal separator.
    return Reading.THOUSANDS if commas == 1 else None


@dataclass(frozen=True)
class NumberSample:
    """One cell: its text, and what it reads as with a decimal point or thousands dots."""

    line: int
    text: str
    as_decimal: float
    as_thousands: float

    @property
    def ambiguous(self) -> bool:
        return self.as_decimal != self.as_thousands


@dataclass(frozen=True)
class ColumnNumbers:
    index: int
    heading: str
    reading: Reading
    samples: tuple[NumberSample, ...]
    ambiguous_count: int = 0

    @property
    def column(self) -> str:
        return f"{column_letter(self.index)} ({self.heading})"

    def dot_groups_thousands(self, choice: DotChoice | None) -> bool:
        if self.reading is Reading.AMBIGUOUS:
            return choice is DotChoice.THOUSANDS
        return self.reading is Reading.THOUSANDS

    def value(self, sample: NumberSample, choice: DotChoice | None) -> float:
        return sample.as_thousands if self.dot_groups_thousands(choice) else sample.as_decimal

    def needs_choice(self, choice: DotChoice | None) -> bool:
        return self.reading is Reading.AMBIGUOUS and choice is None

    def issue(self, file: str) -> SourceIssue:
        """The refusal of an ambiguous column, naming it and a line where it shows."""
        sample = next(s for s in self.samples if s.ambiguous)
        return SourceIssue(
            file,
            sample.line,
            self.column,
            f"'{sample.text}' could be {_plain(sample.as_decimal)} or "
            f"{_plain(sample.as_thousands)}: nothing in the column says whether a dot is a "
            "decimal point or a thousands separator; choose one",
            "ambiguous_number",
            {"value": sample.text, "count": self.ambiguous_count},
        )


def _plain(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def read_column(
    rows: Iterable[tuple[int, Sequence[Any]]], index: int, heading: str, comma_separated: bool
) -> ColumnNumbers:
    """Every cell of column `index` looked at once: its reading and a few samples."""
    ambiguous: list[NumberSample] = []
    others: list[NumberSample] = []
    seen: set[Reading] = set()
    count = 0
    for line, cells in rows:
        if index >= len(cells):
            continue
        raw = cells[index]
        if type(raw) is str:
            if "." in raw or "," in raw:
                evidence = None if comma_separated else dot_evidence(raw)
                if evidence is Reading.AMBIGUOUS:
                    count += 1
                    if len(ambiguous) < SAMPLES:
                        _add(ambiguous, line, raw, comma_separated)
                    continue
                if evidence is not None:
                    seen.add(evidence)
            elif not raw.strip():
                continue
        elif type(raw) is not float and type(raw) is not int:
            continue
        if len(others) < SAMPLES:
            _add(others, line, raw, comma_separated)
    reading = Reading.PLAIN
    if count:
        # The column's other cells decide, when they agree; else the user does.
        reading = seen.pop() if len(seen) == 1 else Reading.AMBIGUOUS
    return ColumnNumbers(index, heading, reading, tuple((ambiguous + others)[:SAMPLES]), count)


def _add(samples: list[NumberSample], line: int, raw: Any, comma_separated: bool) -> None:
    try:
        as_decimal = parse_number(raw, comma_separated)
        as_thousands = parse_number(raw, comma_separated, not comma_separated)
    except CellError:
        return  # the import names it with its line and column
    samples.append(NumberSample(line, str(raw).strip(), as_decimal, as_thousands))


def looks_numeric(rows: Sequence[tuple[int, Sequence[Any]]], index: int) -> bool:
    """Most of the column's first non-blank cells are numbers (else the preview skips it)."""
    numbers = texts = 0
    for _line, cells in rows:
        if index >= len(cells) or cells[index] is None or cells[index] == "":
            continue
        raw = cells[index]
        texts += 1
        try:
            parse_number(raw)
            numbers += 1
        except CellError:
            pass
        if texts >= _PROBE:
            break
    return texts > 0 and numbers * 2 > texts


def ambiguity_issues(
    file: str, columns: Iterable[ColumnNumbers], choice: DotChoice | None
) -> list[SourceIssue]:
    return [c.issue(file) for c in columns if c.needs_choice(choice)]
