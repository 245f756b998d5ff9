"""The diagnostic report as an A4 PDF in French: cover, scores and charts, critical items,
action plan and a signature block, with "Page N / M" on every page.

It is printed and photocopied, so nothing relies on colour: greys, bold and borders only.
The page layout, styles, WinAnsi-safe text, page numbers and atomic writing come from
`hospiperf_desktop/pdf_kit.py`, which the other modules' PDFs share.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from PIL import Image as PILImage
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
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
    PRIORITY_LABELS,
    SCORING_RULE,
    STATUS_LABELS,
    actor_label,
    format_date,
    format_score,
    local_time,
)
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.french import NBSP
from hospiperf_desktop.pdf_kit import (
    BIG,
    BLACK,
    BODY,
    CELL,
    CELL_BOLD,
    CELL_INDENT,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GRID,
    GROUP_BG,
    H1,
    H2,
    HEADER_BG,
    KEY,
    PLAN_CELL,
    SMALL,
    SUBTITLE,
    TITLE,
    VALUE,
    Footer,
    NumberedCanvas,
    OnPage,
    a4_document,
    bordered_table,
    header_row,
    para,
    safe,
)
from hospiperf_desktop.progress import NullProgress, Progress

CHART_DPI = 150

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
        ("Version", f"version {template.version}"),
        ("Diagnostic", summary.label),
        ("Statut", _status(detail)),
        ("Créé le", f"{format_date(summary.created_at)} par {actor_label(summary.author)}"),
        ("Rapport généré le", f"{_when(generated_at)} par {author}"),
    ]
    rows = [[para(key + " :", KEY), para(value, VALUE)] for key, value in facts]
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
        para("Rapport d’autodiagnostic", TITLE),
        para(summary.establishment_name, SUBTITLE),
        para(f"FINESS : {summary.establishment_finess}", BODY),
        Spacer(1, 12 * mm),
        facts_table,
        Spacer(1, 14 * mm),
        _headline(report),
        PageBreak(),
    ]


def _when(moment: datetime) -> str:
    return f"{format_date(moment)} à {local_time(moment):%H:%M}"


def _headline(report: ScoreReport) -> Table:
    overall = report.overall
    failures = len(report.critical_failures)
    completion = f"{format_score(overall.completion)} ({_answered(overall)} items répondus)"
    if overall.completion >= 100:
        score_row = [para("Score global", KEY), para(format_score(overall.score), BIG)]
    else:
        # Not every item is answered: the score may still move, and says so in the same type.
        score_row = [
            para("Score provisoire", KEY),
            para(
                f"{format_score(overall.score)}, provisoire : {format_score(overall.completion)}"
                " des items sont répondus",
                VALUE,
            ),
        ]
    rows = [
        score_row,
        [para("Complétude", KEY), para(completion, VALUE)],
        [para("Items critiques en échec", KEY), para(str(failures), VALUE)],
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
    return [label, *(para(value, style) for value in values)]


def _axes_table(detail: DiagnosticDetail, report: ScoreReport) -> Table:
    volets = {node.id: node for node in report.volets}
    axes = {node.id: node for node in report.axes}
    rows = [header_row("Volet / axe", "Score", "Complétude", "Réponses")]
    commands: list[tuple[Any, ...]] = []
    for volet in detail.template.volets:
        if volet.id in volets:
            commands.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), GROUP_BG))
            rows.append(_score_row(para(volet.label, CELL_BOLD), volets[volet.id], CELL_BOLD))
        rows += [
            _score_row(para(f"{axis.id} · {axis.label}", CELL_INDENT), axes[axis.id])
            for axis in volet.axes
            if axis.id in axes
        ]
    commands.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 1.2, BLACK))
    total_label = para("Ensemble du questionnaire", CELL_BOLD)
    rows.append(_score_row(total_label, report.overall, CELL_BOLD))
    return bordered_table(rows, _SCORE_WIDTHS, commands)


def _themes_tables(detail: DiagnosticDetail, report: ScoreReport) -> list[Flowable]:
    """One small table per axis, each kept on one page: no axis split over two pages."""
    themes = {node.id: node for node in report.themes}
    tables: list[Flowable] = []
    for axis in detail.template.axes:
        rows = [
            header_row("Thème", "Score", "Complétude", "Réponses"),
            [para(f"Axe {axis.id} · {axis.label}", CELL_BOLD), "", "", ""],
            *(
                _score_row(para(f"{theme.id} · {theme.label}", CELL_INDENT), themes[theme.id])
                for theme in axis.themes
                if theme.id in themes
            ),
        ]
        commands = [("SPAN", (0, 1), (-1, 1)), ("BACKGROUND", (0, 1), (-1, 1), GROUP_BG)]
        tables.append(KeepTogether([bordered_table(rows, _SCORE_WIDTHS, commands), Spacer(1, 4)]))
    return tables


def _benchmarks(benchmarks: Sequence[tuple[str, str]]) -> list[Flowable]:
    """Where the score and the axes stand among the regional peers (none: nothing)."""
    if not benchmarks:
        return []
    rows = [header_row("Score", "Repère régional")]
    # The PDF fonts are WinAnsi: "3ᵉ" is printed "3e".
    rows += [[para(label), para(text.replace("\u1d49", "e"))] for label, text in benchmarks]
    return [
        para("Repères régionaux", H2),
        Spacer(1, 4),
        bordered_table(rows, (FRAME_WIDTH - 100 * mm, 100 * mm)),
    ]


def _scores(
    detail: DiagnosticDetail, report: ScoreReport, benchmarks: Sequence[tuple[str, str]] = ()
) -> list[Flowable]:
    return [
        para("Scores", H1),
        para("Par volet et par axe", H2),
        Spacer(1, 4),
        _axes_table(detail, report),
        *_benchmarks(benchmarks),
        para(f"Règle de calcul : {SCORING_RULE}", SMALL),
        CondPageBreak(50 * mm),
        para("Par thème", H2),
        Spacer(1, 4),
        *_themes_tables(detail, report),
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
    return [PageBreak(), para(title, H1), _Chart(image, FRAME_HEIGHT - heading)]


def _charts(report: ScoreReport) -> list[Flowable]:
    return [
        *_chart_page("Scores par axe", charts.radar_figure(report)),
        *_chart_page("Scores par thème", charts.theme_bars_figure(report)),
    ]


# --- critical items, action plan, signatures ---------------------------------------------


def _comments(detail: DiagnosticDetail) -> list[Flowable]:
    """The comments the team wrote on answered items, in questionnaire order."""
    commented = [
        (item, answer)
        for item in detail.template.items
        if (answer := detail.answers.get(item.id)) is not None and answer.comment.strip()
    ]
    story: list[Flowable] = [Spacer(1, 8 * mm), CondPageBreak(60 * mm), para("Commentaires", H1)]
    if not commented:
        return [*story, para("Aucun item répondu ne porte de commentaire.", BODY)]
    story.append(
        para(f"{len(commented)} item(s) commenté(s), dans l’ordre du questionnaire.", BODY)
    )
    rows = [header_row("Item", "Question", "Réponse", "Commentaire")]
    for item, answer in commented:
        rows.append(
            [
                para(item.id, CELL_BOLD),
                para(item.text),
                para(ANSWER_LABELS[answer.code] if answer.code else "", CELL),
                para(answer.comment),
            ]
        )
    widths = (16 * mm, FRAME_WIDTH - 97 * mm, 25 * mm, 56 * mm)
    return [*story, Spacer(1, 4), bordered_table(rows, widths)]


def _critical(detail: DiagnosticDetail, report: ScoreReport) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), para("Items critiques en échec", H1)]
    if not report.critical_failures:
        return [*story, para("Aucun item critique n’est en échec.", BODY)]
    story.append(
        para(
            "Items critiques répondus « Partiellement » ou « Non » : à traiter en premier, "
            "quel que soit le score.",
            BODY,
        )
    )
    rows = [header_row("Item", "Question", "Réponse", "Commentaire")]
    for item_id in report.critical_failures:
        answer = detail.answers.get(item_id)
        code = answer.code if answer else None
        rows.append(
            [
                para(item_id, CELL_BOLD),
                para(detail.template.item(item_id).text),
                para(ANSWER_LABELS[code] if code else "", CELL_BOLD),
                para(answer.comment if answer else ""),
            ]
        )
    widths = (16 * mm, FRAME_WIDTH - 97 * mm, 25 * mm, 56 * mm)
    return [*story, Spacer(1, 4), bordered_table(rows, widths)]


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
        para(priority, CELL_BOLD if entry.priority is Priority.HIGH else PLAN_CELL),
        para(item, CELL_BOLD if entry.critical else PLAN_CELL),
        para(entry.text, PLAN_CELL),
        para(ratings, PLAN_CELL),
        para(entry.indicator, PLAN_CELL),
        para(entry.owner, PLAN_CELL),
        para(format_date(entry.due_date), PLAN_CELL),
        para(STATUS_LABELS[entry.status], PLAN_CELL),
    ]


def _plan(plan: Sequence[PlanEntry]) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 8 * mm), CondPageBreak(80 * mm), para("Plan d’actions", H1)]
    if not plan:
        return [*story, para("Le plan d’actions ne compte aucune action.", BODY)]
    story.append(
        para(
            f"{len(plan)} action{'s' if len(plan) > 1 else ''}, par priorité. Priorité haute "
            "en gras ; « critique » signale une action qui répond à un item critique.",
            BODY,
        )
    )
    rows = [header_row(*_PLAN_HEADER), *(_plan_row(entry) for entry in plan)]
    return [*story, Spacer(1, 4), bordered_table(rows, _PLAN_WIDTHS)]


def _signatures(detail: DiagnosticDetail) -> list[Flowable]:
    summary = detail.summary
    half = FRAME_WIDTH / 2

    def block(title: str, name: str) -> list[list[Any]]:
        return [
            [para(title, CELL_BOLD)],
            [para(f"Nom : {name}", VALUE)],
            [para("Fonction :", VALUE)],
            [para("Date :", VALUE)],
            [para("Signature :", VALUE)],
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
    return [Spacer(1, 10 * mm), KeepTogether([para("Validation", H2), Spacer(1, 6), table])]


# --- pages -------------------------------------------------------------------------------


def _document(target: str, detail: DiagnosticDetail, author: str, on_page: OnPage) -> Any:
    return a4_document(
        target,
        title=f"Rapport d’autodiagnostic — {detail.summary.establishment_name}",
        author=author,
        subject=f"{detail.template.title} (version {detail.template.version})",
        on_page=on_page,
    )


def write_report(
    detail: DiagnosticDetail,
    report: ScoreReport,
    plan: Sequence[PlanEntry],
    path: Path,
    *,
    generated_at: datetime,
    author: str,
    progress: Progress | None = None,
    comments: bool = True,
    benchmarks: Sequence[tuple[str, str]] = (),
) -> None:
    """Write the diagnostic's report to `path` (A4 PDF); `plan` is printed in the given order.
    With `comments`, the comments of answered items have their own section. `benchmarks`
    holds (score or axis, regional position) lines, printed under the scores.

    `Cancelled` from `progress` (checked between sections and after each page) stops the job
    and leaves no file behind; an existing file at `path` is replaced only on success.
    """
    progress = progress or NullProgress()
    summary = detail.summary
    sections: list[tuple[str, Callable[[], list[Flowable]]]] = [
        ("Page de garde", lambda: _cover(detail, report, generated_at, author)),
        ("Scores", lambda: _scores(detail, report, benchmarks)),
        ("Graphiques", lambda: _charts(report)),
        ("Items critiques", lambda: _critical(detail, report)),
        ("Commentaires", lambda: _comments(detail) if comments else []),
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
    footer = Footer(
        left=safe(f"{summary.establishment_name} — {detail.template.title}"),
        generated=safe(f"Rapport généré le {_when(generated_at)}"),
    )

    def on_page(canvas: Canvas, document: Any) -> None:
        progress.check_cancelled()

    def write(target: str) -> None:
        _document(target, detail, author, on_page).build(
            story,
            canvasmaker=functools.partial(NumberedCanvas, footer=footer),
        )

    write_atomically(path, write)
    progress.report(total, total, "Rapport écrit")
