"""The score charts: one mark per axis or theme, printable values, PNG output, no pyplot."""

from __future__ import annotations

import sys

from matplotlib.patches import Rectangle

from hospiperf_desktop.diagnostics.charts import png_bytes, radar_figure, theme_bars_figure
from tests.diagnostics_support import build_diagnostic

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _texts(figure) -> list[str]:
    return [text.get_text() for ax in figure.axes for text in ax.texts]


def test_theme_bars_have_one_bar_per_theme_with_its_french_score():
    _, report, _ = build_diagnostic(items=40)
    figure = theme_bars_figure(report)
    bars = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    assert len(bars) == len(report.themes) == 8
    assert _texts(figure).count("75,0\u00a0%") == 8


def test_theme_bars_follow_the_questionnaire_order():
    _, report, _ = build_diagnostic(items=30)
    labels = [label.get_text() for label in theme_bars_figure(report).axes[0].get_yticklabels()]
    assert [label.split(" · ")[0] for label in labels] == [t.id for t in report.themes]


def test_radar_has_one_point_per_axis():
    _, report, _ = build_diagnostic(items=50)
    line = radar_figure(report).axes[0].lines[0]
    angles = line.get_xdata()
    assert len(set(angles)) == len(report.axes) == 5
    assert len(angles) == len(report.axes) + 1  # closed back to the first axis


def test_radar_draws_an_axis_without_score_at_zero_labelled_with_a_dash():
    _, report, _ = build_diagnostic(items=30)
    blank = report.axes[1].__class__(**{**vars(report.axes[1]), "score": None})
    report = report.__class__(**{**vars(report), "axes": (report.axes[0], blank, report.axes[2])})
    figure = radar_figure(report)
    assert list(figure.axes[0].lines[0].get_ydata())[1] == 0
    assert any(text.endswith("\n—") for text in _texts(figure))


def test_radar_comparison_adds_a_legended_second_series():
    _, report, _ = build_diagnostic(items=30)
    figure = radar_figure(report, compare=report, labels_before_after=("2025", "2026"))
    ax = figure.axes[0]
    assert len(ax.lines) == 2
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["2025", "2026"]
    assert any("2025\u00a0: 75,0\u00a0%" in text for text in _texts(figure))


def test_png_bytes_are_a_png_image():
    _, report, _ = build_diagnostic(items=30)
    for figure in (radar_figure(report), theme_bars_figure(report)):
        assert png_bytes(figure, dpi=60).startswith(PNG_SIGNATURE)


def test_charts_never_load_pyplot():
    assert "matplotlib.pyplot" not in sys.modules
