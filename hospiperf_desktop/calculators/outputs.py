"""Calculator inputs and results as workbooks (inputs in the layout the readers take back)
and as A4 PDF reports: the inputs, the results, the chart and the parameters' source.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from hospiperf_desktop.calculators import charts
from hospiperf_desktop.calculators.carbon import CarbonResult
from hospiperf_desktop.calculators.coordinated import CoordinatedInput, CoordinatedResult
from hospiperf_desktop.calculators.files import SCENARIO_HEADINGS, SITE_HEADINGS
from hospiperf_desktop.calculators.logistics import LogisticsResult, Scenario
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.purchasing import PurchasingResult
from hospiperf_desktop.calculators.texts import (
    KIND_LABELS,
    MISSION_LABELS,
    STATUS_LABELS,
    euros,
    percent,
    tonnes,
    years,
)
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.safe_cells import append_row, save_workbook

# --- workbooks ------------------------------------------------------------------------------


def _workbook() -> Any:
    from openpyxl import Workbook

    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    return workbook


def _sheet(
    workbook: Any, title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(title)
    append_row(sheet, headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        append_row(sheet, row)
    for index, heading in enumerate(headings, start=1):
        width = max([len(str(heading))] + [len(str(r[index - 1])) for r in rows if index <= len(r)])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(max(width, 10), 60)
    sheet.freeze_panes = "A2"
    return sheet


def _save(workbook: Any, out: Path) -> None:
    save_workbook(workbook, out)


def _flag(value: bool) -> str:
    return "oui" if value else "non"


def write_logistics_workbook(
    scenarios: Sequence[Scenario], results: Sequence[LogisticsResult], out: Path
) -> None:
    """Sheets Scénarios and Établissements (the input layout) and Résultats side by side."""
    workbook = _workbook()
    _sheet(
        workbook,
        "Scénarios",
        list(SCENARIO_HEADINGS.values()),
        [
            [
                s.name,
                s.kind,
                _flag(s.centralised),
                _flag(s.construction),
                s.ght_class,
                s.investments,
                s.extra_operating_costs,
                s.annualisation_years,
            ]
            for s in scenarios
        ],
    )
    site_rows = []
    for s in scenarios:
        for site in s.sites:
            site_rows.append(
                [s.name]
                + [
                    _flag(getattr(site, key))
                    if isinstance(getattr(site, key), bool)
                    else getattr(site, key)
                    for key in SITE_HEADINGS
                ]
            )
    _sheet(workbook, "Établissements", ["Scénario", *SITE_HEADINGS.values()], site_rows)
    lines: list[tuple[str, Callable[[LogisticsResult], Any]]] = [
        ("Impact sur les marchés (€/an)", lambda r: r.contracts),
        ("Gains RH hors soignants (€/an)", lambda r: r.hr_gains),
        ("Amortissement des surfaces libérées (€/an)", lambda r: r.surface_depreciation),
        ("Réduction de profondeur de stock, gain ponctuel (€)", lambda r: r.stock_gain_one_off),
        ("Réduction de profondeur de stock, étalée (€/an)", lambda r: r.stock_gain_annualised),
        ("Cession de surfaces, gain ponctuel (€)", lambda r: r.surface_sale_one_off),
        ("Cession de surfaces, étalée (€/an)", lambda r: r.surface_sale_annualised),
        ("Surcoûts annuels (€/an)", lambda r: -r.extra_operating_costs),
        ("Gains annuels nets (€/an)", lambda r: r.net_annual_gains),
        ("Investissements (€)", lambda r: r.investments),
        (
            "Retour sur investissement (années)",
            lambda r: "non atteint" if r.roi_years is None else r.roi_years,
        ),
        ("ETP soignants rendus aux soins (hors ROI)", lambda r: r.nursing_fte),
        ("Mutualisation initiale", lambda r: r.initial_pooling),
        ("Étalement des gains ponctuels (années)", lambda r: r.annualisation_years),
    ]
    _sheet(
        workbook,
        "Résultats",
        ["Poste", *(r.scenario for r in results)],
        [[label, *(get(r) for r in results)] for label, get in lines],
    )
    _sheet(
        workbook,
        "Signaux de viabilité",
        ["Scénario", "Signal", "Favorable", "Explication"],
        [[r.scenario, s.code, _flag(s.favourable), s.text] for r in results for s in r.signals],
    )
    _save(workbook, out)


def write_purchasing_workbook(result: PurchasingResult, out: Path) -> None:
    """The PAAT sheet annotated with performance, status and comment; totals by family."""
    workbook = _workbook()
    sheet = _sheet(
        workbook,
        "PAAT annoté",
        [
            "Ligne",
            "famille",
            "domaine",
            "categorie",
            "montant_reference",
            "type_effet",
            "montant_gain",
            "performance",
            "statut",
            "commentaire",
        ],
        [
            [
                c.source.line,
                c.source.famille,
                c.source.domaine,
                c.source.categorie,
                c.source.montant_reference,
                c.source.type_effet,
                c.source.montant_gain,
                c.performance,
                STATUS_LABELS[c.status],
                c.reason,
            ]
            for c in result.lines
        ],
    )
    from openpyxl.styles import PatternFill

    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 8).number_format = "0.0%"
        rejected = sheet.cell(row, 9).value == STATUS_LABELS["rejected"]
        fill = PatternFill("solid", fgColor="F6D5D5" if rejected else "D8EFD8")
        sheet.cell(row, 9).fill = fill
        sheet.cell(row, 10).fill = fill
    sheet.auto_filter.ref = sheet.dimensions
    summary = _sheet(
        workbook,
        "Synthèse par famille",
        [
            "Famille",
            "Lignes",
            "Retenues",
            "Montant de référence retenu (€)",
            "Gain retenu (€)",
            "Performance",
        ],
        [
            [f.famille, f.lines, f.accepted, f.reference, f.gain, f.performance]
            for f in result.families
        ]
        + [
            [
                "Total",
                result.accepted + result.rejected,
                result.accepted,
                result.reference,
                result.gain,
                result.performance,
            ]
        ],
    )
    for row in range(2, summary.max_row + 1):
        summary.cell(row, 6).number_format = "0.0%"
    _save(workbook, out)


def write_carbon_workbook(result: CarbonResult, out: Path) -> None:
    workbook = _workbook()
    _sheet(
        workbook,
        "Achats",
        ["famille", "montant", "facteur", "source", "annee", "incertitude"],
        [
            [
                line.family,
                line.amount,
                line.factor.kg_per_eur,
                line.factor.source,
                line.factor.year,
                None if line.factor.uncertainty_assumed else line.factor.uncertainty,
            ]
            for line in result.lines
        ],
    )
    _sheet(
        workbook,
        "Estimation",
        [
            "Famille",
            "Achats (€)",
            "Facteur (kg CO2e/€)",
            "Émissions (t CO2e)",
            "Basse",
            "Haute",
            "Incertitude",
            "Source du facteur",
        ],
        [
            [
                line.label,
                line.amount,
                line.factor.kg_per_eur,
                line.tonnes if line.tonnes is not None else "non estimé",
                line.low,
                line.high,
                f"±{line.factor.uncertainty * 100:.0f} %"
                + (" (hypothèse par défaut)" if line.factor.uncertainty_assumed else ""),
                line.factor.source,
            ]
            for line in result.lines
        ]
        + [
            [
                "Total estimé",
                result.estimated_amount,
                None,
                result.tonnes,
                result.low,
                result.high,
                None,
                f"Non estimé : {euros(result.unestimated_amount)} d'achats sans facteur",
            ]
        ],
    )
    _save(workbook, out)


def write_coordinated_workbook(
    data: CoordinatedInput, result: CoordinatedResult, out: Path
) -> None:
    workbook = _workbook()
    _sheet(
        workbook,
        "Simulation",
        ["Donnée", "Valeur"],
        [
            ["Structure", f"{result.structure.id} — {result.structure.label}"],
            ["Patients, pharmacien correspondant", data.correspondant_patients],
            ["Patients, dispensation sous protocole", data.protocol_patients],
            ["Téléconsultations dans l'année", data.teleconsultations],
            ["Première année", _flag(data.first_year)],
            ["Zone sous-dense (ZIP ou ZAC)", _flag(data.under_served_area)],
            ["Part du pharmacien sur le protocole", result.pharmacist_share],
        ],
    )
    _sheet(
        workbook,
        "Rémunération",
        ["Mission", "Ouverte", "Montant (€/an)", "Avant plafond (€)", "Plafonnée", "Note"],
        [
            [
                MISSION_LABELS[m.mission],
                _flag(m.available),
                m.amount,
                m.uncapped,
                _flag(m.capped),
                m.note,
            ]
            for m in result.missions
        ]
        + [["Total", "", result.total, "", "", ""]],
    )
    _sheet(
        workbook,
        "Exigences de la structure",
        ["Exigence"],
        [[text] for text in result.structure.requirements] + [[result.structure.funding]],
    )
    _save(workbook, out)


# --- PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[list[str]]  # the first row is the heading
    widths: tuple[float, ...]  # millimetres


def _pdf(
    out: Path,
    title: str,
    subtitle: str,
    sections: Sequence[Section],
    figure: Figure | None,
    notes: Sequence[str],
    progress: Progress | None = None,
) -> None:
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable, KeepTogether, Spacer

    from hospiperf_desktop import pdf_kit as kit
    from hospiperf_desktop.activity.dashboard_outputs import rgb_image
    from hospiperf_desktop.diagnostics.texts import format_date, local_time

    progress = progress or NullProgress()
    progress.report(0, 3, "Mise en page")
    story: list[Any] = [kit.para(title, kit.H1), kit.para(subtitle, kit.SUBTITLE), Spacer(1, 6)]
    for section in sections:
        rows = [kit.header_row(*section.rows[0])] + [
            [kit.para(cell) for cell in row] for row in section.rows[1:]
        ]
        story.append(
            KeepTogether(
                [
                    kit.para(section.title, kit.H2),
                    Spacer(1, 3),
                    kit.bordered_table(rows, [w * mm for w in section.widths]),
                ]
            )
        )
    progress.check_cancelled()
    if figure is not None:
        image = rgb_image(figure, dpi=170)

        class _Chart(Flowable):
            def __init__(self) -> None:
                super().__init__()
                scale = min(kit.FRAME_WIDTH / image.width, 110 * mm / image.height)
                self.width, self.height = image.width * scale, image.height * scale

            def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
                return self.width, self.height

            def draw(self) -> None:
                self.canv.drawImage(ImageReader(image), 0, 0, self.width, self.height)

        story += [Spacer(1, 8), _Chart()]
    for note in notes:
        story.append(kit.para(note, kit.SMALL))
    progress.report(1, 3, "Écriture")
    generated = local_time(datetime.now(UTC))
    footer = kit.Footer(
        left=kit.safe(title),
        generated=kit.safe(f"Généré le {format_date(generated)} à {generated:%H:%M}"),
    )

    def on_page(canvas: Any, document: Any) -> None:
        progress.check_cancelled()

    def write(target: str) -> None:
        kit.a4_document(
            target, title=title, author="HospiPerf Desktop", subject=subtitle, on_page=on_page
        ).build(story, canvasmaker=functools.partial(kit.NumberedCanvas, footer=footer))

    write_atomically(out, write)
    progress.report(3, 3, "PDF écrit")


def logistics_pdf(
    scenarios: Sequence[Scenario],
    results: Sequence[LogisticsResult],
    out: Path,
    subtitle: str,
    progress: Progress | None = None,
) -> None:
    names = [r.scenario for r in results]
    width = (174 - 70) / max(len(results), 1)
    widths = (70.0, *([width] * len(results)))
    gains = Section(
        "Gains et retour sur investissement",
        [
            ["Poste", *names],
            ["Type de scénario", *(KIND_LABELS[s.kind] for s in scenarios)],
            ["Impact sur les marchés (par an)", *(euros(r.contracts) for r in results)],
            ["Gains RH hors soignants (par an)", *(euros(r.hr_gains) for r in results)],
            [
                "Amortissement des surfaces (par an)",
                *(euros(r.surface_depreciation) for r in results),
            ],
            ["Réduction de stock (ponctuel)", *(euros(r.stock_gain_one_off) for r in results)],
            [
                "Réduction de stock (étalée, par an)",
                *(euros(r.stock_gain_annualised) for r in results),
            ],
            ["Cession de surfaces (ponctuel)", *(euros(r.surface_sale_one_off) for r in results)],
            ["Surcoûts (par an)", *(euros(-r.extra_operating_costs) for r in results)],
            ["Gains annuels nets", *(euros(r.net_annual_gains) for r in results)],
            ["Investissements", *(euros(r.investments) for r in results)],
            ["Retour sur investissement", *(years(r.roi_years) for r in results)],
            [
                "ETP soignants rendus (hors ROI)",
                *(f"{r.nursing_fte:g}".replace(".", ",") for r in results),
            ],
            ["Mutualisation initiale", *(percent(r.initial_pooling) for r in results)],
        ],
        widths,
    )
    signals = Section(
        "Signaux de viabilité (d'après les 11 GHT pilotes)",
        [["Scénario", "Favorable", "Signal"]]
        + [[r.scenario, _flag(s.favourable), s.text] for r in results for s in r.signals],
        (40.0, 18.0, 116.0),
    )
    params = parameters("logistics")
    _pdf(
        out,
        "Mutualisation logistique : gains et retour sur investissement",
        subtitle,
        [gains, signals],
        charts.logistics_figure(results),
        [
            f"Méthode DGOS des gains en coût complet (paramètres version {params['version']}) :"
            " marchés 1,5 % / 0,5 % des achats stockés, cible de 4 semaines de stock central et"
            " 2 semaines en services. Les ETP soignants rendus aux soins ne sont ni un gain"
            " budgétaire ni dans le ROI.",
            params["stock_gain_annualisation_note"],
        ],
        progress,
    )


def purchasing_pdf(
    result: PurchasingResult, out: Path, subtitle: str, progress: Progress | None = None
) -> None:
    totals = Section(
        "Synthèse par famille (lignes retenues)",
        [["Famille", "Lignes", "Retenues", "Référence", "Gain", "Performance"]]
        + [
            [
                f.famille,
                str(f.lines),
                str(f.accepted),
                euros(f.reference),
                euros(f.gain),
                percent(f.performance),
            ]
            for f in result.families
        ]
        + [
            [
                "Total",
                str(result.accepted + result.rejected),
                str(result.accepted),
                euros(result.reference),
                euros(result.gain),
                percent(result.performance),
            ]
        ],
        (50.0, 16.0, 18.0, 32.0, 32.0, 26.0),
    )
    rejected = [c for c in result.lines if c.status == "rejected"]
    refused = Section(
        f"Lignes rejetées ({len(rejected)})",
        [["Ligne", "Famille", "Référence", "Gain", "Perf.", "Motif"]]
        + [
            [
                str(c.source.line),
                c.source.famille,
                euros(c.source.montant_reference),
                euros(c.source.montant_gain),
                percent(c.performance),
                c.reason,
            ]
            for c in rejected
        ],
        (12.0, 38.0, 26.0, 24.0, 16.0, 58.0),
    )
    _pdf(
        out,
        "Gains achats (PAAT) : contrôle des déclarations",
        subtitle,
        [totals, refused] if rejected else [totals],
        charts.purchasing_figure(result),
        [
            f"Contrôles DGOS (paramètres version {result.version}) ; performance = gain /"
            " montant de référence annuel. Gains déclarés sur des lignes rejetées : "
            f"{euros(result.rejected_gain)}.",
            parameters("purchasing")["control_bounds"]["note"],
        ],
        progress,
    )


def carbon_pdf(
    result: CarbonResult, out: Path, subtitle: str, progress: Progress | None = None
) -> None:
    section = Section(
        "Estimation par famille",
        [["Famille", "Achats", "Facteur (kg/€)", "Émissions", "Fourchette", "Source du facteur"]]
        + [
            [
                line.label,
                euros(line.amount),
                "—"
                if line.factor.kg_per_eur is None
                else f"{line.factor.kg_per_eur:g}".replace(".", ","),
                tonnes(line.tonnes),
                "—" if line.low is None else f"{tonnes(line.low)} à {tonnes(line.high)}",
                line.factor.source + (f" ({line.factor.year})" if line.factor.year else ""),
            ]
            for line in result.lines
        ],
        (32.0, 24.0, 16.0, 24.0, 30.0, 48.0),
    )
    _pdf(
        out,
        "Empreinte carbone des achats (méthode monétaire)",
        subtitle,
        [section],
        charts.carbon_figure(result),
        [
            f"Total estimé : {tonnes(result.tonnes)} (de {tonnes(result.low)} à"
            f" {tonnes(result.high)}), sur {euros(result.estimated_amount)} d'achats ;"
            f" {euros(result.unestimated_amount)} d'achats sans facteur ne sont pas estimés.",
            "La fourchette additionne les incertitudes de chaque famille comme si elles allaient"
            " dans le même sens : c'est une borne prudente. "
            + parameters("carbon")["default_uncertainty_note"],
        ],
        progress,
    )


def coordinated_pdf(
    data: CoordinatedInput,
    result: CoordinatedResult,
    out: Path,
    progress: Progress | None = None,
    subtitle: str | None = None,
) -> None:
    pay = Section(
        "Rémunération annuelle par mission",
        [["Mission", "Ouverte", "Montant", "Note"]]
        + [
            [
                MISSION_LABELS[m.mission],
                _flag(m.available),
                euros(m.amount),
                ("plafond atteint" if m.capped else m.note),
            ]
            for m in result.missions
        ]
        + [["Total", "", euros(result.total), ""]],
        (70.0, 18.0, 28.0, 58.0),
    )
    needs = Section(
        f"{result.structure.id} — {result.structure.label} : exigences",
        [["Exigence"]]
        + [[text] for text in result.structure.requirements]
        + [[f"Financements : {result.structure.funding}"]],
        (174.0,),
    )
    _pdf(
        out,
        "Exercice coordonné : simulation pour un pharmacien d'officine",
        (f"{subtitle} — " if subtitle else "")
        + f"{result.structure.id} — {data.correspondant_patients} patient(s) correspondant,"
        f" {data.protocol_patients} patient(s) sous protocole, {data.teleconsultations}"
        " téléconsultation(s)",
        [pay, needs],
        charts.coordinated_figure(result),
        [
            f"Barèmes version {result.version}. Rémunération sur objectifs de la structure :"
            f" {euros(result.structure_objective_payment)} ({result.structure_objective_year}),"
            " non comptée ci-dessus car liée à l'atteinte d'objectifs.",
            parameters("coordinated")["protocol"]["note"],
        ],
        progress,
    )
