"""The empty answer grid of a questionnaire, for an audit done on paper (A4, black and white).

Each item with its id, its question, a tick box per answer its scale allows and a comment box,
under the establishment, date and auditor fields; "Page N / M" on every page. The answers are
typed in afterwards through the keyboard flow, or through the answer sheet (`sheets.py`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from hospiperf_desktop.diagnostics.template import Template
from hospiperf_desktop.diagnostics.texts import ANSWER_LABELS
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.pdf_kit import (
    BLACK,
    BODY,
    CELL,
    CELL_BOLD,
    FRAME_WIDTH,
    GROUP_BG,
    SMALL,
    SUBTITLE,
    TITLE,
    Footer,
    NumberedCanvas,
    a4_document,
    bold,
    bordered_table,
    header_row,
    para,
    safe,
)

BOX = 3.6 * mm
COMMENT_HEIGHT = 7 * mm
WIDTHS = (16 * mm, FRAME_WIDTH - 16 * mm - 50 * mm, 50 * mm)


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return BOX, BOX

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.setStrokeColor(BLACK)
        self.canv.rect(0, 0, BOX, BOX, stroke=1, fill=0)


def _boxes(codes: tuple[Any, ...]) -> Table:
    """One empty square and its label per answer."""
    rows = [[TickBox(), para(ANSWER_LABELS[code])] for code in codes]
    table = Table(rows, colWidths=[BOX + 2.5 * mm, 38 * mm], rowHeights=BOX + 2.2 * mm)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    table.hAlign = "LEFT"
    return table


def _fields(template: Template) -> Table:
    rows = [
        [bold("Établissement", BODY), "", bold("Date", BODY), ""],
        [bold("Auditeur", BODY), "", bold("Service audité", BODY), ""],
    ]
    table = Table(rows, colWidths=[30 * mm, 72 * mm, 30 * mm, FRAME_WIDTH - 132 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, BLACK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 0), (-1, -1), [None]),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _grid(template: Template) -> Table:
    rows: list[list[Any]] = [header_row("Item", "Question", "Réponse (cocher une case)")]
    commands: list[tuple[Any, ...]] = []
    for volet in template.volets:
        for axis in volet.axes:
            for theme in axis.themes:
                line = len(rows)
                rows.append([bold(f"{axis.label} › {theme.label}"), "", ""])
                commands += [
                    ("SPAN", (0, line), (-1, line)),
                    ("BACKGROUND", (0, line), (-1, line), GROUP_BG),
                ]
                for item in theme.items:
                    mark = " CRITIQUE" if item.critical else ""
                    question = [para(item.text, CELL)]
                    if item.help:
                        question.append(para(item.help, SMALL))
                    rows.append([para(item.id + mark, CELL_BOLD), question, _boxes(item.codes)])
                    line = len(rows)
                    comment = [para("Commentaire :", SMALL), Spacer(1, COMMENT_HEIGHT)]
                    rows.append([comment, "", ""])
                    commands += [
                        ("SPAN", (0, line), (-1, line)),
                        ("LINEABOVE", (0, line), (-1, line), 0.3, BLACK),
                    ]
    return bordered_table(rows, WIDTHS, commands)


def write_blank_grid(template: Template, path: Path) -> None:
    """Write the empty paper grid of `template` to `path` (all or nothing)."""
    story: list[Flowable] = [
        para(template.title, TITLE),
        para(
            f"Grille d’audit vierge — version {template.version} — {len(template.items)} items",
            SUBTITLE,
        ),
        Spacer(1, 4 * mm),
        _fields(template),
        Spacer(1, 3 * mm),
        para(
            "Cocher une seule case par item ; « Non concerné » seulement quand l’item ne"
            " s’applique pas. Les items marqués CRITIQUE comptent à part dans le rapport.",
            BODY,
        ),
        Spacer(1, 2 * mm),
        _grid(template),
    ]
    footer = Footer(
        left=safe(f"{template.title} — {template.key}"),
        generated=safe(
            "Grille vierge à remplir à la main ; réponses à saisir ensuite dans HospiPerf"
        ),
    )

    def write(target: str) -> None:
        a4_document(
            target,
            title=f"Grille d’audit — {template.title}",
            author="HospiPerf Desktop",
            subject=f"{template.title} (version {template.version})",
            on_page=lambda canvas, document: None,
        ).build(story, canvasmaker=functools.partial(NumberedCanvas, footer=footer))

    write_atomically(path, write)
