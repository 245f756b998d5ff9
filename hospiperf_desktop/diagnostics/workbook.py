"""Questionnaire workbooks: a questionnaire as an xlsx a pharmacist can write, check and share.

Three sheets with French headings (format in `docs/questionnaire-workbook.md`):
*Questionnaire* (one field per line), *Items* (one item per line, with its volet, axe and
thème) and *Actions* (one action per line, tied to an item by its id). The JSON file stays
the stored form: `template_to_workbook` writes one, `read_workbook` reads one back into the
JSON document (and checks it), reporting every problem with sheet, line and column.

Workbooks are read through the bounded reader (`tabular.read_grid`: zip and extent limits,
no control characters) and written through `safe_cells` (no cell ever becomes a formula).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospiperf_desktop.diagnostics.loader import (
    FORMAT_VERSION,
    ITEM_ID,
    MIN_ITEMS_PER_THEME,
    NODE_ID,
    TEMPLATE_ID,
    VERSION,
    TemplateError,
    parse_template,
)
from hospiperf_desktop.diagnostics.template import Delay, Difficulty, Interest, Target, Template
from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.safe_cells import append_row, save_workbook
from hospiperf_desktop.tabular import column_letter, read_grid

QUESTIONNAIRE_SHEET, ITEMS_SHEET, ACTIONS_SHEET = "Questionnaire", "Items", "Actions"

TARGET_LABELS: dict[Target, str] = {
    Target.PUI: "PUI",
    Target.EHPAD_WITH_PUI: "EHPAD avec PUI",
    Target.EHPAD_WITHOUT_PUI: "EHPAD sans PUI",
    Target.HAD_WITH_PUI: "HAD avec PUI",
    Target.HAD_WITHOUT_PUI: "HAD sans PUI",
    Target.CARE_UNIT: "Unité de soins",
    Target.GHT: "GHT",
}
SCALE_LABELS = {"graded": "graduée", "binary": "binaire"}
YES, NO = "oui", "non"

# (JSON key, French label) of the sheet Questionnaire, in order.
FIELDS = (
    ("id", "Identifiant"),
    ("version", "Version"),
    ("title", "Titre"),
    ("family", "Famille"),
    ("target", "Cible"),
    ("description", "Description"),
    ("structure_note", "Note de structure"),
    ("overseas", "Outre-mer seulement"),
)
ITEM_HEADINGS = (
    "Volet",
    "Libellé du volet",
    "Axe",
    "Libellé de l'axe",
    "Thème",
    "Libellé du thème",
    "Identifiant",
    "Question",
    "Aide",
    "Poids",
    "Critique",
    "Échelle",
    "Non concerné possible",
)
ACTION_HEADINGS = ("Item", "Action", "Intérêt", "Difficulté", "Délai", "Indicateur", "Qui")


@dataclass(frozen=True)
class WorkbookIssue:
    """One problem of a workbook, where its author finds it."""

    sheet: str
    line: int | None
    column: str | None
    message: str  # French

    def __str__(self) -> str:
        where = self.sheet
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.column:
            where += f", colonne {self.column}"
        return f"{where} : {self.message}"


class WorkbookError(FileImportError):
    """A questionnaire workbook with problems; `problems` lists every one."""

    code = "questionnaire_workbook"

    def __init__(self, file: str, problems: list[WorkbookIssue]) -> None:
        from hospiperf_desktop.errors import SourceIssue

        self.file = file
        self.problems = tuple(problems)
        super().__init__(
            [
                SourceIssue(file, p.line, p.column, str(p), "questionnaire_workbook")
                for p in problems
            ]
        )

    def __str__(self) -> str:
        return "\n".join(f"{self.file} : {p}" for p in self.problems)


# --- writing ---------------------------------------------------------------------------------


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def template_to_workbook(template: Template, path: Path) -> None:
    """Write `template` as a questionnaire workbook (all or nothing)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = QUESTIONNAIRE_SHEET
    append_row(info, ["Champ", "Valeur"])
    values = {
        "id": template.id,
        "version": template.version,
        "title": template.title,
        "family": template.family,
        "target": TARGET_LABELS[template.target],
        "description": template.description,
        "structure_note": template.structure_note,
        "overseas": YES if template.overseas else NO,
    }
    for key, label in FIELDS:
        append_row(info, [label, values[key]])

    items = wb.create_sheet(ITEMS_SHEET)
    append_row(items, list(ITEM_HEADINGS))
    actions = wb.create_sheet(ACTIONS_SHEET)
    append_row(actions, list(ACTION_HEADINGS))
    for item in template.items:
        place = template.places[item.id]
        append_row(
            items,
            [
                place.volet.id,
                place.volet.label,
                place.axis.id,
                place.axis.label,
                place.theme.id,
                place.theme.label,
                item.id,
                item.text,
                item.help,
                _number(item.weight),
                YES if item.critical else NO,
                SCALE_LABELS[item.scale.value],
                YES if item.na_allowed else NO,
            ],
        )
        for action in item.actions:
            append_row(
                actions,
                [
                    item.id,
                    action.text,
                    action.interest.value,
                    action.difficulty.value,
                    action.delay.value,
                    action.indicator,
                    action.who,
                ],
            )

    def dropdown(sheet: Any, column: int, choices: list[str], last: int) -> None:
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.error = "Choisissez une valeur de la liste."
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        letter = column_letter(column)
        rule.add(f"{letter}2:{letter}{last}")

    target_row = 1 + [key for key, _ in FIELDS].index("target") + 1
    overseas_row = 1 + [key for key, _ in FIELDS].index("overseas") + 1
    for field_row, choices in (
        (target_row, list(TARGET_LABELS.values())),
        (overseas_row, [YES, NO]),
    ):
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
        info.add_data_validation(rule)
        rule.add(f"B{field_row}")
    last = max(items.max_row, 2) + 1000  # room for the items an author adds
    dropdown(items, 10, [YES, NO], last)
    dropdown(items, 11, list(SCALE_LABELS.values()), last)
    dropdown(items, 12, [YES, NO], last)
    last = max(actions.max_row, 2) + 2000
    dropdown(actions, 2, [m.value for m in Interest], last)
    dropdown(actions, 3, [m.value for m in Difficulty], last)
    dropdown(actions, 4, [m.value for m in Delay], last)
    for sheet, widths in (
        (info, [22, 100]),
        (items, [8, 22, 8, 24, 8, 24, 10, 70, 50, 7, 9, 10, 12]),
        (actions, [10, 60, 9, 11, 8, 40, 20]),
    ):
        for position, width in enumerate(widths):
            sheet.column_dimensions[column_letter(position)].width = width
        for cell in sheet[1]:
            cell.font, cell.fill = bold, grey
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = wrap
        sheet.freeze_panes = "A2"
    save_workbook(wb, path)


