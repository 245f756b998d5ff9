"""The activity workbook: one layout for export and import, grouped by family.

Sheet "Activité": title lines (establishment, year), then the heading row
`Famille | Code | Indicateur | Unité | Année | janv. … déc. | Valeur retenue | Origine`, then
each family's heading line followed by its measures. An import reads `Code`, `Année` and the
month columns; the other columns are for people. A CSV or sheet with just `code;valeur`
(French or English headings) is read the same way.

Numbers are read by the stock import's rules (`number_columns.py`, docs/stock-numbers.md):
each value column is looked at whole, and a "1.500" that nothing in its column explains is
refused, naming the file, line and column, until the user says what a dot means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from hospiperf_desktop.activity.catalog import MeasureCatalog, ValueProblem, check_value
from hospiperf_desktop.activity.texts import UNIT_LABELS, origin_text
from hospiperf_desktop.activity.unusual import Place
from hospiperf_desktop.activity.values import Resolved
from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.number_columns import DotChoice, ambiguity_issues, read_column
from hospiperf_desktop.safe_cells import append_row, save_workbook
from hospiperf_desktop.stock.cells import CellError, blank, parse_number
from hospiperf_desktop.tabular import Row, Table, fold, read_table

SHEET = "Activité"
MONTH_HEADINGS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
_MONTH_WORDS = (
    ("janv", "janvier", "jan", "january"),
    ("fevr", "fevrier", "fev", "feb", "february"),
    ("mars", "mar", "march"),
    ("avr", "avril", "apr", "april"),
    ("mai", "may"),
    ("juin", "jun", "june"),
    ("juil", "juillet", "jul", "july"),
    ("aout", "aug", "august"),
    ("sept", "septembre", "sep", "september"),
    ("oct", "octobre", "october"),
    ("nov", "novembre", "november"),
    ("dec", "decembre", "december"),
)
_CODE = frozenset({"code", "id", "identifiant", "measure", "measureid", "indicateurcode"})
_YEAR_VALUE = frozenset({"annee", "valeur", "value", "total", "annuel", "valeurannuelle", "year"})
_YEAR_IN_TITLE = re.compile(r"ann[ée]e\s*:?\s*(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class SheetValues:
    """What an activity sheet says: (measure, month) -> value or None (blank: cleared)."""

    file: str
    values: dict[tuple[str, int], float | None]
    rows: int
    places: dict[tuple[str, int], Place] = field(default_factory=dict)  # where each was read


def _columns(table: Table) -> tuple[int | None, dict[int, int]]:
    code = None
    months: dict[int, int] = {}  # month (0 = year) -> column index
    for index, heading in enumerate(table.headers):
        key = fold(heading)
        if key in _CODE and code is None:
            code = index
        elif key in _YEAR_VALUE and 0 not in months:
            months[0] = index
        else:
            for month, words in enumerate(_MONTH_WORDS, start=1):
                if key in words and month not in months:
                    months[month] = index
    return code, months


def _sheet_year(table: Table) -> int | None:
    """The year the title lines above the heading name (`Année : 2025`), if any."""
    for row in table.preamble:
        texts = [str(c) for c in row.cells if not blank(c)]
        joined = " ".join(texts)
        if match := _YEAR_IN_TITLE.search(joined):
            return int(match.group(1))
        for first, second in pairwise(texts):
            if fold(first) == "annee" and re.fullmatch(r"\d{4}(\.0)?", second):
                return int(float(second))
    return None


def _unpercent(raw: Any) -> Any:
    return raw.strip().rstrip("%").strip() if isinstance(raw, str) else raw


def _dots_grouping_thousands(
    table: Table, columns: Iterable[int], single_dot: DotChoice | None
) -> set[int]:
    """The value columns whose dots group thousands; an ambiguous column the user has not
    settled with `single_dot` refuses the file (FileImportError naming a line of it)."""
    rows = [(row.line, tuple(_unpercent(c) for c in row.cells)) for row in table.rows]
    read = [
        read_column(rows, col, table.headers[col], table.comma_separated) for col in sorted(columns)
    ]
    refused = ambiguity_issues(table.file, read, single_dot)
    if refused:
        raise FileImportError(refused)
    return {c.index for c in read if c.dot_groups_thousands(single_dot)}


def read_activity_sheet(
    path: Path, catalog: MeasureCatalog, year: int, single_dot: DotChoice | None = None
) -> SheetValues:
    """Every value of the sheet, checked; FileImportError lists every problem at once.

    `single_dot` says what "1.500" means in the value columns that cannot tell themselves.
    """
    table = read_table(path, header_hint=_CODE)
    code_col, month_cols = _columns(table)
    issues: list[SourceIssue] = []

    def issue(row: Row | None, col: int | None, message: str, kind: str, **p: Any) -> None:
        issues.append(table.issue(row, col, message, kind, **p))

    if code_col is None:
        issue(None, None, "no 'Code' column: the heading row needs one", "no_code_column")
    if not month_cols:
        issue(None, None, "no 'Année' (or 'valeur') column and no month column", "no_values")
    if issues:
        raise FileImportError(issues)
    assert code_col is not None
    sheet_year = _sheet_year(table)
    if sheet_year is not None and sheet_year != year:
        issue(
            None, None, f"the sheet is for {sheet_year}, not {year}", "wrong_year", found=sheet_year
        )
    thousands = _dots_grouping_thousands(table, month_cols.values(), single_dot)
    measures = catalog.measures
    values: dict[tuple[str, int], float | None] = {}
    places: dict[tuple[str, int], Place] = {}
    seen: dict[str, int] = {}
    rows = 0
    for row in table.rows:
        cells = row.cells
        code = str(cells[code_col]).strip() if code_col < len(cells) else ""
        if blank(code) or code == "None":
            continue  # a family heading line, or a blank line
        if code not in measures:
            issue(row, code_col, f"unknown measure code '{code}'", "unknown_measure", measure=code)
            continue
        if code in seen:
            issue(
                row,
                code_col,
                f"'{code}' is listed twice (first on line {seen[code]})",
                "duplicate",
                measure=code,
            )
            continue
        seen[code] = row.line
        rows += 1
        for month, col in month_cols.items():
            raw = cells[col] if col < len(cells) else None
            where = table.issue(row, col, "", "place")
            places[(code, month)] = Place(where.file, where.line, where.column)
            if blank(raw):
                values[(code, month)] = None
                continue
            try:
                number = parse_number(_unpercent(raw), table.comma_separated, col in thousands)
                values[(code, month)] = check_value(measures[code], number)
            except (CellError, ValueProblem) as err:
                issue(row, col, str(err), "bad_value", measure=code, value=str(raw))
    if issues:
        raise FileImportError(issues)
    return SheetValues(path.name, values, rows, places)


def write_activity_workbook(
    out: Path,
    catalog: MeasureCatalog,
    entered: Mapping[str, Mapping[int, float]],
    resolved: Mapping[str, Resolved],
    title: str,
    year: int,
) -> None:
    """The activity workbook, written whole or not at all."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    append_row(sheet, ["Activité de la PUI"])
    append_row(sheet, ["Établissement", title])
    append_row(sheet, ["Année", year])
    append_row(sheet, [])
    headings = ["Famille", "Code", "Indicateur", "Unité", "Année", *MONTH_HEADINGS]
    headings += ["Valeur retenue", "Origine"]
    append_row(sheet, headings)
    header_row = sheet.max_row
    bold = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=14)
    family_fill = PatternFill("solid", fgColor="DDDDDD")
    computed_font = Font(italic=True, color="555555")
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    validated: list[int] = []
    for family in catalog.families:
        append_row(sheet, [family.label])
        for cell in sheet[sheet.max_row]:
            cell.fill = family_fill
            cell.font = bold
        for measure in family.measures:
            months = entered.get(measure.id, {})
            result = resolved.get(measure.id)
            row: list[Any] = [
                family.label,
                measure.id,
                measure.label,
                UNIT_LABELS[measure.unit],
                months.get(0),
                *(months.get(m) for m in range(1, 13)),
                result.value if result else None,
                origin_text(result, catalog) if result else "",
            ]
            append_row(sheet, row)
            line = sheet.max_row
            if measure.unit != "signed_amount":
                validated.append(line)
            number_format = _number_format(measure.unit)
            for col in range(5, 19):
                sheet.cell(line, col).number_format = number_format
            sheet.cell(line, 1).font = Font(color="888888")
            if result is not None and result.computed:
                sheet.cell(line, 18).font = computed_font
                sheet.cell(line, 19).font = computed_font
    widths = {"A": 18, "B": 30, "C": 60, "D": 8, "E": 12, "R": 16, "S": 60}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for letter in "FGHIJKLMNOPQ":
        sheet.column_dimensions[letter].width = 9
    sheet.freeze_panes = f"E{header_row + 1}"
    positive = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        error="Saisissez un nombre positif ou nul.",
        showErrorMessage=True,
    )
    sheet.add_data_validation(positive)
    for line in validated:
        positive.add(f"E{line}:Q{line}")
    save_workbook(workbook, out)


def _number_format(unit: str) -> str:
    if unit == "count":
        return "#,##0"
    if unit in ("amount", "signed_amount"):
        return '#,##0.00 "€"'
    return "0.0#"
