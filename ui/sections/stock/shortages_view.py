"""Ruptures: the shortage log of the establishment, year by year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.stock.records import ProductRecord, ShortageRecord
from ui.forms import DateField, FormDialog, form_dialog
from ui.labels import actor_text
from ui.sections.stock.common import (
    Column,
    ColumnsTableModel,
    RecordFilter,
    day_text,
    selected_record,
    stock_table,
    yes,
)
from ui.sections.stock.tab import StockTab
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.catalog import ShortageInput

NOTES_COLUMN = 7


@dataclass(frozen=True)
class _Log:
    year: int
    shortages: list[ShortageRecord]
    supplier_changes: int


class ShortagesView(StockTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.dialog: ShortageDialog | None = None
        self.model = ColumnsTableModel(self._columns(), self)
        self.proxy = RecordFilter(self.model, self)
        self.year = QSpinBox(minimum=2000, maximum=2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.add_button = QPushButton(self.tr("Ajouter…"))
        self.edit_button = QPushButton(self.tr("Modifier…"))
        self.delete_button = QPushButton(self.tr("Supprimer…"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table = stock_table(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NOTES_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Année :")))
        tools.addWidget(self.year)
        tools.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            tools.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._update_buttons()

    def _columns(self) -> list[Column]:
        return [
            Column(
                self.tr("Début"),
                lambda s: day_text(s.started_on),
                lambda s: s.started_on.isoformat(),
            ),
            Column(
                self.tr("Fin"),
                lambda s: day_text(s.ended_on) or self.tr("en cours"),
                lambda s: s.ended_on.isoformat() if s.ended_on else "9999",
            ),
            Column(self.tr("Code"), lambda s: s.product_code),
            Column(self.tr("Libellé"), lambda s: s.product_label),
            Column(self.tr("Cause"), lambda s: s.cause),
            Column(self.tr("Substitut"), lambda s: s.substitute),
            Column(
                self.tr("Changement de fournisseur"),
                lambda s: yes(s.supplier_changed),
                tip=self.tr("La rupture a imposé un changement de fournisseur ou de produit"),
            ),
            Column(self.tr("Notes"), lambda s: " ".join(s.notes.split())),
            Column(self.tr("Saisi par"), lambda s: actor_text(s.recorded_by)),
        ]

    def load(self, services: Services, establishment: Establishment) -> None:
        catalog = services.stock.catalog
        year = self.year.value()

        def job(_p: object) -> _Log:
            return _Log(
                year,
                catalog.shortages(establishment.id, year),
                catalog.supplier_change_count(establishment.id, year),
            )

        self.run_current(job, self._show)

    def _show(self, log: _Log) -> None:
        self.model.set_rows(log.shortages)
        self.count_label.setText(
            self.tr(
                "%1 rupture(s) en %2, dont <b>%3 ayant imposé un changement de fournisseur ou "
                "de produit</b> (alimente l'item 5 des UO pharmacie)."
            )
            .replace("%1", str(len(log.shortages)))
            .replace("%2", str(log.year))
            .replace("%3", str(log.supplier_changes))
        )
        self._update_buttons()
        self.loaded.emit()

    def clear(self) -> None:
        self.model.set_rows([])
        self.count_label.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = selected_record(self.table, self.proxy) is not None
        self.add_button.setEnabled(self.establishment is not None)
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)

    # Editing ---------------------------------------------------------------------------

    def add(self) -> None:
        self._ask(None)

    def edit_selected(self) -> None:
        selected = selected_record(self.table, self.proxy)
        if selected is not None:
            self._ask(selected)

    def _ask(self, shortage: ShortageRecord | None) -> None:
        establishment = self.establishment
        if establishment is None:
            return
        catalog = self.services.stock.catalog

        def ask(products: list[ProductRecord]) -> None:
            dialog = ShortageDialog(products, shortage, self)
            self.dialog = dialog

            def accepted() -> None:
                data = dialog.value()

                def save(_p: object) -> ShortageRecord:
                    if shortage is None:
                        return catalog.record_shortage(establishment.id, data)
                    return catalog.update_shortage(shortage.id, data)

                self._runner.run(save, on_success=self._saved)

            dialog.accepted.connect(accepted)
            dialog.open()

        self._runner.run(lambda _p: catalog.products(establishment.id), on_success=ask)

    def _saved(self, record: ShortageRecord) -> None:
        if record.started_on.year != self.year.value():
            self.year.setValue(record.started_on.year)  # shows that year's log
        else:
            self.refresh()
        self.changed.emit()

    def delete_selected(self) -> None:
        selected = selected_record(self.table, self.proxy)
        if selected is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Supprimer la rupture"),
            self.tr("Supprimer la rupture de « %1 » commencée le %2 ?")
            .replace("%1", selected.product_label)
            .replace("%2", day_text(selected.started_on)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        catalog = self.services.stock.catalog
        self._runner.run(
            lambda _p: catalog.delete_shortage(selected.id), on_success=lambda _r: self.refresh()
        )


class ShortageDialog(FormDialog):
    """A shortage: the product (typed code or words of its label), dates, cause, outcome."""

    def __init__(
        self,
        products: Sequence[ProductRecord],
        shortage: ShortageRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("Nouvelle rupture") if shortage is None else self.tr("Modifier la rupture")
        )
        self.product = QComboBox()
        self.product.setEditable(True)
        self.product.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for record in products:
            self.product.addItem(f"{record.code} — {record.label}", record.id)
        completer = QCompleter(self.product.model(), self.product)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.product.setCompleter(completer)
        self.product.lineEdit().setPlaceholderText(self.tr("Code ou libellé du produit"))
        self.started = DateField(date.today())
        self.ended_check = QCheckBox(self.tr("Terminée le"))
        self.ended = DateField(date.today())
        self.ended.setEnabled(False)
        self.ended_check.toggled.connect(self.ended.setEnabled)
        ended_row = QHBoxLayout()
        ended_row.addWidget(self.ended_check)
        ended_row.addWidget(self.ended, 1)
        self.cause = QLineEdit()
        self.cause.setPlaceholderText(self.tr("ex. : rupture industrielle, contingentement"))
        self.substitute = QLineEdit()
        self.substitute.setPlaceholderText(self.tr("Produit utilisé à la place, le cas échéant"))
        self.supplier_changed = QCheckBox(
            self.tr("La rupture a imposé un changement de fournisseur ou de produit")
        )
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.error = QLabel()
        self.error.setStyleSheet("color: #8a1c1c")
        form = QFormLayout()
        form.addRow(self.tr("Produit :"), self.product)
        form.addRow(self.tr("Début :"), self.started)
        form.addRow(self.tr("Fin :"), ended_row)
        form.addRow(self.tr("Cause :"), self.cause)
        form.addRow(self.tr("Substitut :"), self.substitute)
        form.addRow("", self.supplier_changed)
        form.addRow(self.tr("Notes :"), self.notes)
        form.addRow("", self.error)
        form_dialog(self, form, 620)
        if shortage is not None:
            self.product.setCurrentIndex(self.product.findData(shortage.product_id))
            self.started.set_date(shortage.started_on)
            if shortage.ended_on is not None:
                self.ended_check.setChecked(True)
                self.ended.set_date(shortage.ended_on)
            self.cause.setText(shortage.cause)
            self.substitute.setText(shortage.substitute)
            self.supplier_changed.setChecked(shortage.supplier_changed)
            self.notes.setPlainText(shortage.notes)
        else:
            self.product.setCurrentIndex(-1)

    def product_id(self) -> int | None:
        """The product chosen: the one whose text is in the field (typed or picked)."""
        index = self.product.findText(self.product.currentText().strip())
        return self.product.itemData(index) if index >= 0 else None

    def accept(self) -> None:
        if self.product_id() is None:
            self.error.setText(self.tr("Choisissez un produit de la liste."))
            return
        problem = self.started.problem(required=True) or (
            self.ended.problem(required=True) if self.ended_check.isChecked() else None
        )
        if problem is not None:
            self.error.setText(problem)
            return
        ended = self.ended.date_value() if self.ended_check.isChecked() else None
        started = self.started.date_value()
        if ended is not None and started is not None and ended < started:
            self.error.setText(self.tr("La date de fin précède la date de début."))
            return
        super().accept()

    def value(self) -> ShortageInput:
        from hospiperf_desktop.stock.catalog import ShortageInput

        product_id, started = self.product_id(), self.started.date_value()
        assert product_id is not None and started is not None
        return ShortageInput(
            product_id=product_id,
            started_on=started,
            ended_on=self.ended.date_value() if self.ended_check.isChecked() else None,
            cause=self.cause.text(),
            substitute=self.substitute.text(),
            supplier_changed=self.supplier_changed.isChecked(),
            notes=self.notes.toPlainText(),
        )
