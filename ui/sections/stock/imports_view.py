"""Imports: the files imported for the establishment; an import can be undone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.stock.records import StockImportRecord
from ui.labels import actor_text, datetime_text, import_kind_labels
from ui.sections.stock.common import (
    Column,
    ColumnsTableModel,
    RecordFilter,
    day_text,
    number,
    selected_record,
    stock_table,
)
from ui.sections.stock.tab import StockTab
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

FILE_COLUMN = 1
WHEN_COLUMN = 5


class ImportsView(StockTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.model = ColumnsTableModel(self._columns(), self)
        self.proxy = RecordFilter(self.model, self)
        self.undo_button = QPushButton(self.tr("Annuler cet import…"))
        self.undo_button.clicked.connect(self.undo_selected)
        self.table = stock_table(self.proxy)
        self.table.sortByColumn(WHEN_COLUMN, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        help_text = QLabel(
            self.tr(
                "Annuler un import retire toutes les lignes qu'il a apportées ; les produits et "
                "fournisseurs créés restent."
            )
        )
        help_text.setObjectName("itemHelp")
        help_text.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(help_text, 1)
        tools.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def _columns(self) -> list[Column]:
        kinds = import_kind_labels()
        return [
            Column(self.tr("Type"), lambda r: kinds.get(r.kind, r.kind)),
            Column(self.tr("Fichier"), lambda r: r.file_name),
            Column(
                self.tr("Lignes"), lambda r: number(r.row_count), lambda r: r.row_count, right=True
            ),
            Column(self.tr("Période"), self._period, lambda r: str(r.first_date or "")),
            Column(self.tr("Importé par"), lambda r: actor_text(r.imported_by)),
            Column(
                self.tr("Le"),
                lambda r: datetime_text(r.imported_at),
                lambda r: r.imported_at.isoformat(),
            ),
        ]

    def _period(self, record: StockImportRecord) -> str:
        if record.first_date is None:
            return ""
        if record.first_date == record.last_date:
            return day_text(record.first_date)
        return (
            self.tr("du %1 au %2")
            .replace("%1", day_text(record.first_date))
            .replace("%2", day_text(record.last_date))
        )

    def load(self, services: Services, establishment: Establishment) -> None:
        imports = services.stock.imports
        self.run_current(lambda _p: imports.imports(establishment.id), self._show)

    def _show(self, records: list[StockImportRecord]) -> None:
        self.model.set_rows(records)
        self._update_buttons()
        self.loaded.emit()

    def clear(self) -> None:
        self.model.set_rows([])
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(selected_record(self.table, self.proxy) is not None)

    def undo_selected(self) -> None:
        selected = selected_record(self.table, self.proxy)
        if selected is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Annuler l'import"),
            self.tr(
                "Annuler l'import de « %1 » du %2 ?\n\nSes %3 ligne(s) seront retirées des "
                "données de stock ; les produits restent."
            )
            .replace("%1", selected.file_name)
            .replace("%2", datetime_text(selected.imported_at))
            .replace("%3", number(selected.row_count)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        imports = self.services.stock.imports

        def done(count: int) -> None:
            self.status(
                self.tr("Import annulé : %1 ligne(s) retirée(s).").replace("%1", str(count))
            )
            self.refresh()
            self.changed.emit()

        self._runner.run(lambda _p: imports.delete_import(selected.id), on_success=done)
