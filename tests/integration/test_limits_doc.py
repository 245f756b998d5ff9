"""docs/limits.md: its example message is what the CLI prints for the example file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hospiperf_desktop.jsonfiles import MAX_JSON_BYTES, MAX_JSON_DEPTH
from hospiperf_desktop.limits import LIMITS

ROOT = Path(__file__).parent.parent.parent
PAGE = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")


def test_the_example_message_of_the_limits_page_is_what_the_cli_prints(tmp_path: Path) -> None:
    example = " ".join(PAGE.split("```")[1].split())
    command = PAGE.split("```")[-2].split()
    assert command[:4] == ["hospiperf", "stock", "preview", "--kind"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hospiperf_desktop",
            "--db",
            str(tmp_path / "db.sqlite"),
            *command[1:],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr == f"hospiperf: error: {example}\n"


def test_the_limits_table_gives_the_values_the_readers_use() -> None:
    table = {
        row.split("|")[1].strip(): row.split("|")[2].strip()
        for row in PAGE.splitlines()
        if row.startswith("| ") and not row.startswith("| Limit")
    }
    assert table["Rows"] == f"{LIMITS.rows:,}"
    assert table["Columns"] == f"{LIMITS.columns:,}"
    assert table["Cells (rows × columns of the rectangle read)"] == f"{LIMITS.cells:,}"
    assert table["Empty cells for each filled one (sheets over 1,000,000 cells)"] == str(
        LIMITS.sparse_ratio
    )
    assert LIMITS.sparse_area == 1_000_000
    assert table["Text in one cell"] == f"{LIMITS.cell_chars:,} characters"
    assert table["CSV file size"] == f"{LIMITS.csv_bytes >> 20} MiB"
    assert (
        table["Workbook file size (xlsx, xlsm, xls, ods)"] == f"{LIMITS.workbook_bytes >> 20} MiB"
    )
    assert table["Uncompressed size of one zip part"] == f"{LIMITS.zip_entry_bytes >> 20} MiB"
    assert table["Uncompressed size of all parts"] == f"{LIMITS.zip_total_bytes >> 20} MiB"
    assert table["Parts in a zip"] == f"{LIMITS.zip_entries:,}"
    assert table["Compression ratio of a part (above 1 MiB)"] == str(LIMITS.zip_ratio)
    assert table["One CSV line"] == f"{LIMITS.line_chars >> 20} MiB"
    assert re.match(rf"{MAX_JSON_BYTES >> 20} MiB", table["JSON file"])
    assert table["JSON nesting depth"] == str(MAX_JSON_DEPTH)
