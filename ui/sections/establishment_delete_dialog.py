"""Deleting an establishment that holds data: what will go, and its name typed to confirm."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment, EstablishmentContents

CONTEXT = "EstablishmentDeleteDialog"
DESTRUCTIVE_STYLE = "QPushButton:enabled { color: #8a1c1c; font-weight: 600; }"


def _count(text: str, count: int) -> str:
    return QCoreApplication.translate(CONTEXT, text, "", count)


def contents_lines(contents: EstablishmentContents) -> list[str]:
    """One line per kind of data held: '3 diagnostic(s), avec leurs réponses, …'."""
    texts = (
        (contents.diagnostics, "%Ln diagnostic(s), avec leurs réponses, preuves et plans"),
        (contents.stock_imports, "%Ln import(s) de stock"),
        (contents.stock_lines, "%Ln ligne(s) d'inventaire"),
        (contents.stock_movements, "%Ln mouvement(s) de stock"),
        (contents.products, "%Ln produit(s) du catalogue"),
        (contents.shortages, "%Ln rupture(s) enregistrée(s)"),
        (contents.activity_values, "%Ln valeur(s) d'activité"),
        (contents.uo_results, "%Ln résultat(s) d'unités d'œuvre"),
        (contents.scenarios, "%Ln scénario(s) de calculateur"),
    )
    return [_count(text, count) for count, text in texts if count]


class DeleteEstablishmentDialog(QDialog):
    """Lists what the deletion removes; the delete button stays off until the establishment's
    name is typed exactly. Escape or Annuler leave everything as it was (nothing to lose)."""

    def __init__(
        self,
        parent: QWidget | None,
        record: Establishment,
        contents: EstablishmentContents,
        backup_folder: str,
    ) -> None:
        super().__init__(parent)
        self._name = record.name
        self.setWindowTitle(self.tr("Supprimer l'établissement et ses données"))
        heading = QLabel(
            self.tr("« %1 » (FINESS %2) sera supprimé avec tout ce qu'il contient :")
            .replace("%1", record.name)
            .replace("%2", record.finess),
            wordWrap=True,
        )
        heading.setObjectName("themeTitle")
        self.contents = QLabel("\n".join(f"•  {line}" for line in contents_lines(contents)))
        backup = QLabel(
            self.tr(
                "Une copie complète de la base de données est d'abord enregistrée dans %1. "
                "La suppression est tracée dans le journal d'audit."
            ).replace("%1", backup_folder),
            wordWrap=True,
        )
        self.confirm_name = QLineEdit(placeholderText=record.name)
        self.confirm_name.textChanged.connect(self._name_typed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = self.buttons.addButton(
            self.tr("Supprimer définitivement"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.delete_button.setEnabled(False)
        self.delete_button.setStyleSheet(DESTRUCTIVE_STYLE)
        self.delete_button.setDefault(True)  # Enter after the name deletes
        self.delete_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.contents)
        layout.addWidget(backup)
        layout.addWidget(QLabel(self.tr("Pour confirmer, tapez le nom de l'établissement :")))
        layout.addWidget(self.confirm_name)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def typed_name(self) -> str:
        return self.confirm_name.text()

    def _name_typed(self, text: str) -> None:
        self.delete_button.setEnabled(" ".join(text.split()) == self._name)
