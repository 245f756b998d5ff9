"""The regional views as a workbook: one sheet per view, sortable with filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hospiperf_desktop.safe_cells import append_row, save_workbook

SHEETS = (
    ("establishments", "Établissements"),
    ("diagnostic_scores", "Scores diagnostics"),
    ("work_units", "Unités d'œuvre"),
    ("coverage", "Couverture de stock"),
    ("stock_unusual", "Stock inhabituel justifié"),
    ("purchasing", "Gains achats"),
    ("checks", "Contrôles avant envoi"),
    ("bundles", "Paquets reçus"),
)


def write_report_workbook(report: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for key, title in SHEETS:
        rows = report[key]
        sheet = workbook.create_sheet(title)
        headings = list(rows[0]) if rows else ["(vide)"]
        append_row(sheet, headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_row(sheet, [_cell(row[h]) for h in headings])
        for index, heading in enumerate(headings, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
                12, len(heading) + 2
            )
        if rows:
            sheet.auto_filter.ref = sheet.dimensions
        sheet.freeze_panes = "A2"

    save_workbook(workbook, out)


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
