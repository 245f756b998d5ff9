"""Shared pieces of the PDF documents the application prints (A4, French, black and white).

Text uses the PDF standard Helvetica (WinAnsi encoding): every string goes through `safe()`,
which sets French spacing and replaces the few characters WinAnsi lacks. `NumberedCanvas`
puts "Page N / M" and a footer on every page. Write documents with
`hospiperf_desktop.files.write_atomically()`, so a cancelled or failed run leaves no file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from hospiperf_desktop.french import NBSP, french_spacing

MARGIN = 18 * mm
FOOTER_SPACE = 22 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
FRAME_HEIGHT = A4[1] - MARGIN - FOOTER_SPACE
# reportlab wraps every stream in ASCII85 by default: that only makes a PDF 7-bit clean, 25 %
# larger and, with reportlab's pure-Python encoder, costs a fifth of this report's time.
rl_config.useA85 = 0

OnPage = Callable[[Canvas, BaseDocTemplate], None]

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


def safe(text: str) -> str:
    """Plain text ready for the canvas: French spacing, WinAnsi characters only."""
    return _winansi(french_spacing(text))


def markup(text: str) -> str:
    """Plain text ready for a Paragraph: `safe()`, XML-escaped, line breaks kept."""
    return escape(safe(text)).replace("\n", "<br/>").replace("\t", " ")


def para(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(markup(text), style)


def bold(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(f"<b>{markup(text)}</b>", style)


def bordered_table(
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


def header_row(*titles: str) -> list[Any]:
    return [bold(title) for title in titles]


@dataclass(frozen=True)
class Footer:
    left: str
    generated: str


class NumberedCanvas(Canvas):
    """Holds every page until the end, so each footer can say "Page N / M"."""

    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
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
        self.drawString(MARGIN, 11 * mm, fit(self._footer.left, "Helvetica", 8, room))
        self.drawString(MARGIN, 7.5 * mm, self._footer.generated)
        self.restoreState()


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text`, shortened with "…" when it is wider than `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def a4_document(
    target: str, *, title: str, author: str, subject: str, on_page: OnPage
) -> BaseDocTemplate:
    """An A4 portrait document whose single frame is exactly FRAME_WIDTH × FRAME_HEIGHT."""
    # No frame padding: FRAME_WIDTH is exactly what tables and charts may use.
    frame = Frame(MARGIN, FOOTER_SPACE, FRAME_WIDTH, FRAME_HEIGHT, 0, 0, 0, 0)
    return BaseDocTemplate(
        target,
        pagesize=A4,
        pageTemplates=[PageTemplate("page", [frame], onPage=on_page)],
        title=title,
        author=author,
        subject=subject,
        creator="HospiPerf Desktop",
        lang="fr-FR",
    )
