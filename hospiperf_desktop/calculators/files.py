"""Reading calculator inputs from files, every problem reported with its place.

- Logistics scenarios: JSON (`{"scenarios": [{..., "sites": [{...}]}]}`) or the workbook
  this application writes (sheets "Scénarios" and "Établissements").
- PAAT sheets: CSV or spreadsheet with `famille,domaine,categorie,montant_reference,
  type_effet,montant_gain` or the usual French headings.
- Purchases for the carbon estimate: `famille,montant`, optionally `facteur,source,annee,
  incertitude` to give a family's factor.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path
from typing import Any

from hospiperf_desktop.calculators.carbon import FactorOverride, Purchase
from hospiperf_desktop.calculators.logistics import Scenario, SiteInput, check_scenario
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.purchasing import PaatLine
from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.stock.cells import CellError, blank, parse_flag, parse_number
from hospiperf_desktop.tabular import Row, Table, fold, headings_text, read_rows, read_table

# --- PAAT ---------------------------------------------------------------------------------

PAAT_COLUMNS: dict[str, frozenset[str]] = {
    "famille": frozenset({"famille", "familleachat", "familledachat", "segment"}),
    "domaine": frozenset({"domaine", "domaineachat", "sousfamille"}),
    "categorie": frozenset({"categorie", "categoriedachat", "sousdomaine"}),
    "montant_reference": frozenset(
        {
            "montantreference",
            "montantdereference",
            "montantdereferenceannuel",
            "montantdereferenceannuelttc",
            "montantdereferenceannueleurosttc",
            "assiette",
            "reference",
        }
    ),
    "type_effet": frozenset(
        {"typeeffet", "typedeffet", "typedeffetbudgetaire", "effetbudgetaire", "effet"}
    ),
    "montant_gain": frozenset({"montantgain", "montantdugain", "gain", "gains", "montantdesgains"}),
}
_PAAT_REQUIRED = ("famille", "montant_reference", "montant_gain")


def _columns(table: Table, wanted: dict[str, frozenset[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(table.headers):
        key = fold(heading)
        for name, synonyms in wanted.items():
            if name not in found and (key == fold(name) or key in synonyms):
                found[name] = index
                break
    return found


def _cell(row: Row, index: int | None) -> Any:
    if index is None or index >= len(row.cells):
        return None
    return row.cells[index]


def _text(value: Any) -> str:
    return "" if blank(value) else str(value).strip()


def _amount(value: Any) -> float:
    """Euros from a cell; the message of a bad cell quotes it as written."""
    if not isinstance(value, str):
        return parse_number(value)
    try:
        return parse_number(value.replace("€", "").strip())
    except CellError:
        raise CellError(f"'{value.strip()}' is not a number", "not_a_number") from None


def read_paat(path: Path) -> list[PaatLine]:
    table = read_table(path, header_hint=PAAT_COLUMNS["famille"] | {"famille"})
    columns = _columns(table, PAAT_COLUMNS)
    missing = [name for name in _PAAT_REQUIRED if name not in columns]
    if missing:
        raise FileImportError(
            [
                SourceIssue(
                    table.file,
                    table.header_line,
                    None,
                    f"missing column(s): {', '.join(missing)} (heading row:"
                    f" {headings_text(table.headers)})",
                    "missing_columns",
                    {"columns": ", ".join(missing)},
                )
            ]
        )
    issues: list[SourceIssue] = []
    lines = []
    for row in table.rows:
        amounts: dict[str, float | None] = {}
        for name in ("montant_reference", "montant_gain"):
            raw = _cell(row, columns[name])
            if blank(raw):
                amounts[name] = None
                continue
            try:
                amounts[name] = _amount(raw)
            except CellError as err:
                issues.append(table.issue(row, columns[name], str(err), err.code, value=str(raw)))
        lines.append(
            PaatLine(
                row.line,
                _text(_cell(row, columns.get("famille"))),
                _text(_cell(row, columns.get("domaine"))),
                _text(_cell(row, columns.get("categorie"))),
                amounts.get("montant_reference"),
                _text(_cell(row, columns.get("type_effet"))),
                amounts.get("montant_gain"),
            )
        )
    if issues:
        raise FileImportError(issues)
    if not lines:
        raise FileImportError(
            [SourceIssue(table.file, None, None, "the sheet has no PAAT line", "empty_file")]
        )
    return lines


# --- purchases for the carbon estimate -------------------------------------------------------

CARBON_COLUMNS: dict[str, frozenset[str]] = {
    "famille": frozenset({"famille", "family", "familleachat", "poste"}),
    "montant": frozenset({"montant", "amount", "achats", "montantachats", "montantttc", "depense"}),
    "facteur": frozenset({"facteur", "factor", "facteurdemission", "kgco2eparEuro".lower()}),
    "source": frozenset({"source", "sourcedufacteur"}),
    "annee": frozenset({"annee", "year", "anneedufacteur"}),
    "incertitude": frozenset({"incertitude", "uncertainty"}),
}


def _family_id(value: str) -> str | None:
    key = fold(value)
    for raw in parameters("carbon")["families"]:
        if key in (fold(raw["id"]), fold(raw["label"])):
            return str(raw["id"])
    return None


def read_purchases(path: Path) -> tuple[list[Purchase], dict[str, FactorOverride]]:
    table = read_table(path, header_hint=CARBON_COLUMNS["famille"])
    columns = _columns(table, CARBON_COLUMNS)
    if "famille" not in columns or "montant" not in columns:
        raise FileImportError(
            [
                SourceIssue(
                    table.file,
                    table.header_line,
                    None,
                    "the heading row needs the columns famille and montant",
                    "missing_columns",
                    {"columns": "famille, montant"},
                )
            ]
        )
    issues: list[SourceIssue] = []
    purchases: list[Purchase] = []
    overrides: dict[str, FactorOverride] = {}
    known = ", ".join(raw["id"] for raw in parameters("carbon")["families"])
    for row in table.rows:
        name = _text(_cell(row, columns["famille"]))
        if not name:
            continue
        family = _family_id(name)
        if family is None:
            issues.append(
                table.issue(
                    row, columns["famille"], f"unknown family '{name}' (known: {known})", "unknown"
                )
            )
            continue
        raw_amount = _cell(row, columns["montant"])
        try:
            amount = _amount(raw_amount)
            if amount < 0:
                raise CellError(f"{amount:g} is negative", "negative")
        except CellError as err:
            issues.append(
                table.issue(row, columns["montant"], str(err), err.code, value=str(raw_amount))
            )
            continue
        purchases.append(Purchase(family, amount))
        raw_factor = _cell(row, columns.get("facteur"))
        if blank(raw_factor):
            continue
        try:
            factor = _amount(raw_factor)
            if factor < 0:
                raise CellError(f"{factor:g} is negative", "negative")
        except CellError as err:
            issues.append(
                table.issue(row, columns["facteur"], str(err), err.code, value=str(raw_factor))
            )
            continue
        source = _text(_cell(row, columns.get("source")))
        if not source:
            issues.append(
                table.issue(
                    row,
                    columns["facteur"],
                    "a factor needs its source (column source)",
                    "factor_without_source",
                )
            )
            continue
        uncertainty = None
        raw_unc = _cell(row, columns.get("incertitude"))
        if not blank(raw_unc):
            try:
                text = (
                    str(raw_unc).replace("%", "").strip() if isinstance(raw_unc, str) else raw_unc
                )
                uncertainty = parse_number(text)
                if (isinstance(raw_unc, str) and "%" in raw_unc) or uncertainty > 1:
                    uncertainty /= 100
                if not 0 <= uncertainty <= 1:
                    raise CellError(f"{raw_unc} is not between 0 and 100 %", "out_of_range")
            except CellError as err:
                issues.append(table.issue(row, columns["incertitude"], str(err), err.code))
                continue
        year_raw = _cell(row, columns.get("annee"))
        year = None
        if not blank(year_raw):
            try:
                year = int(parse_number(year_raw))
            except CellError as err:
                issues.append(table.issue(row, columns["annee"], str(err), err.code))
                continue
        overrides[family] = FactorOverride(factor, source, year, uncertainty)
    if issues:
        raise FileImportError(issues)
    return purchases, overrides


# --- logistics scenarios ---------------------------------------------------------------------

_SITE_FIELDS = {f.name for f in fields(SiteInput)}
_SCENARIO_FIELDS = {f.name for f in fields(Scenario)} - {"sites"}


def _typed(kind: type, value: Any) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        return parse_flag(value)
    if kind is int:
        number = parse_number(value)
        if number != int(number):
            raise CellError(f"{value!r} is not a whole number", "not_integer")
        return int(number)
    if kind is float:
        return parse_number(value)
    return _text(value)


_SITE_TYPES = {
    "name": str,
    "support": bool,
    "keeps_platform": bool,
}
_SCENARIO_TYPES = {
    "name": str,
    "kind": str,
    "centralised": bool,
    "construction": bool,
    "ght_class": int,
}


def _scenario_from_mapping(
    raw: dict[str, Any], where: str, issues: list[SourceIssue], file: str
) -> Scenario | None:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "sites":
            continue
        if key not in _SCENARIO_FIELDS:
            issues.append(
                SourceIssue(file, None, f"{where}.{key}", "unknown field", "unknown_field")
            )
            continue
        if value is None:
            continue
        try:
            values[key] = _typed(_SCENARIO_TYPES.get(key, float), value)
        except CellError as err:
            issues.append(SourceIssue(file, None, f"{where}.{key}", str(err), err.code))
    sites = []
    for index, site in enumerate(raw.get("sites") or [], start=1):
        site_values: dict[str, Any] = {}
        for key, value in site.items():
            if key not in _SITE_FIELDS:
                issues.append(
                    SourceIssue(
                        file,
                        None,
                        f"{where}.sites[{index}].{key}",
                        "unknown field",
                        "unknown_field",
                    )
                )
                continue
            if value is None:
                continue
            try:
                site_values[key] = _typed(_SITE_TYPES.get(key, float), value)
            except CellError as err:
                issues.append(
                    SourceIssue(file, None, f"{where}.sites[{index}].{key}", str(err), err.code)
                )
        if "name" not in site_values:
            issues.append(
                SourceIssue(file, None, f"{where}.sites[{index}].name", "required", "required")
            )
            continue
        sites.append(SiteInput(**site_values))
    if "name" not in values:
        issues.append(SourceIssue(file, None, f"{where}.name", "required", "required"))
        return None
    return Scenario(**values, sites=tuple(sites))


def read_scenarios(path: Path) -> list[Scenario]:
    """Scenarios from JSON or from the application's workbook; checked before returned."""
    issues: list[SourceIssue] = []
    if path.suffix.lower() == ".json":
        from hospiperf_desktop.jsonfiles import load_json_file

        data = load_json_file(path, "calculator-logistics")
        raws = data.get("scenarios") if isinstance(data, dict) else None
        if not isinstance(raws, list) or not raws:
            raise FileImportError(
                [
                    SourceIssue(
                        path.name,
                        None,
                        None,
                        'expected {"scenarios": [...]} with at least one',
                        "shape",
                    )
                ]
            )
        scenarios = []
        for index, raw in enumerate(raws, start=1):
            if not isinstance(raw, dict):
                issues.append(
                    SourceIssue(path.name, None, f"scenarios[{index}]", "not an object", "shape")
                )
                continue
            scenario = _scenario_from_mapping(raw, f"scenarios[{index}]", issues, path.name)
            if scenario is not None:
                scenarios.append((f"scenarios[{index}]", scenario))
    else:
        scenarios = _scenarios_from_workbook(path, issues)
    for where, scenario in scenarios:
        for field_name, problem in check_scenario(scenario):
            issues.append(SourceIssue(path.name, None, f"{where}.{field_name}", problem, "invalid"))
    if issues:
        raise FileImportError(issues)
    return [scenario for _, scenario in scenarios]


