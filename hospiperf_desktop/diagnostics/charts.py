"""Charts of a diagnostic's scores: a radar of the axes and bars of the themes.

Drawn with matplotlib's object API only (a `Figure` and the Agg canvas, never pyplot), so
there is no global state and any thread may draw. The charts are printed: they must read in
black and white, so series differ by line style, marker and hatching, never by colour
alone, and every value printed uses the French decimal comma.
"""

from __future__ import annotations

import math
import textwrap
from io import BytesIO
from typing import cast

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes
from PIL import Image, ImageOps

from hospiperf_desktop.diagnostics.scoring import NodeScore, ScoreReport
from hospiperf_desktop.diagnostics.texts import format_score
from hospiperf_desktop.french import NBSP, french_spacing

LABEL_SIZE = 9
VALUE_SIZE = 9
TICK_SIZE = 8
TICKS = (0, 25, 50, 75, 100)
RADAR_WRAP = 22
BAR_WRAP = 38
TRIM_PAD = 0.08  # inches of white kept around a trimmed chart
_MAIN = {"color": "black", "linewidth": 2.0, "linestyle": "-", "marker": "o", "markersize": 5}
_COMPARE = {"color": "0.35", "linewidth": 1.6, "linestyle": "--", "marker": "s", "markersize": 5}


def _percent_ticks(values: tuple[int, ...]) -> list[str]:
    return [f"{v}{NBSP}%" for v in values]


def _radar_label(label: str, lines: list[str]) -> str:
    return "\n".join([textwrap.fill(french_spacing(label), RADAR_WRAP), *lines])


def _radar_text_place(angle: float) -> tuple[str, str]:
    """Alignment that keeps a label outside the circle at `angle` (clockwise from the top)."""
    x, y = math.sin(angle), math.cos(angle)
    horizontal = "left" if x > 0.1 else "right" if x < -0.1 else "center"
    vertical = "bottom" if y > 0.1 else "top" if y < -0.1 else "center"
    return horizontal, vertical


def _closed(values: list[float]) -> list[float]:
    return [*values, values[0]]


def radar_figure(
    report: ScoreReport,
    *,
    compare: ScoreReport | None = None,
    labels_before_after: tuple[str, str] = ("Avant", "Après"),
) -> Figure:
    """Radar of the axis scores (0-100); an axis with no score sits at 0, labelled "—".

    With `compare` (an earlier diagnostic, matched by axis id), it is drawn dashed and
    hatched as `labels_before_after[0]`, and `report` as `labels_before_after[1]`.
    """
    axes = report.axes
    angles = [2 * math.pi * i / len(axes) for i in range(len(axes))]
    before = {node.id: node for node in compare.axes} if compare else {}
    figure = Figure(figsize=(7.5, 6.8))
    ax = cast(PolarAxes, figure.add_subplot(projection="polar"))
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 100)
    ax.set_yticks(TICKS[1:], _percent_ticks(TICKS[1:]), fontsize=TICK_SIZE, color="0.25")
    ax.set_rlabel_position(0)
    ax.set_xticks(angles, [""] * len(angles))
    ax.grid(color="0.6", linewidth=0.6, linestyle=":")
    if compare is not None:
        old = [_value(before.get(node.id)) for node in axes]
        _series(ax, angles, old, labels_before_after[0], hatch=True)
    _series(ax, angles, [_value(node) for node in axes], labels_before_after[1], hatch=False)
    for angle, node in zip(angles, axes, strict=True):
        lines = [format_score(node.score)]
        if compare is not None:
            old_node = before.get(node.id)
            old_score = old_node.score if old_node else None
            lines = [
                f"{labels_before_after[0]}{NBSP}: {format_score(old_score)}",
                f"{labels_before_after[1]}{NBSP}: {format_score(node.score)}",
            ]
        horizontal, vertical = _radar_text_place(angle)
        ax.text(
            angle,
            112,
            _radar_label(node.label, lines),
            ha=horizontal,
            va=vertical,
            fontsize=LABEL_SIZE,
            linespacing=1.15,
        )
    bottom = 0.2
    if compare is not None:
        # Below the chart, where no axis label can sit.
        figure.legend(loc="lower center", ncols=2, fontsize=LABEL_SIZE, frameon=False)
        bottom = 0.25
    figure.subplots_adjust(left=0.2, right=0.8, top=0.78, bottom=bottom)
    return figure


def _value(node: NodeScore | None) -> float:
    return node.score if node is not None and node.score is not None else 0.0


def _series(ax: Axes, angles: list[float], values: list[float], label: str, hatch: bool) -> None:
    style = _COMPARE if hatch else _MAIN
    ax.plot(_closed(angles), _closed(values), label=label, **style)  # type: ignore[arg-type]
    if hatch:
        ax.fill(_closed(angles), _closed(values), facecolor="none", edgecolor="0.45", hatch="///")
    else:
        ax.fill(_closed(angles), _closed(values), color="0.8", alpha=0.5)


def theme_bars_figure(report: ScoreReport) -> Figure:
    """One horizontal bar per theme, in questionnaire order, its score printed at its end."""
    themes = report.themes
    labels = [
        textwrap.fill(french_spacing(f"{node.id} · {node.label}"), BAR_WRAP) for node in themes
    ]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = Figure(figsize=(7.5, 0.8 + 0.16 * lines + 0.1 * len(themes)), layout="constrained")
    ax = figure.add_subplot()
    positions = list(range(len(themes)))
    widths = [_value(node) for node in themes]
    ax.barh(positions, widths, height=0.62, color="0.7", edgecolor="black", linewidth=0.8)
    for position, node in zip(positions, themes, strict=True):
        ax.text(
            _value(node) + 1.5,
            position,
            format_score(node.score),
            va="center",
            fontsize=VALUE_SIZE,
            fontweight="bold" if node.score is not None else "normal",
        )
    ax.set_yticks(positions, labels, fontsize=LABEL_SIZE)
    ax.set_ylim(len(themes) - 0.5, -0.5)
    ax.set_xlim(0, 118)
    ax.set_xticks(TICKS, _percent_ticks(TICKS), fontsize=TICK_SIZE)
    ax.xaxis.grid(True, color="0.6", linewidth=0.6, linestyle=":")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure


def grey_image(figure: Figure, dpi: int = 150) -> Image.Image:
    """The figure drawn at `dpi` as an 8-bit grey image, trimmed of its white margins.

    Every chart here is drawn in greys and fits inside its figure, so nothing is lost, and
    one grey channel makes a third of the data to compress into a PDF.
    """
    canvas = FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    # The Agg backend's methods carry no annotations.
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    size = canvas.get_width_height()
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)
    grey = image.convert("L")
    box = ImageOps.invert(grey).getbbox()
    if box is None:
        return grey
    pad = round(dpi * TRIM_PAD)
    left, top, right, bottom = box
    width, height = size
    return grey.crop(
        (max(left - pad, 0), max(top - pad, 0), min(right + pad, width), min(bottom + pad, height))
    )


def png_bytes(figure: Figure, dpi: int = 150) -> bytes:
    """The figure as a grey PNG, trimmed of its white margins (see `grey_image`)."""
    buffer = BytesIO()
    grey_image(figure, dpi).save(buffer, format="PNG")
    return buffer.getvalue()
