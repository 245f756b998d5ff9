"""Answers and plans as spreadsheets: the Excel export, and reading answers back.

The export's "Réponses" sheet is also the import layout, so a team can print or fill it
first and load it later. Reading accepts CSV or XLSX with the columns `item_id`, `answer`,
`comment` (or their French headings: Identifiant, Réponse, Commentaire); an answer is a code
(`yes`, `mostly`, `partly`, `no`, `na`) or its French label. An empty answer leaves the
item's answer as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospiperf_desktop.diagnostics.records import (
    AnswerRecord,
    AnswerRow,
    DiagnosticDetail,
    PlanEntry,
)
from hospiperf_desktop.diagnostics.scoring import ScoreReport
from hospiperf_desktop.diagnostics.template import AnswerCode, Template
from hospiperf_desktop.diagnostics.texts import (
    ANSWER_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    format_date,
    format_score,
)
from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.safe_cells import append_row, save_workbook
from hospiperf_desktop.tabular import Table, fold, read_table

ANSWERS_SHEET = "Réponses"
COLUMNS = {
    "item_id": {"itemid", "identifiant", "item", "id"},
    "answer": {"answer", "reponse", "code"},
    "comment": {"comment", "commentaire", "commentaires"},
}
_CODES = {fold(code.value): code for code in AnswerCode} | {
    fold(label): code for code, label in ANSWER_LABELS.items()
}


def parse_answer(value: Any) -> AnswerCode | None:
    """A code or French label → AnswerCode; blank → None; anything else → ValueError."""
    if value is None or not str(value).strip():
        return None
    try:
        return _CODES[fold(value)]
    except KeyError:
        raise ValueError(f"unknown answer {str(value).strip()!r}") from None


def _columns(table: Table) -> dict[str, int]:
    folded = [fold(h) for h in table.headers]
    found = {}
    for key, names in COLUMNS.items():
        index = next((i for i, h in enumerate(folded) if h in names), None)
        if index is not None:
            found[key] = index
    missing = [k for k in ("item_id", "answer") if k not in found]
    if missing:
        message = f"header line {table.header_line} lacks the column(s) {', '.join(missing)}"
        issue = SourceIssue(
            table.file, table.header_line, None, message, "missing_columns", {"columns": missing}
        )
        raise FileImportError([issue])
    return found


@dataclass(frozen=True)
class AnswerSheet:
    """The readable rows of an answers sheet, and the problems of the others (by line)."""

    source: str
    rows: list[AnswerRow]
    issues: list[SourceIssue]


def read_answer_sheet(path: Path) -> AnswerSheet:
    """Read an answers sheet. A file that cannot be read at all raises FileImportError; a row
    that cannot be read is reported in `issues`, so that the service can report it together
    with the rows the questionnaire refuses."""
    table = read_table(path, sheet=ANSWERS_SHEET, header_hint=frozenset(COLUMNS["item_id"]))
    columns = _columns(table)
    rows, issues = [], []

    def cell(values: tuple[Any, ...], key: str) -> Any:
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    for row in table.rows:
        item_id = str(cell(row.cells, "item_id") or "").strip()
        if not item_id:
            issues.append(table.issue(row, columns["item_id"], "item id is empty", "empty_item"))
            continue
        try:
            code = parse_answer(cell(row.cells, "answer"))
        except ValueError as err:
            message = f"{err}; expected yes, mostly, partly, no or na"
            value = cell(row.cells, "answer")
            issues.append(
                table.issue(row, columns["answer"], message, "unknown_answer", value=value)
            )
            continue
        comment = cell(row.cells, "comment")
        text = None if comment is None or not str(comment).strip() else str(comment)
        rows.append(AnswerRow(item_id, code, text, row.line))
    return AnswerSheet(table.file, rows, issues)


def write_workbook(
    detail: DiagnosticDetail, report: ScoreReport, plan: Sequence[PlanEntry], path: Path
) -> None:
    """Answers, scores and plan in one workbook; its first sheet can be imported back."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    template = detail.template
    _answers_sheet(wb, template, detail.answers)

    scores = wb.create_sheet("Scores")
    append_row(
        scores, ["Niveau", "Identifiant", "Libellé", "Score (%)", "Complétude (%)", "Réponses"]
    )
    levels = [
        ("Global", (report.overall,)),
        ("Volet", report.volets),
        ("Axe", report.axes),
        ("Thème", report.themes),
    ]
    for level, nodes in levels:
        for node in nodes:
            append_row(
                scores,
                [
                    level,
                    node.id,
                    node.label,
                    round(node.score, 1) if node.score is not None else None,
                    round(node.completion, 1),
                    f"{node.answered}/{node.total}",
                ],
            )
    _layout(scores, [10, 14, 60, 11, 14, 10], bold, grey, wrap)

    sheet = wb.create_sheet("Plan d'actions")
    append_row(
        sheet,
        [
            "Priorité",
            "Item",
            "Critique",
            "Action",
            "Intérêt",
            "Difficulté",
            "Délai",
            "Indicateur de suivi",
            "Responsable",
            "Échéance",
            "Statut",
        ],
    )
    for entry in plan:
        append_row(
            sheet,
            [
                PRIORITY_LABELS[entry.priority],
                entry.item_id,
                "oui" if entry.critical else "",
                entry.text,
                entry.interest.value,
                entry.difficulty.value,
                entry.delay.value,
                entry.indicator,
                entry.owner,
                format_date(entry.due_date),
                STATUS_LABELS[entry.status],
            ],
        )
    _layout(sheet, [10, 8, 9, 60, 9, 11, 8, 40, 20, 12, 12], bold, grey, wrap)
    info = wb.create_sheet("Diagnostic")
    summary = detail.summary
    for key, value in [
        ("Établissement", f"{summary.establishment_name} ({summary.establishment_finess})"),
        ("Questionnaire", f"{template.title} — version {template.version}"),
        ("Libellé", summary.label),
        ("Statut", "validé" if summary.locked else "en cours"),
        ("Score global", format_score(report.overall.score)),
        ("Complétude", format_score(report.overall.completion)),
    ]:
        append_row(info, [key, value])
    _layout(info, [18, 80], bold, grey, wrap, header=False)
    save_workbook(wb, path)


