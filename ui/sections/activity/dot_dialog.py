"""Ask what a dot means in an activity file whose "1.500" nothing explains.

The core refuses such a file (issue `ambiguous_number`, see number_columns.py) naming the
file, line and column; this box shows those places and reruns the import with the choice.
"""

from __future__ import annotations

from typing import TypeGuard

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.number_columns import DotChoice
from ui.messages import source_issue_text


def is_ambiguous(err: BaseException) -> TypeGuard[FileImportError]:
    return isinstance(err, FileImportError) and any(
        i.code == "ambiguous_number" for i in err.issues
    )


class DotChoiceBox(QMessageBox):
    """Point décimal, séparateur de milliers, or Annuler; `choice()` once it is closed."""

    def __init__(self, err: FileImportError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Comment lire le point ?"))
        self.setText(
            self.tr(
                "Dans ce fichier, un nombre comme « 1.500 » peut valoir 1,5 (point décimal) ou "
                "1 500 (séparateur de milliers), et rien dans sa colonne ne le dit. Rien n'a "
                "été enregistré. Comment lire le point dans les colonnes concernées ?"
            )
        )
        places = [source_issue_text(i) for i in err.issues if i.code == "ambiguous_number"]
        self.setInformativeText("\n".join(places[:10]))
        self.decimal_button = self._choice(self.tr("Point décimal (1.500 = 1,5)"))
        self.thousands_button = self._choice(self.tr("Séparateur de milliers (1.500 = 1 500)"))
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)  # Enter alone never picks a reading

    def _choice(self, text: str) -> QPushButton:
        return self.addButton(text, QMessageBox.ButtonRole.AcceptRole)

    def choice(self) -> DotChoice | None:
        clicked = self.clickedButton()
        if clicked is self.decimal_button:
            return DotChoice.DECIMAL
        if clicked is self.thousands_button:
            return DotChoice.THOUSANDS
        return None
