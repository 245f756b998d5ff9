"""The diagnostic report as an A4 PDF in French: cover, scores and charts, critical items,
action plan and a signature block, with "Page N / M" on every page.

It is printed and photocopied, so nothing relies on colour: greys, bold and borders only.
Text uses the PDF standard Helvetica (WinAnsi encoding): every string goes through `_safe()`,
which sets French spacing and replaces the few characters WinAnsi lacks. The file is written
under a temporary name in the target folder and renamed at the end, so a cancelled or failed
run leaves no partial file.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from matplotlib.figure import Figure
from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hospiperf_desktop.diagnostics import charts
from hospiperf_desktop.diagnostics.planning import Priority
from hospiperf_desktop.diagnostics.records import DiagnosticDetail, PlanEntry
from hospiperf_desktop.diagnostics.scoring import NodeScore, ScoreReport
from hospiperf_desktop.diagnostics.texts import (
    ANSWER_LABELS,
    NBSP,
    PRIORITY_LABELS,
    SCORING_RULE,
    STATUS_LABELS,
    actor_label,
    format_date,
    format_score,
    french_spacing,
)
from hospiperf_desktop.progress import NullProgress, Progress

MARGIN = 18 * mm
FOOTER_SPACE = 22 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
FRAME_HEIGHT = A4[1] - MARGIN - FOOTER_SPACE
CHART_DPI = 150
# reportlab wraps every stream in ASCII85 by default: that only makes a PDF 7-bit clean, 25 %
# larger and, with reportlab's pure-Python encoder, costs a fifth of this report's time.
rl_config.useA85 = 0

_OnPage = Callable[[Canvas, BaseDocTemplate], None]

BLACK = colors.black
GRID = colors.Color(0.45, 0.45, 0.45)
HEADER_BG = colors.Color(0.8, 0.8, 0.8)
GROUP_BG = colors.Color(0.92, 0.92, 0.92)

_style = functools.partial(ParagraphStyle, fontName="Helvetica", textColor=BLACK)
TITLE = _style("title", fontName="Helvetica-Bold", fontSize=24, leading=29, spaceAfter=10)
SUBTITLE = _style("subtitle", fontName="Helvetica-Bold", fontSize=15, leading=19)
H1 = _style("h1", fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=8)
H2 = _style("h2", fontName="Helvetica-Bold", fontSize=11.5, leading=14, spaceBefore=10)
BODY = _style("body", fontSize=10, leading=13, spaceAfter=4)
SMALL = _style("small", fontSize=8, leading=10, spaceBefore=6)
CELL = _style("cell", fontSize=8, leading=9.6)
CELL_BOLD = _style("cell_bold", parent=CELL, fontName="Helvetica-Bold")
CELL_INDENT = _style("cell_indent", parent=CELL, leftIndent=8)
PLAN_CELL = _style("plan_cell", parent=CELL, fontSize=7.5, leading=9)
KEY = _style("key", fontName="Helvetica-Bold", fontSize=10, leading=13)
VALUE = _style("value", fontSize=10, leading=13)
BIG = _style("big", fontName="Helvetica-Bold", fontSize=18, leading=23)

# What WinAnsi lacks but French texts contain; anything else missing becomes "?".
_REPLACEMENTS = str.maketrans(
    {
        "\u202f": NBSP,
        "\u2009": " ",
        "\u2007": NBSP,
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2248": "~",
    }
)


def _winansi(text: str) -> str:
    text = text.translate(_REPLACEMENTS)
    return "".join(c if _in_winansi(c) else "?" for c in text)


@functools.cache
def _in_winansi(char: str) -> bool:
    if char in "\n\t":
        return True
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return char.isprintable() or char == NBSP


def _safe(text: str) -> str:
    """Plain text ready for the canvas: French spacing, WinAnsi characters only."""
    return _winansi(french_spacing(text))


def _markup(text: str) -> str:
    """Plain text ready for a Paragraph: `_safe()`, XML-escaped, line breaks kept."""
    return escape(_safe(text)).replace("\n", "<br/>").replace("\t", " ")


def _p(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(_markup(text), style)


def _bold(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(f"<b>{_markup(text)}</b>", style)


def _table(
    rows: list[list[Any]], widths: Sequence[float], commands: Sequence[tuple[Any, ...]] = ()
) -> Table:
    """A bordered table whose grey, bold header row repeats on every page."""
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BOX", (0, 0), (-1, -1), 0.9, BLACK),
                ("LINEBELOW", (0, 0), (-1, 0), 0.9, BLACK),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *commands,
            ]
        )
    )
    return table


def _header(*titles: str) -> list[Any]:
    return [_bold(title) for title in titles]


# --- cover -------------------------------------------------------------------------------


def _status(detail: DiagnosticDetail) -> str:
    summary = detail.summary
    if summary.validated_at is None:
        return "En cours (non validé)"
    by = f" par {actor_label(summary.validated_by)}" if summary.validated_by else ""
    return f"Validé le {format_date(summary.validated_at)}{by}"


def _cover(
    detail: DiagnosticDetail, report: ScoreReport, generated_at: datetime, author: str
) -> list[Flowable]:
    summary = detail.summary
    template = detail.template
    facts = [
        ("Questionnaire", template.title),
        ("Version", template.key),
        ("Diagnostic", summary.label),
        ("Statut", _status(detail)),
        ("Créé le", f"{format_date(summary.created_at)} par {actor_label(summary.author)}"),
        ("Rapport généré le", f"{_when(generated_at)} par {author}"),
    ]
    rows = [[_p(key + " :", KEY), _p(value, VALUE)] for key, value in facts]
    facts_table = Table(rows, colWidths=[45 * mm, FRAME_WIDTH - 45 * mm])
    facts_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [
        Spacer(1, 30 * mm),
        _p("Rapport d’autodiagnostic", TITLE),
        _p(summary.establishment_name, SUBTITLE),
        _p(f"FINESS : {summary.establishment_finess}", BODY),
        Spacer(1, 12 * mm),
        facts_table,
        Spacer(1, 14 * mm),
        _headline(report),
        PageBreak(),
    ]


def _when(moment: datetime) -> str:
    return f"{format_date(moment)} à {moment:%H:%M}"


def _headline(report: ScoreReport) -> Table:
    overall = report.overall
    failures = len(report.critical_failures)
    rows = [
        [_p("Score global", KEY), _p(format_score(overall.score), BIG)],
        [
            _p("Complétude", KEY),
            _p(f"{format_score(overall.completion)} ({_answered(overall)} items répondus)", VALUE),
        ],
        [_p("Items critiques en échec", KEY), _p(str(failures), VALUE)],
    ]
    table = Table(rows, colWidths=[60 * mm, FRAME_WIDTH - 60 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, BLACK),
                ("BACKGROUND", (0, 0), (-1, 0), GROUP_BG),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _answered(node: NodeScore) -> str:
    return f"{node.answered}{NBSP}/{NBSP}{node.total}"


# --- scores ------------------------------------------------------------------------------

_SCORE_WIDTHS = (FRAME_WIDTH - 75 * mm, 25 * mm, 25 * mm, 25 * mm)


def _score_row(label: Paragraph, node: NodeScore, style: ParagraphStyle = CELL) -> list[Any]:
    values = (format_score(node.score), format_score(node.completion), _answered(node))
    return [label, *(_p(value, style) for value in values)]


def _axes_table(detail: DiagnosticDetail, report: ScoreReport) -> Table:
    volets = {node.id: node for node in report.volets}
    axes = {node.id: node for node in report.axes}
    rows = [_header("Volet / axe", "Score", "Complétude", "Réponses")]
    commands: list[tuple[Any, ...]] = []
    for volet in detail.template.volets:
        if volet.id in volets:
            commands.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), GROUP_BG))
            rows.append(_score_row(_p(volet.label, CELL_BOLD), volets[volet.id], CELL_BOLD))
        rows += [
            _score_row(_p(f"{axis.id} · {axis.label}", CELL_INDENT), axes[axis.id])
            for axis in volet.axes
            if axis.id in axes
        ]
    commands.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 1.2, BLACK))
    total_label = _p("Ensemble du questionnaire", CELL_BOLD)
    rows.append(_score_row(total_label, report.overall, CELL_BOLD))
    return _table(rows, _SCORE_WIDTHS, commands)


def _themes_table(detail: DiagnosticDetail, report: ScoreReport) -> Table:
    themes = {node.id: node for node in report.themes}
    rows = [_header("Thème", "Score", "Complétude", "Réponses")]
    commands: list[tuple[Any, ...]] = []
    for axis in detail.template.axes:
        commands += [
            ("SPAN", (0, len(rows)), (-1, len(rows))),
            ("BACKGROUND", (0, len(rows)), (-1, len(rows)), GROUP_BG),
        ]
        rows.append([_p(f"Axe {axis.id} · {axis.label}", CELL_BOLD), "", "", ""])
        rows += [
            _score_row(_p(f"{theme.id} · {theme.label}", CELL_INDENT), themes[theme.id])
            for theme in axis.themes
            if theme.id in themes
        ]
    return _table(rows, _SCORE_WIDTHS, commands)


def _scores(detail: DiagnosticDetail, report: ScoreReport) -> list[Flowable]:
    return [
        _p("Scores", H1),
        _p("Par volet et par axe", H2),
        Spacer(1, 4),
        _axes_table(detail, report),
        _p(f"Règle de calcul : {SCORING_RULE}", SMALL),
        _p("Par thème", H2),
        Spacer(1, 4),
        _themes_table(detail, report),
    ]


class _Chart(Flowable):
    """A chart image drawn at the largest size that fits the frame, keeping its proportions.

    It takes the rendered image as is: going through PNG would compress and decompress it
    once more for nothing.
    """

    def __init__(self, image: PILImage.Image, max_height: float) -> None:
        super().__init__()
        scale = min(FRAME_WIDTH / image.width, max_height / image.height)
        self.image = image
        self.width, self.height = image.width * scale, image.height * scale
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(ImageReader(self.image), 0, 0, self.width, self.height)


def _chart_page(title: str, figure: Figure) -> list[Flowable]:
    image = charts.grey_image(figure, dpi=CHART_DPI)
    heading = H1.leading + H1.spaceAfter + 4
    return [PageBreak(), _p(title, H1), _Chart(image, FRAME_HEIGHT - heading)]


def _charts(report: ScoreReport) -> list[Flowable]:
    return [
        *_chart_page("Scores par axe", charts.radar_figure(report)),
        *_chart_page("Scores par thème", charts.theme_bars_figure(report)),
    ]


# --- critical items, action plan, signatures ---------------------------------------------


def _critical(detail: DiagnosticDetail, report: ScoreReport) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Items critiques en échec", H1)]
    if not report.critical_failures:
        return [*story, _p("Aucun item critique n’est en échec.", BODY)]
    story.append(
        _p(
            "Items critiques répondus « Partiellement » ou « Non » : à traiter en premier, "
            "quel que soit le score.",
            BODY,
        )
    )
    rows = [_header("Item", "Question", "Réponse", "Commentaire")]
    for item_id in report.critical_failures:
        answer = detail.answers.get(item_id)
        code = answer.code if answer else None
        rows.append(
            [
                _p(item_id, CELL_BOLD),
                _p(detail.template.item(item_id).text),
                _p(ANSWER_LABELS[code] if code else "", CELL_BOLD),
                _p(answer.comment if answer else ""),
            ]
        )
    widths = (16 * mm, FRAME_WIDTH - 97 * mm, 25 * mm, 56 * mm)
    return [*story, Spacer(1, 4), _table(rows, widths)]


_PLAN_HEADER = (
    "Priorité",
    "Item",
    "Action",
    "Intérêt / Difficulté / Délai",
    "Indicateur",
    "Responsable",
    "Échéance",
    "Statut",
)
_PLAN_WIDTHS = tuple(w * mm for w in (14, 13, 44, 18, 30, 21, 17, 17))


def _plan_row(entry: PlanEntry) -> list[Any]:
    priority = PRIORITY_LABELS[entry.priority]
    if entry.priority_overridden:
        priority += "\n(ajustée)"
    item = entry.item_id + ("\ncritique" if entry.critical else "")
    ratings = f"{entry.interest.value} / {entry.difficulty.value} / {entry.delay.value}"
    return [
        _p(priority, CELL_BOLD if entry.priority is Priority.HIGH else PLAN_CELL),
        _p(item, CELL_BOLD if entry.critical else PLAN_CELL),
        _p(entry.text, PLAN_CELL),
        _p(ratings, PLAN_CELL),
        _p(entry.indicator, PLAN_CELL),
        _p(entry.owner, PLAN_CELL),
        _p(format_date(entry.due_date), PLAN_CELL),
        _p(STATUS_LABELS[entry.status], PLAN_CELL),
    ]


def _plan(plan: Sequence[PlanEntry]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Plan d’actions", H1)]
    if not plan:
        return [*story, _p("Le plan d’actions ne compte aucune action.", BODY)]
    story.append(
        _p(
            f"{len(plan)} actions, par priorité. Priorité haute en gras ; « critique » signale "
            "une action qui répond à un item critique.",
            BODY,
        )
    )
    rows = [_header(*_PLAN_HEADER), *(_plan_row(entry) for entry in plan)]
    return [*story, Spacer(1, 4), _table(rows, _PLAN_WIDTHS)]


def _signatures(detail: DiagnosticDetail) -> list[Flowable]:
    summary = detail.summary
    half = FRAME_WIDTH / 2

    def block(title: str, name: str) -> list[list[Any]]:
        return [
            [_p(title, CELL_BOLD)],
            [_p(f"Nom : {name}", VALUE)],
            [_p("Fonction :", VALUE)],
            [_p("Date :", VALUE)],
            [_p("Signature :", VALUE)],
        ]

    left = block("Établi par", actor_label(summary.author))
    right = block("Validé par", actor_label(summary.validated_by))
    rows = [[a[0], b[0]] for a, b in zip(left, right, strict=True)]
    table = Table(rows, colWidths=[half, half], rowHeights=[None, 9 * mm, 9 * mm, 9 * mm, 30 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.8, BLACK),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [Spacer(1, 10 * mm), KeepTogether([_p("Validation", H2), Spacer(1, 6), table])]


# --- pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Footer:
    left: str
    generated: str


class _NumberedCanvas(Canvas):
    """Holds every page until the end, so each footer can say "Page N / M"."""

    def __init__(self, *args: Any, footer: _Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        # Keep the finished page and start a blank one; the page is drawn out in save().
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self._draw_footer(number, len(self._pages))
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        right_edge = A4[0] - MARGIN
        pages = f"Page {number} / {total}"
        self.saveState()
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        self.line(MARGIN, 15 * mm, right_edge, 15 * mm)
        self.setFillColor(BLACK)
        self.setFont("Helvetica-Bold", 8.5)
        self.drawRightString(right_edge, 11 * mm, pages)
        room = FRAME_WIDTH - stringWidth(pages, "Helvetica-Bold", 8.5) - 6 * mm
        self.setFont("Helvetica", 8)
        self.drawString(MARGIN, 11 * mm, _fit(self._footer.left, "Helvetica", 8, room))
        self.drawString(MARGIN, 7.5 * mm, self._footer.generated)
        self.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text`, shortened with "…" when it is wider than `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _document(
    target: str, detail: DiagnosticDetail, author: str, on_page: _OnPage
) -> BaseDocTemplate:
    summary = detail.summary
    # No frame padding: FRAME_WIDTH is exactly what tables and charts may use.
    frame = Frame(MARGIN, FOOTER_SPACE, FRAME_WIDTH, FRAME_HEIGHT, 0, 0, 0, 0)
    return BaseDocTemplate(
        target,
        pagesize=A4,
        pageTemplates=[PageTemplate("page", [frame], onPage=on_page)],
        title=f"Rapport d’autodiagnostic — {summary.establishment_name}",
        author=author,
        subject=f"{detail.template.title} ({detail.template.key})",
        creator="HospiPerf Desktop",
        lang="fr-FR",
    )


def _write_atomically(path: Path, write: Callable[[str], None]) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    os.close(descriptor)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(
    detail: DiagnosticDetail,
    report: ScoreReport,
    plan: Sequence[PlanEntry],
    path: Path,
    *,
    generated_at: datetime,
    author: str,
    progress: Progress | None = None,
) -> None:
    """Write the diagnostic's report to `path` (A4 PDF); `plan` is printed in the given order.

    `Cancelled` from `progress` (checked between sections and after each page) stops the job
    and leaves no file behind; an existing file at `path` is replaced only on success.
    """
    progress = progress or NullProgress()
    summary = detail.summary
    sections: list[tuple[str, Callable[[], list[Flowable]]]] = [
        ("Page de garde", lambda: _cover(detail, report, generated_at, author)),
        ("Scores", lambda: _scores(detail, report)),
        ("Graphiques", lambda: _charts(report)),
        ("Items critiques", lambda: _critical(detail, report)),
        ("Plan d’actions", lambda: [*_plan(plan), *_signatures(detail)]),
    ]
    total = len(sections) + 1
    story: list[Flowable] = []
    for done, (message, build) in enumerate(sections):
        progress.check_cancelled()
        progress.report(done, total, message)
        story += build()
    progress.check_cancelled()
    progress.report(len(sections), total, "Mise en page")
    footer = _Footer(
        left=_safe(f"{summary.establishment_name} — {detail.template.title}"),
        generated=_safe(f"Rapport généré le {_when(generated_at)}"),
    )

    def on_page(canvas: Canvas, document: Any) -> None:
        progress.check_cancelled()

    def write(target: str) -> None:
        _document(target, detail, author, on_page).build(
            story,
            canvasmaker=functools.partial(_NumberedCanvas, footer=footer),
        )

    _write_atomically(path, write)
    progress.report(total, total, "Rapport écrit")
