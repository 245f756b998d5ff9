"""Embedding the core's matplotlib figures in Qt. matplotlib is imported only when a chart is
first shown, so it never slows the application's start."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QSizePolicy, QWidget


def figure_widget(figure: Any, parent: QWidget | None = None) -> QWidget:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    canvas = FigureCanvasQTAgg(figure)
    canvas.setParent(parent)
    canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    width, height = figure.get_size_inches() * figure.dpi
    canvas.setMinimumSize(int(width * 0.6), int(height * 0.6))
    return canvas
