"""Naming a calculator scenario to keep, and choosing a kept one to open again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.forms import FormDialog, form_dialog
from ui.labels import actor_text, datetime_text
from ui.record_table import record_table
from ui.sections.stock.common import Column, ColumnsTableModel

if TYPE_CHECKING:
    from hospiperf_desktop.calculators.service import SavedScenario

MAX_NAME = 120  # as the core's CalculatorService accepts them


class SaveScenarioDialog(FormDialog):
    """The name under which the scenario is kept for the establishment."""

    def __init__(
        self, calculator: str, establishment: str, suggested: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enregistrer le scénario"))
        explain = QLabel(
            self.tr(
                "%1 : les données saisies et le résultat sont gardés pour %2, avec la version "
                "des paramètres qui l'a produit."
            )
            .replace("%1", calculator)
            .replace("%2", establishment)
        )
        explain.setWordWrap(True)
        self.name = QLineEdit(suggested[:MAX_NAME])
        self.name.setMaxLength(MAX_NAME)
        form = QFormLayout()
        form.addRow(explain)
        form.addRow(self.tr("Nom du scénario :"), self.name)
        self.buttons = form_dialog(self, form, 520)
        self.name.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.text().strip()))

    def value(self) -> str:
        return self.name.text().strip()


class OpenScenarioDialog(QDialog):
    """The establishment's kept scenarios of one calculator: open one, or delete one."""

    delete_requested = Signal(object)  # the SavedScenario to delete

    def __init__(
        self, calculator: str, saved: list[SavedScenario], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ouvrir un scénario — %1").replace("%1", calculator))
        self.model = ColumnsTableModel(
            [
                Column(self.tr("Nom"), lambda s: s.name),
                Column(
                    self.tr("Enregistré le"),
                    lambda s: datetime_text(s.saved_at),
                    lambda s: s.saved_at,
                ),
                Column(self.tr("Par"), lambda s: actor_text(s.saved_by)),
                Column(self.tr("Paramètres"), lambda s: s.params_version),
            ],
            self,
        )
        self.table = record_table(self.model, sortable=False)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.delete_button = QPushButton(self.tr("Supprimer"))
        self.delete_button.clicked.connect(self._delete)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.resize(640, 360)
        self.show_list(saved)

    def show_list(self, saved: list[SavedScenario]) -> None:
        self.model.set_rows(saved)
        if saved:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.value() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def select(self, name: str) -> None:
        for row, saved in enumerate(self.model.rows):
            if saved.name == name:
                self.table.selectRow(row)

    def value(self) -> SavedScenario | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _delete(self) -> None:
        chosen = self.value()
        if chosen is not None:
            self.delete_requested.emit(chosen)
