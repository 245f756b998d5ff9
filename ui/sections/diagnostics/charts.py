"""Showing the core's charts in Qt as images, exactly as the PDF report prints them.

The figures are drawn at their own size (so long French labels are never clipped) and the
picture is scaled down to the space available. matplotlib is imported only by the core's
chart functions, when a chart is first shown, so it never slows the application's start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

SCREEN_DPI = 100


class ChartLabel(QLabel):
    def __init__(self, png: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = QPixmap()
        self.original.loadFromData(png, "PNG")
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(200)
        self._fit(self.original.width())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def _fit(self, width: int) -> None:
        width = min(width, self.original.width())
        if self.pixmap().width() != width:
            scaled = self.original.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
            self.setPixmap(scaled)
            self.setMinimumHeight(0)
            self.setFixedHeight(scaled.height())


def figure_widget(figure: Any, parent: QWidget | None = None) -> ChartLabel:
    from hospiperf_desktop.diagnostics.charts import png_bytes

    return ChartLabel(png_bytes(figure, SCREEN_DPI), parent)
