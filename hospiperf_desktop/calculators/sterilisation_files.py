"""Sterilisation study inputs: the JSON shape (checked by its JSON Schema) and the workbook.

Both give the same `Study`; every problem is reported with its place (JSON path, or sheet,
line and column) and nothing is returned half-read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hospiperf_desktop.calculators.sterilisation import (
    ActivityLine,
    CategoryTable,
    Cycles,
    EquipmentLine,
    Premises,
    StaffLine,
    Study,
    check_study,
    shipped_table,
)
from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.jsonfiles import check_schema, load_json_file
from hospiperf_desktop.stock.cells import CellError, blank, parse_number, shown
from hospiperf_desktop.tabular import column_letter, fold, read_grid

SCHEMA = "sterilisation-study"  # resources/schemas/sterilisation-study.schema.json


def study_from_data(data: Any, file: str = "study.json") -> Study:
    """A `Study` from the JSON shape, or FileImportError naming every bad path."""
    check_schema(data, SCHEMA, file)
    cycles = data.get("cycles")
    study = Study(
        year=data["year"],
        unit=data.get("unit", ""),
        coefficients={k: float(v) for k, v in data.get("coefficients", {}).items()},
        activity=tuple(
            ActivityLine(a["category"], a["process"], float(a["count"]), a.get("month"))
            for a in data["activity"]
        ),
        staff=tuple(
            StaffLine(s["grade"], float(s["fte"]), float(s["cost_per_fte"]))
            for s in data.get("staff", [])
        ),
        equipment=tuple(
            EquipmentLine(
                e["kind"],
                float(e["purchase_value"]),
                e["purchase_year"],
                e["depreciation_years"],
                float(e.get("maintenance_per_year", 0.0)),
            )
            for e in data.get("equipment", [])
        ),
        consumables=float(data.get("consumables", 0.0)),
        energy=float(data.get("energy", 0.0)),
        premises=Premises(**{k: float(v) for k, v in data.get("premises", {}).items()}),
        software=float(data.get("software", 0.0)),
        transport=float(data.get("transport", 0.0)),
        overhead_rate=float(data.get("overhead_rate", 0.0)),
        cycles=Cycles(**cycles) if cycles else None,
    )
    problems = check_study(study)
    if problems:
        raise FileImportError(
            [
                SourceIssue(file, None, f"$.{where}", problem, "invalid")
                for where, problem in problems
            ]
        )
    return study


def study_to_data(study: Study) -> dict[str, Any]:
    """The JSON shape of a study (what `study_from_data` reads back)."""
    data: dict[str, Any] = {
        "format": 1,
        "year": study.year,
        "unit": study.unit,
        "coefficients": dict(study.coefficients),
        "activity": [
            {"category": a.category, "process": a.process, "count": a.count}
            | ({"month": a.month} if a.month is not None else {})
            for a in study.activity
        ],
        "staff": [
            {"grade": s.grade, "fte": s.fte, "cost_per_fte": s.cost_per_fte} for s in study.staff
        ],
        "equipment": [
            {
                "kind": e.kind,
                "purchase_value": e.purchase_value,
                "purchase_year": e.purchase_year,
                "depreciation_years": e.depreciation_years,
                "maintenance_per_year": e.maintenance_per_year,
            }
            for e in study.equipment
        ],
        "consumables": study.consumables,
        "energy": study.energy,
        "premises": {"m2": study.premises.m2, "cost_per_m2": study.premises.cost_per_m2},
        "software": study.software,
        "transport": study.transport,
        "overhead_rate": study.overhead_rate,
    }
    if study.cycles is not None:
        data["cycles"] = {k: v for k, v in vars(study.cycles).items() if v is not None}
    return data


def read_study(path: Path, table: CategoryTable | None = None) -> Study:
    """A study from its JSON file or from the study workbook."""
    if path.suffix.lower() == ".json":
        return study_from_data(load_json_file(path), path.name)
    return study_from_workbook(path, table)


# --- the workbook -----------------------------------------------------------------------------

SHEET_STUDY = "Étude"
SHEET_ACTIVITY = "Activité"
SHEET_COEFFICIENTS = "Coefficients"
SHEET_STAFF = "Personnel"
SHEET_EQUIPMENT = "Équipements"
SHEETS = (SHEET_STUDY, SHEET_ACTIVITY, SHEET_COEFFICIENTS, SHEET_STAFF, SHEET_EQUIPMENT)

# Sheet "Étude": one value per line, column B, found by its label in column A.
STUDY_FIELDS: dict[str, str] = {
    "year": "Année de l'étude",
    "unit": "Unité de stérilisation",
    "consumables": "Consommables : emballages, indicateurs et tests, détergents (€/an)",
    "energy": "Énergie, eau et vapeur (€/an)",
    "premises_m2": "Surface des locaux (m²)",
    "premises_cost": "Coût annuel des locaux par m² (€)",
    "software": "Logiciel de traçabilité (€/an)",
    "transport": "Transport entre les sites et les services (€/an)",
    "overhead_rate": "Frais de structure (taux, 0 à 1 ou %)",
    "sterilisers": "Stérilisateurs (nombre)",
    "cycles": "Cycles de stérilisation dans l'année",
    "days": "Jours de fonctionnement dans l'année",
    "loaded_units": "Paniers chargés dans l'année",
    "units_per_cycle": "Paniers par cycle (capacité d'un stérilisateur)",
    "washers": "Laveurs-désinfecteurs (nombre)",
    "washer_cycles": "Cycles de lavage dans l'année",
}
ACTIVITY_HEADINGS = ("Catégorie", "Libellé", "Procédé", "Mois (1-12, vide pour l'année)", "Nombre")
COEFFICIENT_HEADINGS = (
    "Catégorie",
    "Libellé",
    "Procédé",
    "Coefficient de la table (provisoire)",
    "Coefficient retenu",
)
STAFF_HEADINGS = ("Grade", "ETP", "Coût annuel par ETP (€)")
EQUIPMENT_HEADINGS = (
    "Équipement",
    "Valeur d'achat (€)",
    "Année d'achat",
    "Durée d'amortissement (années)",
    "Maintenance (€/an)",
)
STAFF_GRADES = (
    "Pharmacien",
    "Cadre de santé",
    "Infirmiers",
    "Agents de stérilisation",
    "Logistique",
)
EQUIPMENT_KINDS = (
    "Laveur-désinfecteur",
    "Stérilisateur vapeur",
    "Stérilisateur basse température",
    "Soudeuse",
)
PROCESS_WORDS = {
    "vapeur": "vapeur",
    "vapeurdeau": "vapeur",
    "basetemperature": "basse_temperature",
    "bassetemperature": "basse_temperature",
    "bt": "basse_temperature",
}


class _Sheets:
    def __init__(self, path: Path) -> None:
        from python_calamine import load_workbook

        read_grid(path)  # refuses missing, empty, foreign, damaged or protected files
        self.path = path
        self.names = load_workbook(str(path)).sheet_names
        self.issues: list[SourceIssue] = []

    def rows(self, sheet: str) -> list[tuple[int, list[Any]]]:
        name = next((n for n in self.names if fold(n) == fold(sheet)), None)
        if name is None:
            self.issues.append(
                SourceIssue(self.path.name, None, None, f"no sheet '{sheet}'", "missing_sheet")
            )
            return []
        return [
            (line, cells)
            for line, cells in read_grid(self.path, sheet=name).numbered()
            if any(not blank(c) for c in cells)
        ]

    def bad(self, sheet: str, line: int, column: int, message: str, code: str = "invalid") -> None:
        self.issues.append(
            SourceIssue(f"{self.path.name} ({sheet})", line, column_letter(column), message, code)
        )


def _cell(cells: list[Any], index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _number(
    sheets: _Sheets,
    sheet: str,
    line: int,
    cells: list[Any],
    index: int,
    *,
    whole: bool = False,
    low: float = 0.0,
    high: float = 1e12,
) -> float | None:
    raw = _cell(cells, index)
    if blank(raw):
        return None
    try:
        text = raw.replace("€", "").strip() if isinstance(raw, str) else raw
        value = parse_number(text)
    except CellError as err:
        sheets.bad(sheet, line, index, str(err), err.code)
        return None
    if whole and value != int(value):
        sheets.bad(sheet, line, index, f"'{shown(raw)}' is not a whole number", "not_integer")
        return None
    if not low <= value <= high:
        sheets.bad(
            sheet,
            line,
            index,
            f"'{shown(raw)}' is not between {low:g} and {high:g}",
            "out_of_range",
        )
        return None
    return value


def study_from_workbook(path: Path, table: CategoryTable | None = None) -> Study:
    table = table or shipped_table()
    sheets = _Sheets(path)
    values: dict[str, Any] = {}
    labels = {fold(label): key for key, label in STUDY_FIELDS.items()}
    ranges: dict[str, tuple[float, float, bool]] = {
        "year": (1990, 2100, True),
        "overhead_rate": (0, 100, False),
        "sterilisers": (1, 1000, True),
        "cycles": (0, 1e7, True),
        "days": (1, 366, True),
        "washers": (0, 1000, True),
        "washer_cycles": (0, 1e7, True),
    }
    for line, cells in sheets.rows(SHEET_STUDY):
        key = labels.get(fold(_cell(cells, 0)))
        if key is None:
            continue
        if key == "unit":
            raw = _cell(cells, 1)
            values[key] = "" if blank(raw) else str(raw).strip()
            continue
        low, high, whole = ranges.get(key, (0, 1e12, False))
        raw = _cell(cells, 1)
        if key == "overhead_rate" and isinstance(raw, str) and "%" in raw:
            number = _number(sheets, SHEET_STUDY, line, [cells[0], raw.replace("%", "")], 1)
            values[key] = None if number is None else number / 100
            continue
        number = _number(sheets, SHEET_STUDY, line, cells, 1, whole=whole, low=low, high=high)
        if key == "overhead_rate" and number is not None and number > 1:
            number /= 100
        values[key] = number
    if values.get("year") is None and not any(i.code == "missing_sheet" for i in sheets.issues):
        sheets.issues.append(
            SourceIssue(
                f"{path.name} ({SHEET_STUDY})",
                None,
                "B",
                f"'{STUDY_FIELDS['year']}' is required",
                "required",
            )
        )
    activity = _activity(sheets, table)
    coefficients = _coefficients(sheets)
    staff = _lines(
        sheets,
        SHEET_STAFF,
        lambda line, cells: (
            None
            if all(blank(_cell(cells, i)) for i in (1, 2))
            else (
                _text(cells, 0),
                _number(sheets, SHEET_STAFF, line, cells, 1, high=10_000),
                _number(sheets, SHEET_STAFF, line, cells, 2),
            )
        ),
    )
    equipment = _lines(
        sheets,
        SHEET_EQUIPMENT,
        lambda line, cells: (
            None
            if all(blank(_cell(cells, i)) for i in (1, 2, 3, 4))
            else (
                _text(cells, 0),
                _required(sheets, SHEET_EQUIPMENT, line, cells, 1),
                _required(sheets, SHEET_EQUIPMENT, line, cells, 2, whole=True, low=1950, high=2100),
                _required(sheets, SHEET_EQUIPMENT, line, cells, 3, whole=True, low=1, high=100),
                _number(sheets, SHEET_EQUIPMENT, line, cells, 4),
            )
        ),
    )
    if sheets.issues:
        raise FileImportError(sheets.issues)
    cycles = None
    if any(values.get(k) is not None for k in ("sterilisers", "cycles", "days")):
        missing = [k for k in ("sterilisers", "cycles", "days") if values.get(k) is None]
        if missing:
            raise FileImportError(
                [
                    SourceIssue(
                        f"{path.name} ({SHEET_STUDY})",
                        None,
                        "B",
                        "cycles need " + ", ".join(f"'{STUDY_FIELDS[k]}'" for k in missing),
                        "required",
                    )
                ]
            )
        cycles = Cycles(
            sterilisers=int(values["sterilisers"]),
            cycles=int(values["cycles"]),
            days=int(values["days"]),
            loaded_units=values.get("loaded_units"),
            units_per_cycle=values.get("units_per_cycle"),
            washers=None if values.get("washers") is None else int(values["washers"]),
            washer_cycles=(
                None if values.get("washer_cycles") is None else int(values["washer_cycles"])
            ),
        )
    study = Study(
        year=int(values["year"]),
        unit=values.get("unit", ""),
        activity=tuple(activity),
        staff=tuple(StaffLine(g, f or 0.0, c or 0.0) for g, f, c in staff),
        equipment=tuple(
            EquipmentLine(k, v or 0.0, int(y or 0), int(d or 1), m or 0.0)
            for k, v, y, d, m in equipment
        ),
        consumables=values.get("consumables") or 0.0,
        energy=values.get("energy") or 0.0,
        premises=Premises(values.get("premises_m2") or 0.0, values.get("premises_cost") or 0.0),
        software=values.get("software") or 0.0,
        transport=values.get("transport") or 0.0,
        overhead_rate=values.get("overhead_rate") or 0.0,
        coefficients=coefficients,
        cycles=cycles,
    )
    problems = check_study(study)
    if problems:
        raise FileImportError(
            [SourceIssue(path.name, None, where, problem, "invalid") for where, problem in problems]
        )
    return study


def _text(cells: list[Any], index: int) -> str:
    raw = _cell(cells, index)
    return "" if blank(raw) else str(raw).strip()


def _required(
    sheets: _Sheets, sheet: str, line: int, cells: list[Any], index: int, **kw: Any
) -> float | None:
    if blank(_cell(cells, index)):
        sheets.bad(sheet, line, index, "required", "required")
        return None
    return _number(sheets, sheet, line, cells, index, **kw)


def _lines(
    sheets: _Sheets, sheet: str, read: Callable[[int, list[Any]], tuple[Any, ...] | None]
) -> list[Any]:
    out = []
    for line, cells in sheets.rows(sheet)[1:]:
        item = read(line, cells)
        if item is not None:
            out.append(item)
    return out


def _activity(sheets: _Sheets, table: CategoryTable) -> list[ActivityLine]:
    out = []
    for line, cells in sheets.rows(SHEET_ACTIVITY)[1:]:
        if blank(_cell(cells, 4)):
            continue
        category = _text(cells, 0)
        if not category:
            sheets.bad(SHEET_ACTIVITY, line, 0, "a count needs its category", "required")
            continue
        raw_process = _text(cells, 2)
        known = table.get(category)
        process = PROCESS_WORDS.get(fold(raw_process)) if raw_process else None
        if process is None and not raw_process and known is not None:
            process = known.process
        if process is None:
            sheets.bad(
                SHEET_ACTIVITY,
                line,
                2,
                f"'{shown(raw_process)}' is not a process (vapeur or basse température)",
                "unknown_process",
            )
            continue
        month = _number(sheets, SHEET_ACTIVITY, line, cells, 3, whole=True, low=1, high=12)
        count = _number(sheets, SHEET_ACTIVITY, line, cells, 4)
        if count is None:
            continue
        out.append(ActivityLine(category, process, count, None if month is None else int(month)))
    return out


def _coefficients(sheets: _Sheets) -> dict[str, float]:
    out: dict[str, float] = {}
    for line, cells in sheets.rows(SHEET_COEFFICIENTS)[1:]:
        value = _number(sheets, SHEET_COEFFICIENTS, line, cells, 4, high=1e6)
        if value is None:
            continue
        category = _text(cells, 0)
        if not category:
            sheets.bad(SHEET_COEFFICIENTS, line, 0, "a coefficient needs its category", "required")
            continue
        out[category] = value
    return out
