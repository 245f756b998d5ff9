"""The coverage chart of the Indicateurs tab, drawn off-screen with matplotlib.

As the core's charts do, it uses matplotlib's object API and the Agg canvas only (no
pyplot, no global state), so it may be drawn in the worker thread; matplotlib is imported
when the first chart is drawn, never when the application starts. Greys, and one accent
colour for the stock above its target; the target is a black tick across each bar, the
benchmark a hollow diamond, and each coverage is written in a column on the right.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from hospiperf_desktop.french import NBSP
from hospiperf_desktop.stock.records import CoverageRow

ACCENT = "#c8641e"
BAR_GREY = "0.72"
LABEL_WRAP = 34
MAX_WEEKS = 52  # longer coverages are drawn to this edge, their value written beside
DPI = 100


@dataclass(frozen=True)
class CoverageTexts:
    """The chart's words, translated by the caller (the chart itself knows no Qt)."""

    title: str
    axis: str
    weeks_unit: str  # "sem."
    no_consumption: str
    within: str
    above: str
    target: str
    benchmark: str


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def coverage_png(
    rows: Sequence[CoverageRow],
    labels: Sequence[str],
    texts: CoverageTexts,
) -> bytes:
    """Horizontal bars of coverage in weeks, one per row, with its target and benchmark.

    `labels[i]` names `rows[i]` ("Médicament · stock central"). Returns PNG bytes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    count = max(len(rows), 1)
    height = 1.25 + 0.34 * count
    figure = Figure(figsize=(7.4, height), dpi=DPI)
    ax = figure.add_subplot()
    values = [r.coverage_weeks or 0.0 for r in rows]
    marks = [r.target_weeks for r in rows] + [r.benchmark_weeks or 0.0 for r in rows]
    top = min(max([*values, *marks, 1.0]) * 1.08, MAX_WEEKS * 1.04)
    positions = list(range(len(rows)))[::-1]  # the first row on top
    for y, row, value in zip(positions, rows, values, strict=True):
        colour = ACCENT if row.above_target else BAR_GREY
        ax.barh(y, min(value, MAX_WEEKS), height=0.64, color=colour, edgecolor="0.35", lw=0.6)
        ax.plot([row.target_weeks] * 2, [y - 0.42, y + 0.42], color="black", lw=2.2)
        if row.benchmark_weeks is not None:
            ax.plot(
                row.benchmark_weeks, y, marker="D", markersize=6, markerfacecolor="white",
                markeredgecolor="0.2", markeredgewidth=1.2, linestyle="none",
            )  # fmt: skip
        if row.coverage_weeks is None:
            text = texts.no_consumption
        else:
            text = f"{_decimal(row.coverage_weeks)}{NBSP}{texts.weeks_unit}"
            if row.coverage_weeks > MAX_WEEKS:
                text += " ▸"
        # Values in a column right of the plot: never over a bar, a target or a benchmark.
        ax.text(
            1.02, y, text, transform=ax.get_yaxis_transform(), va="center", ha="left",
            fontsize=8.5, color="0.15",
        )  # fmt: skip
    ax.set_yticks(positions, [textwrap.fill(label, LABEL_WRAP) for label in labels], fontsize=9)
    ax.set_xlim(0, top)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(texts.axis, fontsize=9)
    ax.tick_params(axis="x", labelsize=8.5)
    ax.xaxis.set_major_formatter(lambda value, _pos: _decimal(value).removesuffix(",0"))
    ax.xaxis.grid(True, color="0.8", linewidth=0.6, linestyle=":")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(texts.title, fontsize=11, loc="left", pad=10)
    handles = [
        Patch(facecolor=BAR_GREY, edgecolor="0.35", label=texts.within),
        Patch(facecolor=ACCENT, edgecolor="0.35", label=texts.above),
        Line2D([], [], color="black", lw=2.2, label=texts.target),
        Line2D(
            [], [], marker="D", markersize=6, markerfacecolor="white", markeredgecolor="0.2",
            linestyle="none", label=texts.benchmark,
        ),
    ]  # fmt: skip
    figure.legend(
        handles=handles, loc="lower center", ncols=4, fontsize=8.5, frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )  # fmt: skip
    figure.tight_layout(rect=(0, 0.42 / height, 1, 1))  # room for the legend
    buffer = BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()
