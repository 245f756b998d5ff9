"""What every small form dialog shares: the layout (a form above OK and Annuler) and the
question asked before typed input is thrown away."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)


def form_dialog(dialog: QDialog, form: QFormLayout, width: int) -> QDialogButtonBox:
    """Lay `form` out in `dialog` above OK/Annuler (wired to accept/reject); returns them."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(buttons)
    dialog.resize(width, dialog.sizeHint().height())
    return buttons


def typed_input(widget: QWidget) -> tuple[str, ...]:
    """The text of every field a person types into under `widget` (line and text edits,
    spin and date boxes), in a fixed order: two equal results mean nothing was typed."""
    texts: list[str] = []
    for child in widget.findChildren(QWidget):
        if isinstance(child, QLineEdit | QAbstractSpinBox):
            texts.append(child.text())
        elif isinstance(child, QPlainTextEdit | QTextEdit):
            texts.append(child.toPlainText())
    return tuple(texts)


def confirm_discard(parent: QWidget) -> bool:
    """Ask whether typed input may be thrown away; True when the person says so."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("Abandonner la saisie ?"))
    box.setText(parent.tr("Abandonner la saisie ?"))
    box.setInformativeText(parent.tr("Ce que vous avez saisi dans ce formulaire sera perdu."))
    discard = box.addButton(parent.tr("Abandonner"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(parent.tr("Continuer la saisie"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setObjectName("confirmDiscard")
    box.exec()
    return box.clickedButton() is discard


class FormDialog(QDialog):
    """A dialog where a person types. Closing it (Escape, Annuler, the window's cross) once
    something was typed asks "Abandonner la saisie ?" first; a pristine form just closes.

    What counts as typed is compared with the fields as they were when the dialog was first
    shown (an edit dialog opens filled: that is not typing)."""

    _pristine: tuple[str, ...] | None = None

    def showEvent(self, event: QShowEvent) -> None:
        if self._pristine is None:
            self._pristine = typed_input(self)
        super().showEvent(event)

    def mark_pristine(self) -> None:
        """Take the fields as they are now as the untouched state (after a late fill)."""
        self._pristine = typed_input(self)

    def has_typed_input(self) -> bool:
        return self._pristine is not None and typed_input(self) != self._pristine

    def reject(self) -> None:
        if self.has_typed_input() and not confirm_discard(self):
            return
        super().reject()
