"""docs/questionnaire-workbook.md: the sheets of its example, typed into a workbook, pass the
check and import as the JSON the page shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from integration_support import Cli
from openpyxl import Workbook

from hospiperf_desktop.safe_cells import append_row, save_workbook

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "questionnaire-workbook.md"


def example_workbook(text: str, path: Path) -> Path:
    """The ```sheet NAME blocks of `text` as the sheets of a workbook (cells split on '|')."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, body in re.findall(r"```sheet (\w+)\n(.*?)```", text, re.S):
        sheet = wb.create_sheet(name)
        for line in body.strip("\n").splitlines():
            cells = [cell.strip() for cell in line.split("|")]
            append_row(sheet, [float(c) if c.isdigit() else c or None for c in cells])
    save_workbook(wb, path)
    return path


def test_the_example_of_the_page_checks_and_imports_as_its_json(cli: Cli, tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    workbook = example_workbook(text, tmp_path / "audit-frigos.xlsx")
    code, out, err = cli("diag", "questionnaire", "check", str(workbook))
    assert code == 0, err
    assert "aucun problème — audit-frigos@1.0, 5 items" in out
    code, out, err = cli("diag", "questionnaire", "import", str(workbook), "--json")
    assert code == 0, err
    stated = re.findall(r"```json\n(.*?)```", text, re.S)[-1]
    assert json.loads(out) == json.loads(stated)
    code, out, err = cli("diag", "templates")
    assert "audit-frigos" in out
