"""One questionnaire item: its question, the answer bar, a comment and its evidence.

Keyboard (see `answer_keys.py`): the answer bar is one Tab stop that takes the keys `1` to `5`
(always the same answer) and `0` (clears); the comment is the next Tab stop and keeps every key
typed in it. The part of the item that has the focus is framed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
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
from ui.sections.diagnostics.answer_keys import (
    ANSWER_KEYS,
    AZERTY_DIGITS,
    CLEAR_KEY,
    KEY_OF,
    offered,
    refusal,
)


class AnswerBar(QFrame):
    """The answers of one item as a single focusable strip; reports the keys typed on it."""

    key_typed = Signal(str)  # the digit, or CLEAR_KEY for Delete/Backspace

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerBar")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty("keyFocus", False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = AZERTY_DIGITS.get(event.text(), event.text())
        chord = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if chord:  # Ctrl+Z and other shortcuts are not answers
            super().keyPressEvent(event)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.key_typed.emit(CLEAR_KEY)
        elif len(text) == 1 and text.isdigit():
            self.key_typed.emit(text)
        else:
            super().keyPressEvent(event)


class ItemWidget(QFrame):
    answered = Signal(str, object)  # item id, AnswerCode or None (cleared)
    commented = Signal(str, str)  # item id, comment
    evidence_requested = Signal(str)  # item id
    refused = Signal(str)  # why a key did nothing, for the status bar
    focused = Signal(str)  # item id: the answer bar or the comment got the focus

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
        self.setProperty("current", False)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.addLayout(self._heading(item))
        if item.help:
            help_label = QLabel(item.help)
            help_label.setObjectName("itemHelp")
            help_label.setWordWrap(True)
            layout.addWidget(help_label)
        layout.addWidget(self._answer_bar(item, locked))
        self._given = given
        self._show_code(given)

        bottom = QHBoxLayout()
        self.comment = QLineEdit(comment)
        self.comment.setPlaceholderText(self.tr("Commentaire (facultatif)"))
        self.comment.setReadOnly(locked)
        self.comment.editingFinished.connect(self.commit_comment)
        self.comment.installEventFilter(self)
        self._saved_comment = self.comment.text()
        self.evidence_button = QPushButton()
        self.evidence_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.evidence_button.clicked.connect(lambda: self.evidence_requested.emit(item.id))
        self.set_evidence_count(evidence_count)
        bottom.addWidget(self.comment, 1)
        bottom.addWidget(self.evidence_button)
        layout.addLayout(bottom)

    def _heading(self, item: Item) -> QHBoxLayout:
        title = QLabel(f"<b>{item.id}</b> — {_escape(item.text)}")
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.RichText)
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        if item.critical:
            badge = QLabel(self.tr("Critique"))
            badge.setObjectName("criticalBadge")
            badge.setToolTip(self.tr("Item critique : une réponse faible est signalée à part."))
            heading.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        return heading

    def _answer_bar(self, item: Item, locked: bool) -> AnswerBar:
        labels = answer_labels()
        self.answer_bar = AnswerBar()
        self.answer_bar.setToolTip(
            self.tr("Touches 1 à 5 : répondre (même réponse pour chaque item) ; 0 : effacer")
        )
        self.answer_bar.setAccessibleName(self.tr("Réponse à l'item %1").replace("%1", item.id))
        self.answer_bar.setAccessibleDescription(offered(item))
        self.answer_bar.key_typed.connect(self._key_typed)
        self.answer_bar.installEventFilter(self)
        self.group = QButtonGroup(self)
        self.buttons: dict[AnswerCode, QRadioButton] = {}
        choices = QHBoxLayout(self.answer_bar)
        choices.setContentsMargins(6, 3, 6, 3)
        for code in item.codes:
            button = QRadioButton(f"{labels[code]}  ({KEY_OF[code]})")
            # One Tab stop for all the answers: the bar, never a single button.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setEnabled(not locked)
            self.group.addButton(button)
            self.buttons[code] = button
            choices.addWidget(button)
        choices.addStretch(1)
        self.group.buttonClicked.connect(self._clicked)
        return self.answer_bar

    def code(self) -> AnswerCode | None:
        return next((c for c, b in self.buttons.items() if b.isChecked()), None)

    def choose(self, code: AnswerCode) -> None:
        """Select `code` as a user would (emits `answered` when it changes the answer)."""
        if self._locked or code is self._given:
            return
        self._given = code
        self._show_code(code)
        self.answered.emit(self.item.id, code)

    def clear(self) -> None:
        """Take the answer back (emits `answered` with None)."""
        if self._given is None or self._locked:
            return
        self._given = None
        self._show_code(None)
        self.answered.emit(self.item.id, None)

    def show_saved(self, code: AnswerCode | None, comment: str) -> None:
        """Show an answer and comment set elsewhere (an undo), without emitting anything."""
        self._given = code
        self._show_code(code)
        self._saved_comment = comment
        self.comment.setText(comment)

    def _show_code(self, code: AnswerCode | None) -> None:
        self.group.setExclusive(False)
        for button_code, button in self.buttons.items():
            button.setChecked(button_code is code)
        self.group.setExclusive(True)

    def set_evidence_count(self, count: int) -> None:
        self.evidence_button.setText(self.tr("Preuves (%1)…").replace("%1", str(count)))

    def focus_answers(self) -> None:
        self.answer_bar.setFocus(Qt.FocusReason.TabFocusReason)

    def commit_comment(self) -> None:
        """Save the comment if it changed (on Enter, on leaving it, before the item goes)."""
        text = self.comment.text().strip()
        if text != self._saved_comment and not self._locked:
            self._saved_comment = text
            self.commented.emit(self.item.id, text)

    def _key_typed(self, key: str) -> None:
        if self._locked:
            self.refused.emit(self.tr("Diagnostic validé : les réponses sont verrouillées."))
        elif key == CLEAR_KEY:
            self.clear()
        elif (code := ANSWER_KEYS.get(key)) is not None and code in self.item.codes:
            self.choose(code)
        else:
            self.refused.emit(refusal(key, self.item))

    def _clicked(self, button: QRadioButton) -> None:
        self.answer_bar.setFocus(Qt.FocusReason.MouseFocusReason)
        self.choose(next(c for c, b in self.buttons.items() if b is button))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._show_focus()
            if event.type() == QEvent.Type.FocusIn:
                self.focused.emit(self.item.id)
        return super().eventFilter(watched, event)

    def _show_focus(self) -> None:
        """Frame the part that takes the next key press, and the whole item around it."""
        _set_flag(self.answer_bar, "keyFocus", self.answer_bar.hasFocus())
        _set_flag(self, "current", self.answer_bar.hasFocus() or self.comment.hasFocus())


def _set_flag(widget: QWidget, name: str, value: bool) -> None:
    if widget.property(name) != value:
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