SCENARIO_HEADINGS = {
    "name": "Scénario",
    "kind": "Type (single_platform / several_platforms)",
    "centralised": "Centralisé (oui/non)",
    "construction": "Construction (oui/non)",
    "ght_class": "Classe du GHT (1-4)",
    "investments": "Investissements (€)",
    "extra_operating_costs": "Surcoûts annuels (€)",
    "annualisation_years": "Étalement des gains ponctuels (années)",
}
SITE_HEADINGS = {
    "name": "Établissement",
    "support": "Support (oui/non)",
    "keeps_platform": "Garde une plateforme (oui/non)",
    "stocked_purchases": "Achats stockés (€/an)",
    "central_stock": "Stock central (€)",
    "ward_stock": "Stock des services (€)",
    "central_weekly_consumption": "Consommation hebdomadaire, stock central (€)",
    "ward_weekly_consumption": "Consommation hebdomadaire, services (€)",
    "stock_on_main_platform": "Stock sur la plateforme principale (€)",
    "surface_sale_price": "Cession des surfaces libérées (€)",
    "surface_yearly_depreciation": "Amortissement annuel des surfaces libérées (€)",
    "hr_gains": "Gains RH hors soignants (€/an)",
    "nursing_fte": "ETP soignants rendus aux soins",
}


