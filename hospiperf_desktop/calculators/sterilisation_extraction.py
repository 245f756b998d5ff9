"""Activity extracted from a traceability software export (the study's third way in).

One line per processed composition or batch: date, composition (its name, or directly its
UO Sté category), process, quantity (1 when the column is absent or blank). A mapping
profile turns the software's composition names into categories. French formats (31/12/2026,
1 234,5). All or nothing: every bad line is named (file, line, column) and no activity is
returned when there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hospiperf_desktop.calculators.sterilisation import ActivityLine, CategoryTable, shipped_table
from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.stock.cells import CellError, blank, parse_date, parse_number, shown
from hospiperf_desktop.tabular import Table, fold, read_table

COLUMNS: dict[str, frozenset[str]] = {
    "date": frozenset({"date", "datecycle", "datedetraitement", "datetraitement", "jour"}),
    "composition": frozenset(
        {"composition", "compositions", "boite", "conteneur", "plateau", "libellecomposition"}
    ),
    "category": frozenset({"categorie", "categorieuo", "categorieuoste", "uo", "codeuo"}),
    "process": frozenset({"procede", "process", "procedure", "modedesterilisation", "cycle"}),
    "quantity": frozenset({"quantite", "qte", "nombre", "nb", "quantity"}),
}
PROCESS_WORDS = {
    "vapeur": "vapeur",
    "vapeurdeau": "vapeur",
    "autoclave": "vapeur",
    "134c": "vapeur",
    "134": "vapeur",
    "vapeur134c": "vapeur",
    "bassetemperature": "basse_temperature",
    "bt": "basse_temperature",
    "plasma": "basse_temperature",
    "peroxyde": "basse_temperature",
    "peroxydedhydrogene": "basse_temperature",
    "h2o2": "basse_temperature",
    "oxydedethylene": "basse_temperature",
}
MAX_ISSUES = 200


@dataclass(frozen=True)
class ExtractionMapping:
    """Which column holds what (heading as written), and composition name → category id."""

    columns: Mapping[str, str] = field(default_factory=dict)
    compositions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Extraction:
    activity: tuple[ActivityLine, ...]  # by category, process and month
    lines: int
    first: date | None
    last: date | None


def read_extraction(
    path: Path,
    year: int | None = None,
    mapping: ExtractionMapping | None = None,
    table: CategoryTable | None = None,
    progress: Progress | None = None,
) -> Extraction:
    table = table or shipped_table()
    mapping = mapping or ExtractionMapping()
    progress = progress or NullProgress()
    source = read_table(
        path, header_hint=COLUMNS["date"] | {fold(h) for h in mapping.columns.values()}
    )
    columns = _columns(source, mapping)
    missing = [name for name in ("date", "process") if name not in columns] + (
        [] if "composition" in columns or "category" in columns else ["composition"]
    )
    if missing:
        raise FileImportError(
            [
                SourceIssue(
                    source.file,
                    source.header_line,
                    None,
                    f"missing column(s): {', '.join(missing)} (heading row:"
                    f" {', '.join(h for h in source.headers if h)})",
                    "missing_columns",
                )
            ]
        )
    known = {fold(c.id): c.id for c in table.categories}
    names = {fold(k): v for k, v in mapping.compositions.items()}
    categories: dict[Any, str | None] = {}
    processes: dict[Any, str | None] = {}
    counts: dict[tuple[str, str, int], float] = {}
    issues: list[SourceIssue] = []
    first: date | None = None
    last: date | None = None
    date_at, process_at = columns["date"], columns["process"]
    name_at, category_at = columns.get("composition"), columns.get("category")
    quantity_at = columns.get("quantity")
    total = len(source.rows)

    def bad(row: Any, index: int | None, message: str, code: str) -> None:
        if len(issues) < MAX_ISSUES:
            issues.append(source.issue(row, index, message, code))

    for number, row in enumerate(source.rows):
        if number % 5000 == 0:
            progress.report(number, total, "Lecture de l'extraction")
            progress.check_cancelled()
        cells = row.cells
        width = len(cells)
        try:
            day = parse_date(cells[date_at] if date_at < width else None)
        except CellError as err:
            bad(row, date_at, str(err), err.code)
            continue
        if year is not None and day.year != year:
            bad(row, date_at, f"{day:%d/%m/%Y} is outside the study year {year}", "other_year")
            continue
        raw_category = (
            cells[category_at] if category_at is not None and category_at < width else None
        )
        raw_name = cells[name_at] if name_at is not None and name_at < width else None
        key = raw_category if not blank(raw_category) else raw_name
        category = categories.get(key, "")
        if category == "":
            folded = fold(key)
            category = known.get(folded) or names.get(folded)
            categories[key] = category
        if category is None:
            where = category_at if not blank(raw_category) else name_at
            bad(
                row,
                where,
                f"'{shown(key)}' is neither a UO Sté category nor a composition of the mapping",
                "unknown_category",
            )
            continue
        raw_process = cells[process_at] if process_at < width else None
        process = processes.get(raw_process, "")
        if process == "":
            process = PROCESS_WORDS.get(fold(raw_process))
            processes[raw_process] = process
        if process is None:
            bad(
                row,
                process_at,
                f"'{shown(raw_process)}' is not a process (vapeur or basse température)",
                "unknown_process",
            )
            continue
        quantity = 1.0
        if quantity_at is not None and quantity_at < width:
            raw = cells[quantity_at]
            if not blank(raw):
                try:
                    quantity = raw if type(raw) is float else parse_number(raw)
                except CellError as err:
                    bad(row, quantity_at, str(err), err.code)
                    continue
                if not 0 <= quantity <= 1e9:
                    bad(row, quantity_at, f"'{shown(raw)}' is not a quantity", "out_of_range")
                    continue
        slot = (category, process, day.month)
        counts[slot] = counts.get(slot, 0.0) + quantity
        if first is None or day < first:
            first = day
        if last is None or day > last:
            last = day
    if issues:
        raise FileImportError(issues)
    if not counts:
        raise FileImportError(
            [SourceIssue(source.file, None, None, "no activity line", "empty_file")]
        )
    progress.report(total, total, "Extraction lue")
    return Extraction(
        tuple(
            ActivityLine(category, process, count, month)
            for (category, process, month), count in sorted(counts.items())
        ),
        len(source.rows),
        first,
        last,
    )


def read_mapping(path: Path) -> ExtractionMapping:
    """A mapping profile: JSON `{"columns": {field: heading}, "compositions": {name: category}}`."""
    from hospiperf_desktop.jsonfiles import load_json_file

    def refuse(message: str, code: str = "mapping") -> FileImportError:
        return FileImportError([SourceIssue(path.name, None, None, message, code)])

    raw = load_json_file(path)
    fine = isinstance(raw, dict) and set(raw) <= {"columns", "compositions"}
    if fine:
        for key in ("columns", "compositions"):
            part = raw.get(key, {})
            fine = fine and isinstance(part, dict)
            fine = fine and all(isinstance(k, str) and isinstance(v, str) for k, v in part.items())
    if not fine:
        raise refuse('expected {"columns": {...}, "compositions": {...}} with text values')
    columns = raw.get("columns", {})
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise refuse(
            f"unknown column field(s) {', '.join(map(shown, unknown))}"
            f" (known: {', '.join(COLUMNS)})"
        )
    return ExtractionMapping(columns, raw.get("compositions", {}))


def _columns(source: Table, mapping: ExtractionMapping) -> dict[str, int]:
    found: dict[str, int] = {}
    chosen = {fold(heading): name for name, heading in mapping.columns.items()}
    for index, heading in enumerate(source.headers):
        key = fold(heading)
        if key in chosen and chosen[key] not in found:
            found[chosen[key]] = index
            continue
        for name, synonyms in COLUMNS.items():
            if name not in found and name not in mapping.columns and key in synonyms:
                found[name] = index
                break
    return found
