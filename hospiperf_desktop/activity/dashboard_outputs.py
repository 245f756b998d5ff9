"""The dashboard on paper and in Excel, laid out for a director: family by family, each
indicator with its value, N-1, variance and a trend that says in words whether it improved.

Colour follows the measure's direction (green for an improvement, red for a deterioration,
grey for a change of activity volume) and is never alone: the trend is written, and charts
hatch deteriorations so that they read in black and white.
"""

from __future__ import annotations

import functools
import math
import textwrap
from io import BytesIO
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from hospiperf_desktop.activity.dashboard import (
    BETTER,
    NEUTRAL,
    NO_COMPARISON,
    STABLE,
    WORSE,
    Dashboard,
    DashboardFamily,
    DashboardLine,
)
from hospiperf_desktop.activity.texts import (
    DIRECTION_LABELS,
    STATUS_LABELS,
    format_delta,
    format_pct,
    format_value,
    french_number,
)
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.french import french_spacing
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.safe_cells import append_row, save_workbook

# Fill colours (hex RGB) by status: pale tints that keep black text readable.
STATUS_FILLS = {
    BETTER: "D8EFD8",
    WORSE: "F6D5D5",
    STABLE: "EEEEEE",
    NEUTRAL: "E4EAF2",
    NO_COMPARISON: "FFFFFF",
}
# Chart bar colours by status.
_BAR_COLOURS = {BETTER: "#3a8a3a", WORSE: "#c0392b", STABLE: "#9e9e9e", NEUTRAL: "#6b7f99"}
_CHART_WRAP = 42
CHART_CAP = 100.0
WORKBOOK_CHART_DPI = 110


# --- charts --------------------------------------------------------------------------------


