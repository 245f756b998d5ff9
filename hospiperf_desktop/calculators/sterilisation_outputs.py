"""The sterilisation study as a workbook (input layout the reader takes back, plus results)
and as an A4 PDF report with its cost-structure chart (greys and hatching, values written).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from hospiperf_desktop.activity.texts import french_number
from hospiperf_desktop.calculators.outputs import Section, _pdf, _sheet, _workbook
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.sterilisation import (
    STRUCTURE_PARTS,
    CategoryTable,
    PoolingResult,
    Study,
    StudyResult,
    shipped_table,
)
from hospiperf_desktop.calculators.sterilisation_files import (
    ACTIVITY_HEADINGS,
    COEFFICIENT_HEADINGS,
    EQUIPMENT_HEADINGS,
    EQUIPMENT_KINDS,
    SHEET_ACTIVITY,
    SHEET_COEFFICIENTS,
    SHEET_EQUIPMENT,
    SHEET_STAFF,
    SHEET_STUDY,
    STAFF_GRADES,
    STAFF_HEADINGS,
    STUDY_FIELDS,
)
from hospiperf_desktop.calculators.texts import euros, percent
from hospiperf_desktop.progress import Progress
from hospiperf_desktop.safe_cells import save_workbook

PROCESS_LABELS = {"vapeur": "Vapeur", "basse_temperature": "Basse température"}


def structure_labels() -> dict[str, str]:
    return dict(parameters("sterilisation")["structure_labels"])


def number(value: float | None, decimals: int = 0) -> str:
    return "—" if value is None else french_number(value, decimals)


def cents(value: float | None) -> str:
    """Euros to the cent (a cost per UO of 27,71 € must not read 28 €)."""
    return "—" if value is None else f"{french_number(value, 2)}\u00a0€"


@dataclass(frozen=True)
class Comparison:
    """Another result the study is set against: N-1, or another unit of the database."""

    label: str  # "N-1 (2025)" or the unit's name
    year: int
    total_cost: float
    uo_total: float
    cost_per_uo: float | None
    uo_per_fte: float | None


def _study_values(study: Study | None) -> dict[str, Any]:
    if study is None:
        return {}
    c = study.cycles
    return {
        "year": study.year,
        "unit": study.unit,
        "consumables": study.consumables,
        "energy": study.energy,
        "premises_m2": study.premises.m2,
        "premises_cost": study.premises.cost_per_m2,
        "software": study.software,
        "transport": study.transport,
        "overhead_rate": study.overhead_rate,
        "sterilisers": c.sterilisers if c else None,
        "cycles": c.cycles if c else None,
        "days": c.days if c else None,
        "loaded_units": c.loaded_units if c else None,
        "units_per_cycle": c.units_per_cycle if c else None,
        "washers": c.washers if c else None,
        "washer_cycles": c.washer_cycles if c else None,
    }


def write_study_workbook(
    study: Study | None,
    out: Path,
    result: StudyResult | None = None,
    table: CategoryTable | None = None,
    comparisons: Sequence[Comparison] = (),
) -> None:
    """The study's sheets (empty when `study` is None: the template) and, given, its results."""
    table = table or shipped_table()
    workbook = _workbook()
    values = _study_values(study)
    _sheet(
        workbook,
        SHEET_STUDY,
        ["Donnée", "Valeur"],
        [[label, values.get(key)] for key, label in STUDY_FIELDS.items()],
    )
    if study is not None:
        activity = [
            [
                a.category,
                (table.get(a.category).label if table.get(a.category) else a.category),  # type: ignore[union-attr]
                PROCESS_LABELS[a.process],
                a.month,
                a.count,
            ]
            for a in study.activity
        ]
    else:
        activity = [
            [c.id, c.label, PROCESS_LABELS[c.process], None, None] for c in table.categories
        ]
    _sheet(workbook, SHEET_ACTIVITY, list(ACTIVITY_HEADINGS), activity)
    own = dict(study.coefficients) if study else {}
    _sheet(
        workbook,
        SHEET_COEFFICIENTS,
        list(COEFFICIENT_HEADINGS),
        [
            [c.id, c.label, PROCESS_LABELS[c.process], c.coefficient, own.pop(c.id, None)]
            for c in table.categories
        ]
        + [[k, k, "", None, v] for k, v in own.items()],
    )
    _sheet(
        workbook,
        SHEET_STAFF,
        list(STAFF_HEADINGS),
        [[s.grade, s.fte, s.cost_per_fte] for s in study.staff]
        if study
        else [[g, None, None] for g in STAFF_GRADES],
    )
    _sheet(
        workbook,
        SHEET_EQUIPMENT,
        list(EQUIPMENT_HEADINGS),
        [
            [
                e.kind,
                e.purchase_value,
                e.purchase_year,
                e.depreciation_years,
                e.maintenance_per_year,
            ]
            for e in study.equipment
        ]
        if study
        else [[k, None, None, None, None] for k in EQUIPMENT_KINDS],
    )
    if result is not None:
        labels = structure_labels()
        _sheet(
            workbook,
            "Résultats",
            ["Indicateur", "Valeur"],
            [
                ["UO Sté (total)", result.uo_total],
                ["UO Sté vapeur", result.uo_by_process["vapeur"]],
                ["UO Sté basse température", result.uo_by_process["basse_temperature"]],
                ["ETP", result.fte],
                ["Coût direct (€)", result.direct_cost],
                ["Coût total (€)", result.total_cost],
                ["Coût par UO Sté (€)", result.cost_per_uo],
                ["UO Sté par ETP", result.uo_per_fte],
                ["Cycles par stérilisateur et par jour", result.cycles_per_steriliser_day],
                ["Taux de charge des stérilisateurs", result.load_rate],
                ["Version de la table des UO", result.table_version],
                [
                    "Origine de la table des UO",
                    table_origin_label(result.table_origin, result.table_publisher),
                ],
                ["Coefficients provisoires", "oui" if result.provisional else "non"],
                [
                    "Catégories au coefficient provisoire",
                    ", ".join(result.provisional_categories),
                ],
            ],
        )
        structure = _sheet(
            workbook,
            "Structure des coûts",
            ["Poste", "Montant (€/an)", "Part"],
            [
                [labels[p], result.structure[p], result.structure[p] / result.total_cost]
                if result.total_cost
                else [labels[p], result.structure[p], None]
                for p in STRUCTURE_PARTS
            ]
            + [["Total", result.total_cost, 1 if result.total_cost else None]],
        )
        for row in range(2, structure.max_row + 1):
            structure.cell(row, 2).number_format = "#,##0"
            structure.cell(row, 3).number_format = "0.0%"
        # Below the table, so that the sheet prints on one page width with its chart.
        chart = _structure_chart(structure, len(STRUCTURE_PARTS))
        chart.y_axis.majorUnit = _tick_step(max(result.structure.values(), default=0.0))
        structure.add_chart(chart, f"A{structure.max_row + 3}")
        structure.sheet_properties.pageSetUpPr.fitToPage = True
        structure.page_setup.fitToWidth, structure.page_setup.fitToHeight = 1, 0
        if comparisons:
            _sheet(
                workbook,
                "Comparaisons",
                ["Unité", "Année", "Coût total (€)", "UO Sté", "Coût par UO (€)", "UO par ETP"],
                [
                    [c.label, c.year, c.total_cost, c.uo_total, c.cost_per_uo, c.uo_per_fte]
                    for c in comparisons
                ],
            )
    save_workbook(workbook, out)


