"""What the two Exports / ARS tabs share: sizes in French units, boxed messages, a verdict
box that shows a French reason above the core's own detail."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hospiperf_desktop.french import NBSP
from ui.sections.stock.common import number

NOTE_STYLE = "background: #e8eef7; padding: 6px 10px; border-radius: 4px;"
VALID_STYLE = "background: #dcefdc; color: #1d5e20; padding: 8px 10px; border-radius: 4px;"
REFUSED_STYLE = "background: #fbe3e0; color: #8a1c1c; padding: 8px 10px; border-radius: 4px;"
DETAIL_STYLE = "color: #555; font-size: 11px;"
ACCEPTED_BACKGROUND, REJECTED_BACKGROUND = "#dcefdc", "#f6d8d5"


def _tr(text: str) -> str:
    return QCoreApplication.translate("exports", text)


def size_text(size: int) -> str:
    """1536 → '1,5 Ko'; sizes under a kilobyte in octets."""
    if size < 1024:
        text = _tr("%1 octets") if size > 1 else _tr("%1 octet")
        return text.replace("%1", str(size))
    value = size / 1024
    for unit in (_tr("Ko"), _tr("Mo")):
        if value < 1024:
            return number(value, 1) + NBSP + unit
        value /= 1024
    return number(value, 1) + NBSP + _tr("Go")


class Verdict(QWidget):
    """A coloured sentence (valid or refused) and, below it, a smaller detail line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(DETAIL_STYLE)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        self.hide()

    def show_verdict(self, valid: bool, text: str, detail: str = "") -> None:
        self.headline.setText(text)
        self.headline.setStyleSheet(VALID_STYLE if valid else REFUSED_STYLE)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.show()
