"""The limits every reader checks before it allocates (the reasons are in docs/limits.md).

The readers read `LIMITS` when they run, so a test can lower it (`monkeypatch.setattr`) to
exercise a limit with a small file. A file past a limit is refused with a message that says
which limit, the value found and how to split or clean the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from hospiperf_desktop.errors import InputFileError, SourceIssue

MIB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    csv_bytes: int = 512 * MIB
    workbook_bytes: int = 256 * MIB
    zip_entry_bytes: int = 512 * MIB  # one uncompressed part of an xlsx/ods (a sheet's XML)
    zip_total_bytes: int = 768 * MIB  # all uncompressed parts together
    zip_entries: int = 10_000
    zip_ratio: int = 100  # uncompressed / compressed, for parts larger than 1 MiB
    rows: int = 2_000_000
    columns: int = 1_024
    cells: int = 25_000_000  # rows × columns of the rectangle a reader allocates
    sparse_area: int = 1_000_000  # a rectangle this large must be mostly filled…
    sparse_ratio: int = 100  # …with at most this many empty cells for each filled one
    cell_chars: int = 32_767  # Excel's own limit for one cell
    line_chars: int = 1 * MIB  # one physical line of a CSV file


LIMITS = ReadLimits()

HINTS = {
    "csv_bytes": "split the file into several files (for instance one per quarter)",
    "workbook_bytes": "split the workbook into several files (for instance one per quarter)",
    "zip_entry_bytes": "split the sheet into several files (for instance one per quarter)",
    "zip_total_bytes": "keep only the sheet to import, or split it into several files",
    "zip_entries": "save only the sheet to import in a new workbook",
    "zip_ratio": "open the workbook and save it again with your spreadsheet software",
    "rows": "split the file into several files (for instance one per quarter)",
    "columns": "keep only the columns to import, or delete the empty columns on the right",
    "cells": "keep only the columns to import, then split the rows into several files",
    "sparse_ratio": "delete the stray cells far below or to the right of the table "
    "(Ctrl+End in the spreadsheet shows the last one)",
    "cell_chars": "shorten the text of that cell",
    "line_chars": "check that the file is a CSV export; a line this long is not a table row",
}

DESCRIPTIONS = {
    "csv_bytes": "file size",
    "workbook_bytes": "file size",
    "zip_entry_bytes": "uncompressed size of one part",
    "zip_total_bytes": "uncompressed size of the workbook",
    "zip_entries": "number of parts in the workbook",
    "zip_ratio": "compression ratio",
    "rows": "number of rows",
    "columns": "number of columns",
    "cells": "number of cells (rows × columns)",
    "sparse_ratio": "empty cells for each filled one",
    "cell_chars": "length of one cell",
    "line_chars": "length of one line",
}


def past_limit(
    file: str,
    name: str,
    found: int,
    *,
    line: int | None = None,
    column: str | None = None,
    where: str | None = None,
) -> InputFileError:
    """The refusal of a file past the limit `name` (a field of ReadLimits)."""
    limit = getattr(LIMITS, name)
    message = (
        f"{DESCRIPTIONS[name]} {found:,} is past the limit of {limit:,} "
        f"(see docs/limits.md); {HINTS[name]}"
    )
    issue = SourceIssue(
        file, line, column, message, "past_limit", {"limit": name, "found": found}, where
    )
    return InputFileError([issue])