def _tick_step(largest: float) -> float | None:
    """A round step giving the amounts' axis two to four steps (1, 2 or 5 × 10^n), so
    that six-figure amounts do not run into each other."""
    if largest <= 0:
        return None
    power = 10.0 ** math.floor(math.log10(largest))
    return next(step * power for step in (0.2, 0.5, 1, 2, 5) if largest / (step * power) <= 4)


def _structure_chart(sheet: Any, parts: int) -> Any:
    """The cost structure as a native Excel bar chart over the sheet's cells (rows 2 to
    parts + 1, the total left out): grey bars, amounts written, as the PDF's chart."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList

    chart = BarChart()
    chart.type = "bar"  # horizontal: the long French labels read on the left
    chart.style = 2
    chart.title = "Structure du coût annuel"
    chart.x_axis.title = None
    chart.y_axis.title = "€ par an"
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first part on top, as in the sheet
    chart.y_axis.crosses = "max"  # with the parts reversed, keeps the amounts' axis below
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    values = Reference(sheet, min_col=2, min_row=1, max_row=parts + 1)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=parts + 1))
    series = chart.series[0]
    series.graphicalProperties.solidFill = "595959"
    series.graphicalProperties.line.solidFill = "000000"
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True  # the amount only (spreadsheets add the names otherwise)
    series.dLbls.showSerName = series.dLbls.showCatName = False
    series.dLbls.showLegendKey = series.dLbls.showPercent = False
    series.dLbls.numFmt = "#,##0 €"
    chart.height, chart.width = 9, 18  # cm
    return chart


NO_COST_YET = "Aucun coût saisi : la structure apparaîtra avec les premiers montants."


def structure_figure(result: StudyResult, comparisons: Sequence[Comparison] = ()) -> Figure:
    """Cost structure as grey hatched bars with the amounts written, and cost per UO beside
    the comparisons when there are any."""
    labels = structure_labels()
    parts = [p for p in STRUCTURE_PARTS if result.structure[p]]
    figure = Figure(figsize=(7.2, 2.2 + 0.3 * len(parts)), layout="constrained")
    axes = figure.subplots(
        1,
        2 if comparisons else 1,
        squeeze=False,
        width_ratios=[2, 1.25] if comparisons else [1],
    )[0]
    ax = axes[0]
    hatches = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
    for i, part in enumerate(parts):
        value = result.structure[part]
        ax.barh(
            i,
            value,
            color=str(0.35 + 0.08 * (i % 6)),
            hatch=hatches[i % len(hatches)],
            edgecolor="black",
            linewidth=0.5,
        )
        share = value / result.total_cost if result.total_cost else 0
        ax.text(
            value,
            i,
            f" {french_number(value)} € ({french_number(share * 100, 1)} %)",
            va="center",
            fontsize=7,
        )
    ax.set_yticks(range(len(parts)), [labels[p] for p in parts], fontsize=7.5)
    ax.set_ylim(len(parts) - 0.5, -0.6)
    ax.set_xlim(0, max([result.structure[p] for p in parts] or [1]) * 1.6)
    ax.xaxis.set_major_formatter(lambda v, _p: f"{french_number(v)} €")
    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title("Structure du coût annuel", fontsize=9.5, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not parts:  # nothing to draw: an empty frame with "0 €, 1 €, 1 €" would say nothing
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            NO_COST_YET,
            ha="center",
            va="center",
            fontsize=8,
            transform=ax.transAxes,
        )
    if comparisons:
        bx = axes[1]
        names = ["Cette étude", *(c.label for c in comparisons)]
        costs = [result.cost_per_uo or 0.0, *((c.cost_per_uo or 0.0) for c in comparisons)]
        for i, cost in enumerate(costs):
            bx.bar(
                i,
                cost,
                color="0.35" if i == 0 else "0.8",
                hatch="" if i == 0 else "//",
                edgecolor="black",
                linewidth=0.5,
            )
            bx.text(i, cost, f"{french_number(cost, 2)} €", ha="center", va="bottom", fontsize=7)
        bx.set_xticks(range(len(names)), names, fontsize=7, rotation=20, ha="right")
        bx.set_title("Coût par UO Sté", fontsize=9.5, loc="left")
        bx.tick_params(axis="y", labelsize=7)
        for side in ("top", "right"):
            bx.spines[side].set_visible(False)
    return figure


def table_origin_label(origin: str, publisher: str = "") -> str:
    if origin == "package":
        return "référentiel ARS" + (f" ({publisher})" if publisher else "")
    if origin == "local":
        return "table locale"
    return "table livrée"


def table_text(result: StudyResult) -> str:
    """Which table gave the coefficients, its version, and which of them were provisional."""
    text = (
        f"Table des UO Sté : {table_origin_label(result.table_origin, result.table_publisher)},"
        f" version {result.table_version}"
    )
    if result.own_coefficients:
        text += " ; coefficients de l'étude pour : " + ", ".join(result.own_coefficients)
    if result.provisional:
        return (
            text
            + " ; coefficients PROVISOIRES pour : "
            + ", ".join(result.provisional_categories)
            + "."
        )
    return text + " ; aucun coefficient provisoire."


def result_rows(result: StudyResult) -> list[list[str]]:
    return [
        ["Indicateur", "Valeur"],
        ["Activité (UO Sté)", number(result.uo_total)],
        [
            "dont vapeur / basse température",
            f"{number(result.uo_by_process['vapeur'])} / "
            f"{number(result.uo_by_process['basse_temperature'])}",
        ],
        ["Effectif (ETP)", number(result.fte, 2)],
        ["Coût total annuel", euros(result.total_cost)],
        [
            "Coût par UO Sté",
            "—" if result.cost_per_uo is None else f"{number(result.cost_per_uo, 2)}\u00a0€",
        ],
        ["UO Sté par ETP", number(result.uo_per_fte)],
        ["Cycles par stérilisateur et par jour", number(result.cycles_per_steriliser_day, 1)],
        ["Taux de charge des stérilisateurs", percent(result.load_rate)],
        [
            "Table des UO Sté",
            f"{table_origin_label(result.table_origin, result.table_publisher)}"
            f" {result.table_version}"
            + (
                " — coefficients provisoires : " + ", ".join(result.provisional_categories)
                if result.provisional
                else " — aucun coefficient provisoire"
            ),
        ],
    ]


def study_pdf(
    study: Study,
    result: StudyResult,
    out: Path,
    subtitle: str,
    comparisons: Sequence[Comparison] = (),
    progress: Progress | None = None,
    positions: Sequence[tuple[str, str]] = (),
) -> None:
    """`positions`: (indicator, regional position) from an installed benchmark file."""
    labels = structure_labels()
    sections = [
        Section("Résultats", result_rows(result), (110.0, 64.0)),
        Section(
            "Structure des coûts",
            [["Poste", "Montant annuel", "Part"]]
            + [
                [
                    labels[p],
                    euros(result.structure[p]),
                    percent(result.structure[p] / result.total_cost if result.total_cost else None),
                ]
                for p in STRUCTURE_PARTS
            ]
            + [["Total", euros(result.total_cost), percent(1.0 if result.total_cost else None)]],
            (94.0, 50.0, 30.0),
        ),
        Section(
            "Activité par catégorie",
            [["Catégorie", "Procédé", "Nombre", "Coefficient", "UO Sté"]]
            + [
                [
                    f"{c.category} — {c.label}",
                    PROCESS_LABELS[c.process],
                    number(c.count),
                    french_number(c.coefficient, 2) + (" (provisoire)" if c.provisional else ""),
                    number(c.uo),
                ]
                for c in result.categories
            ],
            (74.0, 26.0, 22.0, 30.0, 22.0),
        ),
    ]
    if comparisons:
        sections.append(
            Section(
                "Comparaisons",
                [["Unité", "Année", "Coût total", "UO Sté", "Coût par UO", "UO par ETP"]]
                + [
                    [
                        c.label,
                        str(c.year),
                        euros(c.total_cost),
                        number(c.uo_total),
                        "—" if c.cost_per_uo is None else f"{number(c.cost_per_uo, 2)}\u00a0€",
                        number(c.uo_per_fte),
                    ]
                    for c in comparisons
                ],
                (44.0, 14.0, 32.0, 26.0, 30.0, 28.0),
            )
        )
    if positions:
        sections.append(
            Section(
                "Position régionale",
                [["Indicateur", "Position"], *[[label, text] for label, text in positions]],
                (60.0, 114.0),
            )
        )
    notes = [
        table_text(result),
        "Coût total = coût direct × (1 + taux de frais de structure) ; un équipement compte"
        " valeur d'achat / durée d'amortissement pendant sa durée d'amortissement, puis sa"
        " seule maintenance.",
        parameters("sterilisation")["source"],
    ]
    _pdf(
        out,
        f"Étude de coûts de la stérilisation {study.year}",
        subtitle,
        sections,
        structure_figure(result, comparisons),
        notes,
        progress,
    )


def pooling_rows(result: PoolingResult) -> list[list[str]]:
    names = [r.unit or f"Unité {i}" for i, r in enumerate(result.before, 1)]
    rows = [["Indicateur", *names, "Ensemble avant", "Après mutualisation"]]
    rows.append(
        [
            "UO Sté",
            *(number(r.uo_total) for r in result.before),
            number(result.before_uo_total),
            number(result.after.uo_total),
        ]
    )
    rows.append(
        [
            "Coût total",
            *(euros(r.total_cost) for r in result.before),
            euros(result.before_total_cost),
            euros(result.after.total_cost),
        ]
    )
    rows.append(
        [
            "Coût par UO Sté",
            *(cents(r.cost_per_uo) for r in result.before),
            cents(result.before_cost_per_uo),
            cents(result.after.cost_per_uo),
        ]
    )
    return rows


MACHINES = {"sterilisers": "Stérilisateurs", "washers": "Laveurs"}


def capacity_lines(result: PoolingResult) -> list[str]:
    """One line per kind of machine: needed against available, or why it was not checked."""
    lines = []
    checked = {c.machines: c for c in result.capacity}
    for machines, label in MACHINES.items():
        c = checked.get(machines)
        if c is None:
            lines.append(f"{label} : non évalué (cycles non donnés par toutes les unités)")
            continue
        lines.append(
            f"{label} : {c.needed} nécessaire(s) pour {number(c.cycles)} cycles par an"
            f" ({number(c.per_machine)} par machine), {c.available} disponible(s)"
            + ("" if c.enough else " — INSUFFISANT")
        )
    return lines


def pooling_text(result: PoolingResult) -> list[str]:
    """The pooling as text lines (CLI): units side by side, capacity, assumptions."""
    rows = pooling_rows(result)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    lines += ["", "Capacité de l'unité mutualisée :"]
    lines += [f"  {line}" for line in capacity_lines(result)]
    lines += ["", "Hypothèses :"]
    lines += [f"  {statement}" for statement in result.statements]
    return lines