def family_chart_figure(family: DashboardFamily) -> Figure | None:
    """Variance against N-1, in %, one bar per indicator that has one; None if none has."""
    lines = [line for line in family.lines if line.delta_pct is not None]
    if not lines:
        return None
    labels = [textwrap.fill(french_spacing(line.label), _CHART_WRAP) for line in lines]
    rows = sum(label.count("\n") + 1 for label in labels)
    figure = Figure(figsize=(7.2, 0.8 + 0.17 * rows + 0.06 * len(lines)), layout="constrained")
    ax = figure.add_subplot()
    actual = [line.delta_pct or 0.0 for line in lines]
    # One outlier (+1 200 %) would flatten every other bar: bars stop at ±CHART_CAP %, and
    # their label gives the real value.
    values = [max(-CHART_CAP, min(CHART_CAP, v)) for v in actual]
    positions = list(range(len(lines)))
    bars = ax.barh(
        positions,
        values,
        height=0.6,
        color=[_BAR_COLOURS[line.status] for line in lines],
        edgecolor="black",
        linewidth=0.6,
    )
    for bar, line in zip(bars, lines, strict=True):
        if line.status == WORSE:
            bar.set_hatch("///")
    span = max(abs(v) for v in values) or 1.0
    for position, line, value, real in zip(positions, lines, values, actual, strict=True):
        text = f"{format_pct(real)} · {STATUS_LABELS[line.status]}"
        # Labels sit right of the bar, or right of zero for a fall: never over the names.
        ax.text(
            max(value, 0.0) + 0.03 * span,
            position,
            text.replace("\u00a0", " "),
            va="center",
            ha="left",
            fontsize=7.5,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_ylim(len(lines) - 0.5, -0.5)
    low = min(min(values), 0.0)
    ax.set_xlim(low * 1.1 - 0.05 * span, max(max(values), 0.0) + span * 1.3)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{french_number(x)} %")
    ax.tick_params(axis="x", labelsize=7.5)
    ax.set_title(f"{family.label} : écart à N-1 (%)", fontsize=9, loc="left")
    ax.xaxis.grid(True, color="0.7", linewidth=0.5, linestyle=":")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure


def rgb_image(figure: Figure, dpi: int) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombuffer("RGBA", canvas.get_width_height(), rgba, "raw", "RGBA", 0, 1)
    return image.convert("RGB")


def chart_png(figure: Figure, dpi: int = 130) -> bytes:
    """The chart as a colour PNG (screens and the workbook)."""
    from io import BytesIO

    buffer = BytesIO()
    rgb_image(figure, dpi).save(buffer, format="PNG")
    return buffer.getvalue()


# A process draws each chart once per content and resolution: switching back to an
# establishment, reloading the page or writing its workbook again reuses the picture (about
# 100 ms each to draw). A chart is a few dozen kB: 128 of them stay under 10 MB.
CHART_CACHE_SIZE = 128


@functools.lru_cache(maxsize=CHART_CACHE_SIZE)
def family_chart_png(family: DashboardFamily, dpi: int) -> bytes | None:
    """The family's chart (`family_chart_figure`) as a PNG, None if it has none; drawn once
    per family content and resolution in a process (the family is frozen, so its own key)."""
    figure = family_chart_figure(family)
    return None if figure is None else chart_png(figure, dpi)


# --- workbook ------------------------------------------------------------------------------


def _cell_value(line: DashboardLine, value: float | None) -> Any:
    return value if value is not None else "—"


def write_dashboard_workbook(
    dashboard: Dashboard, out: Path, progress: Progress | None = None
) -> None:
    """Sheet "Tableau de bord" (families, values, trends, charts) and sheet "Données"."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    progress = progress or NullProgress()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tableau de bord"
    sheet.sheet_view.showGridLines = False
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    append_row(sheet, [f"Tableau de bord de pilotage de la PUI — {dashboard.year}"])
    sheet["A1"].font = Font(bold=True, size=16)
    append_row(sheet, [f"{dashboard.name} (FINESS {dashboard.finess})"])
    sheet["A2"].font = Font(size=12)
    counts = dashboard.counts()
    append_row(
        sheet,
        [
            f"{counts[BETTER]} amélioration(s), {counts[WORSE]} dégradation(s),"
            f" {counts[STABLE]} stable(s), {counts[NEUTRAL]} évolution(s) d'activité,"
            f" {counts[NO_COMPARISON]} sans comparaison possible avec {dashboard.year - 1}."
        ],
    )
    append_row(
        sheet,
        [
            "Tendance : vert = amélioration, rouge = dégradation, gris = volume d'activité"
            " (ni bien ni mal). Les valeurs calculées sont en italique."
        ],
    )
    sheet["A4"].font = Font(italic=True, color="555555")
    append_row(sheet, [])
    headings = [
        "Indicateur",
        str(dashboard.year),
        str(dashboard.year - 1),
        "Écart",
        "Écart %",
        "Tendance",
        "Sens souhaité",
        "Origine de la valeur",
    ]
    total = len(dashboard.families) + 1
    for done, family in enumerate(dashboard.families):
        progress.check_cancelled()
        progress.report(done, total, family.label)
        append_row(sheet, [family.label])
        family_row = sheet.max_row
        sheet.cell(family_row, 1).font = Font(bold=True, size=13, color="FFFFFF")
        for col in range(1, len(headings) + 1):
            sheet.cell(family_row, col).fill = PatternFill("solid", fgColor="44546A")
        append_row(sheet, headings)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for line in family.lines:
            append_row(
                sheet,
                [
                    line.label,
                    _cell_value(line, line.value),
                    _cell_value(line, line.previous),
                    line.delta if line.delta is not None else "—",
                    line.delta_pct / 100 if line.delta_pct is not None else "—",
                    STATUS_LABELS[line.status],
                    DIRECTION_LABELS[line.direction],
                    line.origin,
                ],
            )
            row = sheet.max_row
            fmt = _excel_format(line.unit)
            for col in (2, 3, 4):
                sheet.cell(row, col).number_format = fmt
            sheet.cell(row, 5).number_format = "+0.0%;-0.0%;0.0%"
            fill = PatternFill("solid", fgColor=STATUS_FILLS[line.status])
            for col in range(1, len(headings) + 1):
                cell = sheet.cell(row, col)
                cell.border = border
                cell.alignment = Alignment(wrap_text=col in (1, 8), vertical="top")
            for col in (4, 5, 6):
                sheet.cell(row, col).fill = fill
            # openpyxl cannot size rows to wrapped text: estimate from the two wrapped columns.
            text_lines = max(math.ceil(len(line.label) / 55), math.ceil(len(line.origin) / 45))
            if text_lines > 1:
                sheet.row_dimensions[row].height = 15 * text_lines
            if line.computed:
                sheet.cell(row, 2).font = Font(italic=True)
                sheet.cell(row, 8).font = Font(italic=True, color="555555")
        png = family_chart_png(family, WORKBOOK_CHART_DPI)
        if png is not None:
            image = XlImage(BytesIO(png))
            scale = 620 / image.width
            image.width, image.height = round(image.width * scale), round(image.height * scale)
            # Below the table, so that the printed page keeps the table's width.
            top = sheet.max_row + 2
            sheet.add_image(image, f"A{top}")
            sheet.cell(top + int(image.height / 20) + 1, 1, None)  # rows are 20 px high
        append_row(sheet, [])
    for letter, width in zip("ABCDEFGH", (58, 15, 15, 14, 10, 20, 18, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B6"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is not None:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:2"
    data = workbook.create_sheet("Données")
    append_row(
        data,
        [
            "Famille",
            "Code",
            "Indicateur",
            "Unité",
            "Valeur",
            "Valeur N-1",
            "Écart",
            "Écart %",
            "Tendance",
            "Sens",
            "Calculé",
            "Origine",
        ],
    )
    for cell in data[1]:
        cell.font = Font(bold=True)
    for family in dashboard.families:
        for line in family.lines:
            append_row(
                data,
                [
                    family.label,
                    line.measure_id,
                    line.label,
                    line.unit,
                    line.value,
                    line.previous,
                    line.delta,
                    line.delta_pct,
                    line.status,
                    line.direction,
                    "oui" if line.computed else "non",
                    line.origin,
                ],
            )
    data.auto_filter.ref = data.dimensions
    data.freeze_panes = "A2"
    progress.report(len(dashboard.families), total, "Enregistrement")

    save_workbook(workbook, out)
    progress.report(total, total, "Classeur écrit")


def _excel_format(unit: str) -> str:
    if unit == "count":
        return "#,##0"
    if unit in ("amount", "signed_amount"):
        return '#,##0 "€"'
    if unit == "percent":
        return '0.0" %"'
    if unit == "days":
        return '0.0" j"'
    return "0.00"


# --- PDF -----------------------------------------------------------------------------------


def write_dashboard_pdf(dashboard: Dashboard, out: Path, progress: Progress | None = None) -> None:
    """An A4 dashboard: cover summary, then each family's table and chart."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

    from hospiperf_desktop import pdf_kit as kit
    from hospiperf_desktop.diagnostics.texts import format_date, local_time

    progress = progress or NullProgress()
    total = len(dashboard.families) + 2
    generated = local_time(dashboard.generated_at)
    story: list[Any] = [
        kit.para(f"Tableau de bord de pilotage de la PUI — {dashboard.year}", kit.H1),
        kit.para(f"{dashboard.name} — FINESS {dashboard.finess}", kit.SUBTITLE),
        Spacer(1, 6),
    ]
    counts = dashboard.counts()
    summary = [
        [kit.bold("Tendance"), kit.bold("Indicateurs")],
        *[
            [kit.para(STATUS_LABELS[s].capitalize()), kit.para(str(counts[s]))]
            for s in (BETTER, WORSE, STABLE, NEUTRAL, NO_COMPARISON)
        ],
    ]
    story.append(
        kit.bordered_table(
            summary,
            (60 * mm, 30 * mm),
            [
                ("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#" + STATUS_FILLS[s]))
                for i, s in enumerate((BETTER, WORSE, STABLE, NEUTRAL, NO_COMPARISON))
            ],
        )
    )
    story.append(
        kit.para(
            f"Chaque indicateur de {dashboard.year} est comparé à {dashboard.year - 1}. "
            "La tendance tient compte du sens souhaité : une hausse des événements déclarés est "
            "une amélioration, une hausse des jours de stock une dégradation ; les volumes "
            "d'activité n'ont pas de sens souhaité. Les valeurs en italique sont calculées "
            "à partir des données de l'application (leur origine est indiquée).",
            kit.SMALL,
        )
    )
    widths = (62 * mm, 21 * mm, 21 * mm, 19 * mm, 15 * mm, 36 * mm)
    for done, family in enumerate(dashboard.families, start=1):
        progress.check_cancelled()
        progress.report(done, total, family.label)
        rows: list[list[Any]] = [
            kit.header_row(
                "Indicateur",
                str(dashboard.year),
                str(dashboard.year - 1),
                "Écart",
                "Écart %",
                "Tendance",
            )
        ]
        commands = []
        for index, line in enumerate(family.lines, start=1):
            value_style = kit.CELL_BOLD if not line.computed else kit.CELL
            value_text = format_value(line.unit, line.value)
            value = (
                Paragraph(f"<i>{kit.markup(value_text)}</i>", kit.CELL)
                if line.computed
                else kit.para(value_text, value_style)
            )
            label = Paragraph(
                f"{kit.markup(line.label)}<br/><font size=6.5 color='#555555'>"
                f"{kit.markup(line.origin)}</font>",
                kit.CELL,
            )
            rows.append(
                [
                    label,
                    value,
                    kit.para(format_value(line.unit, line.previous)),
                    kit.para(format_delta(line.unit, line.delta)),
                    kit.para(format_pct(line.delta_pct)),
                    kit.para(STATUS_LABELS[line.status], kit.CELL_BOLD),
                ]
            )
            commands.append(
                (
                    "BACKGROUND",
                    (3, index),
                    (5, index),
                    colors.HexColor("#" + STATUS_FILLS[line.status]),
                )
            )
        block: list[Any] = [
            kit.para(family.label, kit.H2),
            Spacer(1, 3),
            kit.bordered_table(rows, widths, commands),
        ]
        figure = family_chart_figure(family)
        if figure is not None:
            block += [Spacer(1, 4), _pdf_chart(figure, 100 * mm)]
        story.append(CondPageBreak(60 * mm))
        story.append(KeepTogether(block))
    progress.check_cancelled()
    progress.report(total - 1, total, "Mise en page")
    footer = kit.Footer(
        left=kit.safe(f"{dashboard.name} — tableau de bord {dashboard.year}"),
        generated=kit.safe(f"Généré le {format_date(generated)} à {generated:%H:%M}"),
    )

    def on_page(canvas: Any, document: Any) -> None:
        progress.check_cancelled()

    def write(target: str) -> None:
        kit.a4_document(
            target,
            title=f"Tableau de bord PUI {dashboard.year} — {dashboard.name}",
            author="HospiPerf Desktop",
            subject="Tableau de bord de pilotage de la PUI",
            on_page=on_page,
        ).build(story, canvasmaker=functools.partial(kit.NumberedCanvas, footer=footer))

    write_atomically(out, write)
    progress.report(total, total, "Tableau de bord écrit")


def _pdf_chart(figure: Figure, max_height: float) -> Any:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    from hospiperf_desktop.pdf_kit import FRAME_WIDTH

    image = rgb_image(figure, dpi=170)

    class _Chart(Flowable):
        def __init__(self) -> None:
            super().__init__()
            scale = min(FRAME_WIDTH / image.width, max_height / image.height)
            self.width, self.height = image.width * scale, image.height * scale
            self.hAlign = "CENTER"

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            self.canv.drawImage(ImageReader(image), 0, 0, self.width, self.height)

    return _Chart()
