"""Checks shared by the table readers: a workbook before it is opened, cells once read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hospiperf_desktop import limits
from hospiperf_desktop.errors import InputFileError, SourceIssue
from hospiperf_desktop.limits import past_limit

# NUL and the other C0 controls, and DEL; tab, line feed and carriage return are text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_workbook(path: Path) -> bool:
    """Refuse a workbook past a read limit before any reader allocates for it.

    True when the cells, once read, must be checked one by one (`check_cells`): an .xls, or a
    zip workbook whose XML holds a control character or a long text run.
    """
    from hospiperf_desktop import ods_checks, workbook_checks, xls_checks

    size = path.stat().st_size
    if size > limits.LIMITS.workbook_bytes:
        raise past_limit(path.name, "workbook_bytes", size)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return workbook_checks.check_xlsx(path).cells_to_check
    if suffix == ".ods":
        return ods_checks.check_ods(path).cells_to_check
    xls_checks.check_xls(path)
    return True


def control_character_issue(file: str, line: int, column: str | None) -> InputFileError:
    return InputFileError(
        [
            SourceIssue(
                file,
                line,
                column,
                "the text holds a NUL or another control character; remove it "
                "(save the file again from its software, as CSV UTF-8 or xlsx)",
                "control_character",
            )
        ]
    )


def check_cells(file: str, rows: list[list[Any]]) -> None:
    """Refuse a cell holding a control character or more text than a cell may hold."""
    from hospiperf_desktop.tabular import column_letter

    longest = limits.LIMITS.cell_chars
    for index, row in enumerate(rows):
        texts = [cell for cell in row if cell.__class__ is str]
        if not texts:
            continue
        joined = "".join(texts)
        if len(joined) <= longest and not CONTROL.search(joined):
            continue
        for column, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            if len(cell) > longest:
                raise past_limit(
                    file, "cell_chars", len(cell), line=index + 1, column=column_letter(column)
                )
            if CONTROL.search(cell):
                raise control_character_issue(file, index + 1, column_letter(column))