# --- reading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _fold(value: Any) -> str:
    from hospiperf_desktop.french import without_accents

    return without_accents(_text(value)).casefold()


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[WorkbookIssue] = []

    def problem(self, sheet: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(WorkbookIssue(sheet, line, column, message))

    def columns(
        self, sheet: str, rows: list[list[Any]], headings: tuple[str, ...]
    ) -> dict[str, int] | None:
        """Heading → column index, from the first row; missing headings are problems."""
        if not rows:
            self.problem(sheet, None, None, "la feuille est vide")
            return None
        found = {_fold(cell): index for index, cell in enumerate(rows[0]) if _text(cell)}
        columns = {}
        for heading in headings:
            index = found.get(_fold(heading))
            if index is None:
                self.problem(sheet, 1, None, f"la colonne « {heading} » manque")
            else:
                columns[heading] = index
        return columns if len(columns) == len(headings) else None

    def choice(
        self,
        sheet: str,
        line: int,
        column: str,
        value: Any,
        labels: dict[str, str],
        default: str,
    ) -> str:
        """The code of a coded cell (French label or code, accents and case ignored)."""
        if not _text(value):
            return default
        folded = _fold(value)
        for code, label in labels.items():
            if folded in (_fold(code), _fold(label)):
                return code
        allowed = ", ".join(dict.fromkeys(labels.values()))
        self.problem(
            sheet, line, column, f"« {_text(value)} » n'est pas une valeur permise ({allowed})"
        )
        return default


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _col(index: int, heading: str) -> str:
    return f"{column_letter(index)} ({heading})"


def read_workbook(
    path: Path, install_check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
) -> tuple[dict[str, Any], Template]:
    """The questionnaire of a workbook as its JSON document and its template.

    `install_check(document)` returns (field, French message) pairs that the library refuses
    (a shipped id, a version that does not go up …); they are reported on the line of that
    field of the sheet Questionnaire. Raises `WorkbookError` listing every problem.
    """
    from python_calamine import load_workbook

    file = path.name
    reader = _Reader(file)
    first = read_grid(path)  # the bounded reader: limits, damage and password checked here
    names = load_workbook(str(path)).sheet_names
    grids: dict[str, list[list[Any]]] = {}
    for sheet in (QUESTIONNAIRE_SHEET, ITEMS_SHEET, ACTIONS_SHEET):
        match = next((n for n in names if _fold(n) == _fold(sheet)), None)
        if match is None:
            reader.problem(sheet, None, None, f"la feuille « {sheet} » manque")
            continue
        grids[sheet] = first.rows if match == names[0] else read_grid(path, sheet=match).rows
    if reader.problems:
        raise WorkbookError(file, reader.problems)

    document, field_lines = _read_fields(reader, grids[QUESTIONNAIRE_SHEET])
    themes, item_rows = _read_items(reader, grids[ITEMS_SHEET], document)
    _read_actions(reader, grids[ACTIONS_SHEET], item_rows)
    for item_id, (line, item) in item_rows.items():
        if not item["actions"]:
            reader.problem(
                ITEMS_SHEET,
                line,
                _col(6, "Identifiant"),
                f"l'item {item_id} n'a aucune action dans la feuille Actions",
            )
    del themes
    if install_check is not None and document.get("id") and document.get("version"):
        for field, message in install_check(document):
            reader.problem(QUESTIONNAIRE_SHEET, field_lines.get(field), "B (Valeur)", message)
    if reader.problems:
        raise WorkbookError(file, reader.problems)
    content = to_json_bytes(document)
    try:
        template = parse_template(content, file)
    except TemplateError as err:  # what the loader still refuses, should the checks miss it
        raise WorkbookError(
            file, [WorkbookIssue(QUESTIONNAIRE_SHEET, None, None, str(i)) for i in err.issues]
        ) from err
    return document, template


def to_json_bytes(document: dict[str, Any]) -> bytes:
    """The stored form of a questionnaire document: UTF-8 JSON, 2-space indent, a final newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _read_fields(reader: _Reader, rows: list[list[Any]]) -> tuple[dict[str, Any], dict[str, int]]:
    sheet = QUESTIONNAIRE_SHEET
    by_label = {_fold(label): key for key, label in FIELDS}
    values: dict[str, tuple[int | None, Any]] = {}
    for number, row in enumerate(rows, 1):
        label = _fold(_cell(row, 0))
        if (number == 1 and label == "champ") or not label:
            continue
        key = by_label.get(label)
        if key is None:
            reader.problem(sheet, number, "A (Champ)", f"champ « {_text(_cell(row, 0))} » inconnu")
            continue
        values[key] = (number, _cell(row, 1))
    lines = {key: line for key, (line, _) in values.items() if line is not None}
    document: dict[str, Any] = {"format": FORMAT_VERSION}
    column = "B (Valeur)"
    for key, label in FIELDS:
        line, value = values.get(key, (None, None))
        text = _text(value)
        if key == "target":
            labels = {t.value: TARGET_LABELS[t] for t in Target}
            document[key] = reader.choice(sheet, line or 0, column, value, labels, "")
            if not text:
                reader.problem(sheet, line, column, "la cible est obligatoire")
            continue
        if key == "overseas":
            document[key] = (
                reader.choice(sheet, line or 0, column, value, {YES: YES, NO: NO}, NO) == YES
            )
            continue
        document[key] = text
        if line is None and key != "structure_note":
            reader.problem(sheet, None, None, f"le champ « {label} » manque")
        elif not text and key != "structure_note":
            reader.problem(sheet, line, column, f"« {label} » est obligatoire")
        elif key == "id" and not TEMPLATE_ID.match(text):
            reader.problem(
                sheet, line, column, "l'identifiant s'écrit en minuscules, mots joints par « - »"
            )
        elif key == "version" and not VERSION.match(text):
            reader.problem(sheet, line, column, "la version s'écrit comme « 1.0 » ou « 1.0.1 »")
    if not document["overseas"]:
        del document["overseas"]
    return document, lines


def _read_items(
    reader: _Reader, rows: list[list[Any]], document: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[int, dict[str, Any]]]]:
    sheet = ITEMS_SHEET
    columns = reader.columns(sheet, rows, ITEM_HEADINGS)
    document["volets"] = []
    items: dict[str, tuple[int, dict[str, Any]]] = {}
    themes: dict[str, dict[str, Any]] = {}
    if columns is None:
        return themes, items
    nodes: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}  # (level, id) → node, line
    node_level: dict[str, str] = {}
    theme_lines: dict[str, int] = {}

    def value(row: list[Any], heading: str) -> Any:
        return _cell(row, columns[heading])

    def where(heading: str) -> str:
        return _col(columns[heading], heading)

    def node(
        level: str, heading: str, label_heading: str, row: list[Any], line: int, parent: list[Any]
    ) -> dict[str, Any] | None:
        node_id, label = _text(value(row, heading)), _text(value(row, label_heading))
        if not node_id:
            reader.problem(sheet, line, where(heading), f"« {heading} » est obligatoire")
            return None
        if not NODE_ID.match(node_id):
            reader.problem(
                sheet,
                line,
                where(heading),
                f"« {node_id} » : lettres, chiffres, « . », « _ » ou « - »",
            )
            return None
        known = nodes.get((level, node_id))
        if known is not None:
            existing, first_line = known
            if label and label != existing["label"]:
                reader.problem(
                    sheet,
                    line,
                    where(label_heading),
                    f"« {node_id} » porte un autre libellé à la ligne {first_line}",
                )
            return existing
        if node_level.get(node_id, level) != level:
            reader.problem(
                sheet,
                line,
                where(heading),
                f"« {node_id} » est déjà l'identifiant d'un autre niveau",
            )
            return None
        if not label:
            reader.problem(
                sheet, line, where(label_heading), f"« {label_heading} » est obligatoire"
            )
        children = {"volet": "axes", "axe": "themes", "theme": "items"}[level]
        created = {"id": node_id, "label": label, children: []}
        nodes[(level, node_id)] = (created, line)
        node_level[node_id] = level
        parent.append(created)
        return created

    for index, row in enumerate(rows[1:], 2):
        if not any(_text(c) for c in row):
            continue
        volet = node("volet", "Volet", "Libellé du volet", row, index, document["volets"])
        axis = volet and node("axe", "Axe", "Libellé de l'axe", row, index, volet["axes"])
        theme = axis and node("theme", "Thème", "Libellé du thème", row, index, axis["themes"])
        if theme is None:
            continue
        themes[theme["id"]] = theme
        theme_lines.setdefault(theme["id"], index)
        item_id = _text(value(row, "Identifiant"))
        question = _text(value(row, "Question"))
        if not item_id and not question:
            continue  # a line that only names its theme
        if not item_id:
            reader.problem(sheet, index, where("Identifiant"), "l'identifiant de l'item manque")
            continue
        if not ITEM_ID.match(item_id):
            reader.problem(
                sheet, index, where("Identifiant"), f"« {item_id} » doit ressembler à « A.01 »"
            )
        if item_id in items:
            reader.problem(
                sheet,
                index,
                where("Identifiant"),
                f"l'identifiant {item_id} est déjà utilisé à la ligne {items[item_id][0]}",
            )
            continue
        if not question:
            reader.problem(sheet, index, where("Question"), "la question est obligatoire")
        weight_cell = value(row, "Poids")
        weight: Any = 1
        if _text(weight_cell):
            try:
                weight = (
                    float(str(weight_cell).replace(",", "."))
                    if isinstance(weight_cell, str)
                    else float(weight_cell)
                )
            except (TypeError, ValueError):
                weight = math.nan
            if not math.isfinite(weight) or weight <= 0:
                reader.problem(
                    sheet,
                    index,
                    where("Poids"),
                    f"le poids « {_text(weight_cell)} » doit être un nombre au-dessus de 0",
                )
                weight = 1
            weight = _number(weight)
        yes_no = {YES: YES, NO: NO}
        item = {
            "id": item_id,
            "text": question,
            "help": _text(value(row, "Aide")),
            "weight": weight,
            "critical": reader.choice(
                sheet, index, where("Critique"), value(row, "Critique"), yes_no, NO
            )
            == YES,
            "scale": reader.choice(
                sheet, index, where("Échelle"), value(row, "Échelle"), SCALE_LABELS, "graded"
            ),
            "na_allowed": reader.choice(
                sheet,
                index,
                where("Non concerné possible"),
                value(row, "Non concerné possible"),
                yes_no,
                YES,
            )
            == YES,
            "actions": [],
        }
        theme["items"].append(item)
        items[item_id] = (index, item)
    for theme_id, theme in themes.items():
        count = len(theme["items"])
        if count < MIN_ITEMS_PER_THEME:
            message = (
                f"le thème {theme_id} n'a aucun item"
                if count == 0
                else f"le thème {theme_id} a {count} item(s), il en faut au moins"
                f" {MIN_ITEMS_PER_THEME}"
            )
            reader.problem(sheet, theme_lines[theme_id], where("Thème"), message)
    if len(rows) <= 1 and not items:
        reader.problem(sheet, None, None, "aucun item")
    return themes, items


def _read_actions(
    reader: _Reader, rows: list[list[Any]], items: dict[str, tuple[int, dict[str, Any]]]
) -> None:
    sheet = ACTIONS_SHEET
    columns = reader.columns(sheet, rows, ACTION_HEADINGS)
    if columns is None:
        return

    def where(heading: str) -> str:
        return _col(columns[heading], heading)

    for index, row in enumerate(rows[1:], 2):
        if not any(_text(c) for c in row):
            continue

        def value(heading: str, row: list[Any] = row) -> Any:
            return _cell(row, columns[heading])

        item_id = _text(value("Item"))
        if item_id not in items:
            reader.problem(
                sheet,
                index,
                where("Item"),
                f"l'item « {item_id} » n'existe pas dans la feuille Items"
                if item_id
                else "l'item manque",
            )
            continue
        text, indicator = _text(value("Action")), _text(value("Indicateur"))
        if not text:
            reader.problem(sheet, index, where("Action"), "le texte de l'action est obligatoire")
        if not indicator:
            reader.problem(sheet, index, where("Indicateur"), "l'indicateur est obligatoire")

        def coded(heading: str, enum: Any, line: int = index) -> str:
            labels = {m.value: m.value for m in enum}
            return reader.choice(
                sheet,
                line,
                where(heading),
                value(heading),
                labels,
                enum("moyen" if "moyen" in labels else "moyenne").value,
            )

        action = {
            "text": text,
            "interest": coded("Intérêt", Interest),
            "difficulty": coded("Difficulté", Difficulty),
            "delay": coded("Délai", Delay),
            "indicator": indicator,
            "who": _text(value("Qui")),
        }
        items[item_id][1]["actions"].append(action)


# --- the commented template shipped in resources/ -------------------------------------------

NOTICE_SHEET = "Notice"
NOTICE = (
    ("Feuille", "Colonne", "Ce qu'on y écrit"),
    (
        "Questionnaire",
        "Identifiant",
        "minuscules et tirets (ex. audit-armoires-services) ; pas"
        " l'identifiant d'un questionnaire livré avec l'application",
    ),
    (
        "Questionnaire",
        "Version",
        "1.0, puis 1.1, 2.0 … : une nouvelle version doit être plus haute",
    ),
    (
        "Questionnaire",
        "Cible",
        "liste déroulante : PUI, EHPAD avec/sans PUI, HAD avec/sans PUI, Unité de soins, GHT",
    ),
    (
        "Items",
        "Volet / Axe / Thème",
        "identifiant court (V1, A, A1) et libellé ; une ligne par"
        " item, en répétant volet, axe et thème ; au moins 5 items par thème",
    ),
    ("Items", "Identifiant", "lettres, un point, 2 ou 3 chiffres (A.01) ; unique"),
    ("Items", "Poids", "un nombre au-dessus de 0 (1 si vide)"),
    ("Items", "Critique", "oui / non : un item critique mal noté est signalé à part"),
    ("Items", "Échelle", "graduée (oui, plutôt oui, plutôt non, non) ou binaire (oui, non)"),
    ("Items", "Non concerné possible", "oui / non"),
    (
        "Actions",
        "Item",
        "l'identifiant d'un item de la feuille Items ; au moins une action par item",
    ),
    ("Actions", "Intérêt / Difficulté / Délai", "listes déroulantes (faible, moyen, fort …)"),
    ("Actions", "Indicateur", "obligatoire : comment on saura que l'action est faite"),
    (
        "",
        "",
        "Vérifier : hospiperf diag questionnaire check FICHIER ; installer : hospiperf diag"
        " questionnaire import FICHIER (ou Diagnostics › Questionnaires).",
    ),
)


def write_model(example: Path, path: Path) -> None:
    """The commented template: the example questionnaire `example` plus a sheet Notice."""
    from openpyxl import load_workbook

    template = parse_template(example.read_bytes(), example.name)
    template_to_workbook(template, path)
    wb = load_workbook(path)
    notice = wb.create_sheet(NOTICE_SHEET)
    for line in NOTICE:
        append_row(notice, list(line))
    for letter, width in (("A", 16), ("B", 28), ("C", 100)):
        notice.column_dimensions[letter].width = width
    save_workbook(wb, path)