def _layout(
    ws: Any, widths: list[int], bold: Any, fill: Any, wrap: Any, header: bool = True
) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=2 if header else 1):
        for cell in row:
            cell.alignment = wrap
    if header:
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        ws.freeze_panes = "A2"


def _answers_sheet(wb: Any, template: Template, answers: Mapping[str, AnswerRecord]) -> None:
    """The sheet Réponses (first sheet of `wb`): every item, with its answer when given."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    ws = wb.active
    assert ws is not None
    ws.title = ANSWERS_SHEET
    append_row(
        ws,
        [
            "Identifiant",
            "Volet",
            "Axe",
            "Thème",
            "Question",
            "Critique",
            "Poids",
            "Réponse",
            "Commentaire",
        ],
    )
    for item in template.items:
        place = template.places[item.id]
        answer = answers.get(item.id)
        append_row(
            ws,
            [
                item.id,
                place.volet.label,
                place.axis.label,
                place.theme.label,
                item.text,
                "oui" if item.critical else "",
                item.weight,
                ANSWER_LABELS[answer.code] if answer and answer.code else "",
                answer.comment if answer else "",
            ],
        )
    labels = ",".join(ANSWER_LABELS[c] for c in AnswerCode)
    choice = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    ws.add_data_validation(choice)
    choice.add(f"H2:H{ws.max_row}")
    _layout(ws, [10, 16, 24, 24, 70, 9, 7, 15, 40], bold, grey, wrap)


def write_answer_template(template: Template, path: Path) -> None:
    """An empty answer sheet of `template`, its items listed, to fill in and import back."""
    from openpyxl import Workbook

    wb = Workbook()
    _answers_sheet(wb, template, {})
    save_workbook(wb, path)
