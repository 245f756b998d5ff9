"""The page shown for a section that a later version of the application will bring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ComingSoonPage(QWidget):
    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(title)
        heading.setObjectName("sectionTitle")
        badge = QLabel(self.tr("À venir — cette section n'est pas encore disponible."))
        badge.setObjectName("comingSoonBadge")
        text = QLabel(description)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(badge)
        layout.addWidget(text)
        layout.addStretch(1)
