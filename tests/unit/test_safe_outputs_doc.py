"""The CSV example of docs/safe-outputs-and-errors.md is what csv_bytes writes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hospiperf_desktop.safe_cells import csv_bytes

DOC = Path(__file__).parents[2] / "docs" / "safe-outputs-and-errors.md"


def test_the_documented_csv_example_is_what_the_application_writes() -> None:
    text = DOC.read_text(encoding="utf-8")
    (row_source,) = re.findall(r"```python\n(.*?)\n```", text, re.DOTALL)
    (expected,) = re.findall(r"```csv\n(.*?)\n```", text, re.DOTALL)
    row = ast.literal_eval(row_source)
    assert csv_bytes([row]).decode("utf-8-sig") == expected + "\r\n"
