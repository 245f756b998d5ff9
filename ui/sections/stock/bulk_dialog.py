"""Change the category, MITM flag or substitute flag of many products at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from hospiperf_desktop.stock.parameters import StockParameters

UNCHANGED = None


class BulkProductDialog(QDialog):
    """Each list starts on « inchangé »: only what the user sets is changed."""

    def __init__(self, count: int, params: StockParameters, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Modifier %1 produit(s)").replace("%1", str(count)))
        self.category = QComboBox()
        self.category.addItem(self.tr("(inchangée)"), UNCHANGED)
        for category in params.categories:
            self.category.addItem(category.label, category.id)
        self.mitm = self._flag(self.tr("(inchangé)"))
        self.substitute = self._flag(self.tr("(inchangé)"))
        intro = QLabel(
            self.tr(
                "Le même changement s'applique aux %1 produits sélectionnés, en une seule fois "
                "(tout ou rien), et chaque produit modifié est inscrit au journal d'audit."
            ).replace("%1", str(count))
        )
        intro.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(self.tr("&Catégorie :"), self.category)
        form.addRow(self.tr("&MITM :"), self.mitm)
        form.addRow(self.tr("&Substitut disponible :"), self.substitute)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(440)

    def _flag(self, unchanged: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(unchanged, UNCHANGED)
        combo.addItem(self.tr("Oui"), True)
        combo.addItem(self.tr("Non"), False)
        return combo

    def changes(self) -> dict[str, Any]:
        chosen = {
            "category": self.category.currentData(),
            "mitm": self.mitm.currentData(),
            "has_substitute": self.substitute.currentData(),
        }
        return {key: value for key, value in chosen.items() if value is not UNCHANGED}
