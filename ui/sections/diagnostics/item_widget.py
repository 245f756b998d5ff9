"""One questionnaire item: its question, the answer buttons, a comment and its evidence.

Keyboard: Tab reaches the item's answers, the arrow keys move between them, the keys 1 to 5
choose the first to fifth answer directly and 0 (or Suppr) clears it; the comment is the next
Tab stop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.template import AnswerCode, Item
from ui.labels import answer_labels


class ItemWidget(QFrame):
    answered = Signal(str, object)  # item id, AnswerCode or None (cleared)
    commented = Signal(str, str)  # item id, comment
    evidence_requested = Signal(str)  # item id

    def __init__(
        self,
        item: Item,
        given: AnswerCode | None,
        comment: str,
        evidence_count: int,
        locked: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self._locked = locked
        self.setObjectName("itemCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        labels = answer_labels()
        title = QLabel(f"<b>{item.id}</b> — {_escape(item.text)}")
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        if item.critical:
            badge = QLabel(self.tr("Critique"))
            badge.setObjectName("criticalBadge")
            badge.setToolTip(self.tr("Item critique : une réponse faible est signalée à part."))
            heading.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)
        if item.help:
            help_label = QLabel(item.help)
            help_label.setObjectName("itemHelp")
            help_label.setWordWrap(True)
            layout.addWidget(help_label)

        self.group = QButtonGroup(self)
        self.buttons: dict[AnswerCode, QRadioButton] = {}
        choices = QHBoxLayout()
        for number, code in enumerate(item.codes, 1):
            button = QRadioButton(f"{labels[code]}  ({number})")
            button.setToolTip(
                self.tr("Touches 1 à %1 : répondre ; 0 : effacer").replace(
                    "%1", str(len(item.codes))
                )
            )
            button.setEnabled(not locked)
            self.group.addButton(button)
            self.buttons[code] = button
            choices.addWidget(button)
        choices.addStretch(1)
        self._given = given
        if self._given is not None:
            self.buttons[self._given].setChecked(True)
        self.group.buttonClicked.connect(self._clicked)
        layout.addLayout(choices)

        bottom = QHBoxLayout()
        self.comment = QLineEdit(comment)
        self.comment.setPlaceholderText(self.tr("Commentaire (facultatif)"))
        self.comment.setReadOnly(locked)
        self.comment.editingFinished.connect(self._comment_done)
        self._saved_comment = self.comment.text()
        self.evidence_button = QPushButton()
        self.evidence_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.evidence_button.clicked.connect(lambda: self.evidence_requested.emit(item.id))
        self.set_evidence_count(evidence_count)
        bottom.addWidget(self.comment, 1)
        bottom.addWidget(self.evidence_button)
        layout.addLayout(bottom)

    def code(self) -> AnswerCode | None:
        return next((c for c, b in self.buttons.items() if b.isChecked()), None)

    def choose(self, code: AnswerCode) -> None:
        """Select `code` as a user would (emits `answered`)."""
        button = self.buttons[code]
        if button.isEnabled() and not button.isChecked():
            button.click()

    def clear(self) -> None:
        """Take the answer back (emits `answered` with None)."""
        if self.code() is None or not self.isEnabled() or self._locked:
            return
        self.group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)
        self._given = None
        self.answered.emit(self.item.id, None)

    def set_evidence_count(self, count: int) -> None:
        self.evidence_button.setText(self.tr("Preuves (%1)…").replace("%1", str(count)))

    def focus_answers(self) -> None:
        target = next((b for b in self.buttons.values() if b.isChecked()), None)
        (target or next(iter(self.buttons.values()))).setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        codes = self.item.codes
        if text == "0" or event.key() == Qt.Key.Key_Delete:
            self.clear()
            return
        if text.isdigit() and 1 <= int(text) <= len(codes):
            self.choose(codes[int(text) - 1])
            self.buttons[codes[int(text) - 1]].setFocus()
            return
        super().keyPressEvent(event)

    def _clicked(self, button: QRadioButton) -> None:
        code = next(c for c, b in self.buttons.items() if b is button)
        if code is not self._given:  # clicking the answer already given saves nothing
            self._given = code
            self.answered.emit(self.item.id, code)

    def _comment_done(self) -> None:
        text = self.comment.text().strip()
        if text != self._saved_comment:
            self._saved_comment = text
            self.commented.emit(self.item.id, text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
