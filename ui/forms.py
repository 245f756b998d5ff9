"""What every small form dialog shares: the layout (a form above OK and Annuler) and the
question asked before typed input is thrown away."""

from __future__ import annotations

from datetime import date, datetime

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


class DateField(QLineEdit):
    """A date typed as jj/mm/aaaa. What was typed stays as typed: a date that does not exist
    or lies outside the years the application handles is said (`problem()`), never quietly
    replaced by a default as a date box does."""

    FIRST_YEAR, LAST_YEAR = 2000, 2100

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("jj/mm/aaaa"))
        self.setMaxLength(10)
        self.set_date(value)

    def set_date(self, value: date | None) -> None:
        self.setText(value.strftime("%d/%m/%Y") if value else "")

    def date_value(self) -> date | None:
        """The date typed; None when blank. ValueError when it is not a date we accept."""
        text = self.text().strip()
        if not text:
            return None
        parsed = datetime.strptime(text.replace("-", "/").replace(".", "/"), "%d/%m/%Y").date()
        if not self.FIRST_YEAR <= parsed.year <= self.LAST_YEAR:
            raise ValueError(text)
        return parsed

    def problem(self, *, required: bool = False) -> str | None:
        """The French message for what is typed, or None when it is a good date."""
        try:
            value = self.date_value()
        except ValueError:
            return (
                self.tr("« %1 » n'est pas une date entre %2 et %3 (jj/mm/aaaa).")
                .replace("%1", self.text().strip())
                .replace("%2", str(self.FIRST_YEAR))
                .replace("%3", str(self.LAST_YEAR))
            )
        if value is None and required:
            return self.tr("Date obligatoire (jj/mm/aaaa).")
        return None
