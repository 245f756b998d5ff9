"""The Stocks section: one establishment's imports, indicators, reorder suggestions,
products, shortages and suppliers, tab by tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.french import french_sorted
from hospiperf_desktop.stock.records import ImportResult
from ui.sections.stock.imports_view import ImportsView
from ui.sections.stock.indicators_view import IndicatorsView
from ui.sections.stock.products_view import ProductsView
from ui.sections.stock.reorder_view import ReorderView
from ui.sections.stock.shortages_view import ShortagesView
from ui.sections.stock.suppliers_view import SuppliersView
from ui.sections.stock.tab import StockTab
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from ui.sections.stock.import_wizard import ImportWizard


class StockPage(QWidget):
    loaded = Signal()  # the establishments are listed

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self._establishments: list[Establishment] = []
        self.wizard: ImportWizard | None = None
        title = QLabel(self.tr("Stocks"))
        title.setObjectName("sectionTitle")
        self.establishment = QComboBox()
        self.establishment.setMinimumContentsLength(40)
        self.establishment.currentIndexChanged.connect(self._establishment_changed)
        self.import_button = QPushButton(self.tr("Importer un fichier…"))
        self.import_button.clicked.connect(self.import_file)
        self.hint = QLabel(self.tr("Ajoutez d'abord un établissement (section Établissements)."))
        self.hint.setObjectName("comingSoonBadge")
        self.hint.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Établissement :")))
        top.addWidget(self.establishment, 1)
        top.addWidget(self.import_button)

        self.indicators = IndicatorsView(runner)
        self.reorder = ReorderView(runner, self.indicators.chosen)
        self.products = ProductsView(runner)
        self.shortages = ShortagesView(runner)
        self.suppliers = SuppliersView(runner)
        self.imports = ImportsView(runner)
        self.tabs = QTabWidget()
        for tab, name in (
            (self.indicators, self.tr("Indicateurs")),
            (self.reorder, self.tr("Réapprovisionnement")),
            (self.products, self.tr("Produits")),
            (self.shortages, self.tr("Ruptures")),
            (self.suppliers, self.tr("Fournisseurs")),
            (self.imports, self.tr("Imports")),
        ):
            self.tabs.addTab(tab, name)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        # What one tab changes, others show: mark them out of date.
        self.products.changed.connect(lambda: self.invalidate(self.reorder, self.indicators))
        self.suppliers.changed.connect(lambda: self.invalidate(self.reorder, self.products))
        self.imports.changed.connect(lambda: self.invalidate(*self.views()))
        self.reorder.product_requested.connect(self.products.open_product)
        self.indicators.loaded.connect(lambda: self.invalidate(self.reorder))

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def views(self) -> tuple[StockTab, ...]:
        return (
            self.indicators,
            self.reorder,
            self.products,
            self.shortages,
            self.suppliers,
            self.imports,
        )

    # Establishments ----------------------------------------------------------------------

    def set_services(self, services: Services) -> None:
        self._services = services
        self.setEnabled(True)
        self.reload()

    def reload(self) -> None:
        """List the establishments again (one was added, renamed or removed)."""
        services = self._require()
        self._runner.run(lambda _p: services.establishments.list(), on_success=self._show_list)

    def _show_list(self, establishments: list[Establishment]) -> None:
        kept = self.current_establishment()
        self._establishments = french_sorted(establishments, key=lambda e: e.name)
        self.establishment.blockSignals(True)
        self.establishment.clear()
        for record in self._establishments:
            self.establishment.addItem(f"{record.name} ({record.finess})", record.id)
        index = self.establishment.findData(kept.id) if kept is not None else -1
        self.establishment.setCurrentIndex(max(index, 0) if self._establishments else -1)
        self.establishment.blockSignals(False)
        self.hint.setVisible(not self._establishments)
        self._establishment_changed()
        self.loaded.emit()

    def current_establishment(self) -> Establishment | None:
        chosen = self.establishment.currentData()
        return next((e for e in self._establishments if e.id == chosen), None)

    def select_establishment(self, establishment_id: int) -> None:
        index = self.establishment.findData(establishment_id)
        if index >= 0:
            self.establishment.setCurrentIndex(index)

    def _establishment_changed(self) -> None:
        services = self._require()
        establishment = self.current_establishment()
        self.import_button.setEnabled(establishment is not None)
        self.tabs.setEnabled(establishment is not None)
        for view in self.views():
            view.show_establishment(services, establishment)
        self._refresh_current()

    # Tabs --------------------------------------------------------------------------------

    def invalidate(self, *views: StockTab) -> None:
        """Mark `views` out of date; the one shown loads again now, the others when shown."""
        for view in views:
            view.dirty = True
        self._refresh_current()

    def _refresh_current(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, StockTab) and current.dirty:
            current.refresh()

    # Import ------------------------------------------------------------------------------

    def import_file(self) -> None:
        from ui.sections.stock.import_wizard import ImportWizard

        services, establishment = self._require(), self.current_establishment()
        if establishment is None:
            return
        wizard = ImportWizard(self._runner, services, establishment, self)
        wizard.imported.connect(self._imported)
        wizard.finished.connect(lambda _result: self._closed(wizard))
        self.wizard = wizard
        wizard.open()

    def _closed(self, wizard: ImportWizard) -> None:
        if self.wizard is wizard:
            self.wizard = None
        wizard.deleteLater()

    def _imported(self, _result: ImportResult) -> None:
        self.indicators.show_latest_on_next_load()
        self.invalidate(*self.views())

    def _require(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services