def _scenarios_from_workbook(path: Path, issues: list[SourceIssue]) -> list[tuple[str, Scenario]]:
    def sheet(name: str) -> list[tuple[int, list[Any]]]:
        return [
            (line, cells)
            for line, cells in read_rows(path, sheet=name)
            if any(not blank(c) for c in cells)
        ]

    by_heading = {fold(v): k for k, v in SCENARIO_HEADINGS.items()}
    site_heading = {fold(v): k for k, v in SITE_HEADINGS.items()}
    scenario_rows = sheet("Scénarios")
    site_rows = sheet("Établissements")
    if not scenario_rows:
        issues.append(
            SourceIssue(path.name, None, None, "no 'Scénarios' sheet with a heading row", "shape")
        )
        return []
    header_line, header = scenario_rows[0]
    keys = [by_heading.get(fold(h)) for h in header]
    raws: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    from hospiperf_desktop.tabular import column_letter

    for line, cells in scenario_rows[1:]:
        raw = {k: (None if blank(v) else v) for k, v in zip(keys, cells, strict=False) if k}
        name = _text(raw.get("name"))
        if not name:
            issues.append(
                SourceIssue(
                    f"{path.name} (Scénarios)", line, "A", "a scenario needs a name", "required"
                )
            )
            continue
        raws[name] = {**raw, "name": name, "sites": []}
        order.append(name)
    if site_rows:
        _, site_header = site_rows[0]
        site_keys = [site_heading.get(fold(h)) for h in site_header]
        scenario_col = next(
            (i for i, h in enumerate(site_header) if fold(h) == fold("Scénario")), None
        )
        for line, cells in site_rows[1:]:
            owner = (
                _text(cells[scenario_col])
                if scenario_col is not None and scenario_col < len(cells)
                else ""
            )
            if owner not in raws:
                issues.append(
                    SourceIssue(
                        f"{path.name} (Établissements)",
                        line,
                        column_letter(scenario_col or 0),
                        f"unknown scenario '{owner}'",
                        "unknown_scenario",
                    )
                )
                continue
            site = {
                k: (None if blank(v) else v) for k, v in zip(site_keys, cells, strict=False) if k
            }
            raws[owner]["sites"].append(site)
    out = []
    for index, name in enumerate(order, start=1):
        scenario = _scenario_from_mapping(
            raws[name], f"Scénarios ligne {index + header_line}", issues, path.name
        )
        if scenario is not None:
            out.append((f"scénario « {name} »", scenario))
    return out


def finite(value: float) -> bool:
    return math.isfinite(value)
