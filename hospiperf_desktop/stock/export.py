"""Stock indicators and reorder suggestions as xlsx workbooks a pharmacist can file and share.

Headings are in French (the workbooks go to people); numbers stay numbers (with formats) so
they can be sorted and summed in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hospiperf_desktop.safe_cells import append_row, save_workbook
from hospiperf_desktop.stock.parameters import StockParameters
from hospiperf_desktop.stock.records import ReorderReport, StockIndicators, StockItem

LOCATION_LABELS = {"central": "Stock central (PUI / magasin)", "care_unit": "Unités de soins"}
CRITICALITY_LABELS = {"high": "Élevée", "medium": "Moyenne", "low": "Faible"}
REASON_LABELS = {
    "mitm": "MITM",
    "single_supplier": "fournisseur unique",
    "no_substitute": "sans substitut",
    "class_a": "classe A (80 % de la consommation)",
    "class_b": "classe B",
    "lead_time_long": "délai long",
    "lead_time_very_long": "délai très long",
}
EUROS = '#,##0.00 "€"'
WEEKS = "0.0"


def category_label(params: StockParameters, category: str) -> str:
    if category == "all":
        return "Toutes catégories"
    return params.category(category).label


def _sheet(workbook: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
           formats: dict[int, str] | None = None) -> None:  # fmt: skip
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title)
    append_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for row in rows:
        append_row(ws, row)
    for index, header in enumerate(headers, 1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, min(48, len(header) + 4))
        if formats and index in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = formats[index]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _items(items: Sequence[StockItem], params: StockParameters) -> list[list[Any]]:
    return [
        [i.code, i.label, category_label(params, i.category), i.location, i.lot, i.quantity,
         i.value, i.expiry_date]
        for i in items
    ]  # fmt: skip


def write_indicators_workbook(
    indicators: StockIndicators, params: StockParameters, path: Path, establishment: str
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Synthèse"
    append_row(summary, ["Indicateurs de stock", establishment])
    append_row(summary, ["Date d'observation", indicators.at])
    append_row(summary,
        ["Fenêtre de consommation", f"{indicators.window_weeks} semaines depuis le "
         f"{indicators.window_start:%d/%m/%Y}"]
    )  # fmt: skip
    append_row(summary, ["Repères", "MCO" if indicators.mco else "hors MCO"])
    append_row(summary, ["Mouvements dans la fenêtre", indicators.movement_count])
    append_row(summary, ["Stock dormant (valeur)", indicators.dormant_value])
    append_row(summary, ["Périmé à la date (valeur)", indicators.expired_value])
    append_row(summary, [f"Périmant sous {indicators.expiring_days} jours (valeur)",
                    indicators.expiring_value])  # fmt: skip
    append_row(summary, ["Sources", params.sources["targets"]])
    append_row(summary, ["", params.sources["benchmarks"]])
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 60
    coverage_headers = [
        "Catégorie", "Lieu", "Valeur du stock", "Consommation hebdomadaire",
        "Couverture (semaines)", "Cible (semaines)", "Repère (semaines)", "Rotation par an",
        "Trésorerie libérable",
    ]  # fmt: skip
    _sheet(
        workbook,
        "Couverture",
        coverage_headers,
        [
            [
                category_label(params, r.category),
                LOCATION_LABELS[r.location],
                r.stock_value,
                r.weekly_consumption_value,
                r.coverage_weeks,
                r.target_weeks,
                r.benchmark_weeks,
                r.rotation_per_year,
                r.cash_freed,
            ]
            for r in (*indicators.coverage, *indicators.totals)
        ],
        {3: EUROS, 4: EUROS, 5: WEEKS, 8: WEEKS, 9: EUROS},
    )
    _sheet(
        workbook,
        "Lieux",
        ["Lieu", "Type", "Date de l'inventaire", "Valeur du stock", "Consommation hebdomadaire",
         "Couverture (semaines)"],
        [
            [r.location, LOCATION_LABELS[r.kind], r.snapshot_date, r.stock_value,
             r.weekly_consumption_value, r.coverage_weeks]
            for r in indicators.locations
        ],
        {4: EUROS, 5: EUROS, 6: WEEKS},
    )  # fmt: skip
    item_headers = ["Code", "Libellé", "Catégorie", "Lieu", "Lot", "Quantité", "Valeur",
                    "Péremption"]  # fmt: skip
    _sheet(workbook, "Dormant", item_headers, _items(indicators.dormant, params), {7: EUROS})
    _sheet(workbook, "Péremptions", item_headers, _items(indicators.expiring, params), {7: EUROS})
    _sheet(
        workbook,
        "Par lit",
        ["Périmètre", "Valeur du stock", "Lits", "Valeur par lit", "Repère MCO par lit"],
        [
            ["PUI" if p.scope == "pui" else "Magasin général", p.stock_value, p.beds,
             p.value_per_bed, p.benchmark]
            for p in indicators.per_bed
        ],
        {2: EUROS, 4: EUROS, 5: EUROS},
    )  # fmt: skip
    save_workbook(workbook, path)


def write_reorder_workbook(
    report: ReorderReport, params: StockParameters, path: Path, establishment: str
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    headers = [
        "Code", "Libellé", "Catégorie", "MITM", "Stock central", "Conso. moyenne / semaine",
        "Écart-type / semaine", "Délai (jours)", "Stock de sécurité", "Point de commande",
        "Quantité à commander", "Jours de stock", "Risque de rupture", "Classe ABC",
        "Criticité", "Niveau", "Motifs", "Fournisseurs",
    ]  # fmt: skip
    _sheet(
        workbook,
        "Réapprovisionnement",
        headers,
        [
            [l.code, l.label, category_label(params, l.category), "oui" if l.mitm else "",
             l.on_hand, l.mean_weekly, l.sd_weekly, l.lead_days, l.safety_stock,
             l.reorder_point, l.order_quantity, l.days_left, "oui" if l.at_risk else "",
             l.abc_class, l.criticality_score, CRITICALITY_LABELS[l.criticality_level],
             ", ".join(REASON_LABELS[r] for r in l.criticality_reasons), ", ".join(l.suppliers)]
            for l in report.lines  # noqa: E741
        ],
        {6: "0.0", 7: "0.0", 9: "0.0", 10: "0.0", 12: "0"},
    )  # fmt: skip
    notes = workbook.create_sheet("Paramètres")
    for row in (
        ["Établissement", establishment],
        ["Date", report.at],
        ["Inventaire utilisé", report.snapshot_date],
        ["Fenêtre (semaines)", report.window_weeks],
        ["Taux de service", report.service_level],
        ["Période de révision (semaines)", report.review_weeks],
        ["Criticité maximale", report.criticality_maximum],
        ["Délais", params.sources["lead_times"]],
    ):
        append_row(notes, row)
    notes.column_dimensions["A"].width = 32
    notes.column_dimensions["B"].width = 60
    save_workbook(workbook, path)
