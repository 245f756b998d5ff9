"""Produits: the establishment's products; a product's history and its editable facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.number_columns import Reading, dot_evidence
from hospiperf_desktop.stock.bounds import StockBounds
from hospiperf_desktop.stock.cells import CellError, parse_number
from hospiperf_desktop.stock.records import ProductHistory, ProductRecord
from ui.forms import FormDialog
from ui.messages import french_number
from ui.sections.stock.common import (
    Column,
    ColumnsTableModel,
    RecordFilter,
    day_text,
    euros,
    number,
    selected_record,
    sort_number,
    stock_table,
    unit_price,
    yes,
)
from ui.sections.stock.tab import StockTab
from ui.status import show_status
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.parameters import StockParameters

LABEL_COLUMN = 1


class ProductsView(StockTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._params: StockParameters | None = None
        self.dialog: QDialog | None = None
        self.model = ColumnsTableModel(self._columns(), self)
        self.proxy = RecordFilter(self.model, self)
        self.search = QLineEdit(placeholderText=self.tr("Rechercher (code, libellé, fournisseur…)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.category = QComboBox()
        self.category.addItem(self.tr("Toutes les catégories"), None)
        self.category.currentIndexChanged.connect(self._filter)
        self.open_button = QPushButton(self.tr("Fiche produit…"))
        self.open_button.clicked.connect(self.open_selected)
        self.bulk_button = QPushButton(self.tr("Modifier la sélection…"))
        self.bulk_button.setToolTip(
            self.tr("Catégorie, MITM ou substitut de tous les produits sélectionnés")
        )
        self.bulk_button.clicked.connect(self.change_selected)
        self.table = stock_table(self.proxy)
        # Many rows can be chosen (Maj/Ctrl + clic or flèches, Ctrl+A) for one change.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.sortByColumn(LABEL_COLUMN, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LABEL_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.count_label = QLabel()
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(QLabel(self.tr("Catégorie :")))
        tools.addWidget(self.category)
        tools.addWidget(self.open_button)
        tools.addWidget(self.bulk_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def _columns(self) -> list[Column]:
        return [
            Column(self.tr("Code"), lambda p: p.code),
            Column(self.tr("Libellé"), lambda p: p.label),
            Column(self.tr("Catégorie"), lambda p: self._category_text(p.category)),
            Column(self.tr("MITM"), lambda p: yes(p.mitm)),
            Column(self.tr("Substitut disponible"), lambda p: yes(p.has_substitute)),
            Column(
                self.tr("Prix unitaire"),
                lambda p: unit_price(p.unit_price),
                lambda p: sort_number(p.unit_price),
                right=True,
            ),
            Column(self.tr("Fournisseurs"), lambda p: ", ".join(p.suppliers)),
        ]

    def _category_text(self, category: str) -> str:
        if self._params is None:
            return category
        return self._params.category(category).label

    def services_ready(self, params: StockParameters) -> None:
        self._params = params
        for category in params.categories:
            self.category.addItem(category.label, category.id)

    def load(self, services: Services, establishment: Establishment) -> None:
        catalog = services.stock.catalog
        self.run_current(lambda _p: catalog.products(establishment.id), self._show)

    def _show(self, products: list[ProductRecord]) -> None:
        self.model.set_rows(products)
        self._count()
        self.loaded.emit()

    def _count(self) -> None:
        self.count_label.setText(
            self.tr("%1 produit(s) affiché(s) sur %2")
            .replace("%1", number(self.proxy.rowCount()))
            .replace("%2", number(self.model.rowCount()))
        )

    def clear(self) -> None:
        self.model.set_rows([])
        self.count_label.clear()

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._count()

    def _filter(self) -> None:
        chosen = self.category.currentData()
        self.proxy.set_predicate(None if chosen is None else lambda p: p.category == chosen)
        self._count()

    def open_selected(self) -> None:
        selected = selected_record(self.table, self.proxy)
        if selected is not None:
            self.open_product(selected.id)

    def selected_products(self) -> list[ProductRecord]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.proxy.record(row) for row in rows]

    def change_selected(self) -> None:
        """One change (category, MITM, substitute) for every selected product."""
        products = self.selected_products()
        if not products or self._params is None:
            return
        from ui.sections.stock.bulk_dialog import BulkProductDialog

        dialog = BulkProductDialog(len(products), self._params, self)
        self.dialog = dialog
        catalog = self.services.stock.catalog
        ids = [product.id for product in products]

        def accepted() -> None:
            changes = dialog.changes()
            if not changes:
                return

            def saved(records: list[ProductRecord]) -> None:
                self.refresh()
                self.changed.emit()
                show_status(
                    self, self.tr("%1 produit(s) modifié(s).").replace("%1", str(len(records)))
                )

            self._runner.run(lambda _p: catalog.update_products(ids, **changes), on_success=saved)

        dialog.accepted.connect(accepted)
        dialog.open()

    def open_product(self, product_id: int) -> None:
        """Load the product's history, then show it in a dialog where its facts are edited."""
        catalog = self.services.stock.catalog
        self._runner.run(lambda _p: catalog.history(product_id), on_success=self._show_history)

    def _show_history(self, history: ProductHistory) -> None:
        assert self._params is not None
        dialog = ProductDialog(history, self._params, self.services.stock.catalog.bounds, self)
        self.dialog = dialog

        def accepted() -> None:
            changes = dialog.changes()
            if not changes:
                return
            catalog = self.services.stock.catalog

            def saved(_record: ProductRecord) -> None:
                self.refresh()
                self.changed.emit()

            self._runner.run(
                lambda _p: catalog.update_product(history.product.id, **changes),
                on_success=saved,
            )

        dialog.accepted.connect(accepted)
        dialog.open()


class ProductDialog(FormDialog):
    """A product's monthly movements, counted stock and shortages; category and flags edited."""

    def __init__(
        self,
        history: ProductHistory,
        params: StockParameters,
        bounds: StockBounds,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        product = history.product
        self.product = product
        self.bounds = bounds
        self.setWindowTitle(self.tr("Produit %1").replace("%1", product.code))
        title = QLabel(f"<b>{product.code}</b> — {product.label}")
        title.setObjectName("themeTitle")
        title.setWordWrap(True)
        self.category = QComboBox()
        for category in params.categories:
            self.category.addItem(category.label, category.id)
        self.category.setCurrentIndex(self.category.findData(product.category))
        self.mitm = QCheckBox(self.tr("Médicament d'intérêt thérapeutique majeur (MITM)"))
        self.mitm.setChecked(product.mitm)
        self.substitute = QCheckBox(self.tr("Un substitut est disponible"))
        self.substitute.setChecked(product.has_substitute)
        form = QFormLayout()
        form.addRow(self.tr("Catégorie :"), self.category)
        form.addRow("", self.mitm)
        form.addRow("", self.substitute)
        form.addRow(self.tr("&Prix unitaire (€) :"), self._price_field(product))
        form.addRow(
            self.tr("Fournisseurs :"),
            QLabel(", ".join(product.suppliers) or self.tr("aucun connu")),
        )
        tabs = QTabWidget()
        tabs.addTab(self._months(history), self.tr("Mouvements par mois"))
        tabs.addTab(self._stock(history), self.tr("Inventaires"))
        tabs.addTab(self._shortages(history), self.tr("Ruptures"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(760, 620)

    def _price_field(self, product: ProductRecord) -> QWidget:
        """The unit price as typed (every decimal shown), its error, and the justification a
        price outside its plausible range asks for."""
        self.price_shown = "" if product.unit_price is None else french_number(product.unit_price)
        self.price = QLineEdit(self.price_shown)
        self.price.setPlaceholderText(self.tr("ex. : 0,0235"))
        self.price_error = QLabel()
        self.price_error.setStyleSheet("color: #8a1c1c")
        self.price_error.setWordWrap(True)
        self.price_error.hide()
        self.unusual_help = QLabel()
        self.unusual_help.setWordWrap(True)
        self.justification = QLineEdit()
        self.justification.setPlaceholderText(self.tr("Justification (conservée dans l'audit)"))
        self.unusual_row = QWidget()
        unusual = QVBoxLayout(self.unusual_row)
        unusual.setContentsMargins(0, 0, 0, 0)
        unusual.addWidget(self.unusual_help)
        unusual.addWidget(self.justification)
        self.unusual_row.hide()
        self.price.textEdited.connect(lambda _t: self.price_error.hide())
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.price)
        layout.addWidget(self.price_error)
        layout.addWidget(self.unusual_row)
        return holder

    def typed_price(self) -> tuple[float | None, str]:
        """The price typed (None when unchanged), or why it cannot be kept."""
        text = self.price.text().strip()
        if text == self.price_shown:
            return None, ""
        if not text:
            return None, self.tr("Indiquez un prix unitaire.")
        if dot_evidence(text) is Reading.AMBIGUOUS:
            return None, self.tr(
                "« %1 » est ambigu : écrivez par exemple 1500 (mille cinq cents) ou 1,5."
            ).replace("%1", text)
        try:
            value = parse_number(text)
        except CellError as err:
            if err.code == "too_large":
                return None, self.tr("« %1 » est trop grand.").replace("%1", text)
            return None, self.tr("« %1 » n'est pas un nombre.").replace("%1", text)
        if value < 0:
            return None, self.tr("Un prix ne peut pas être négatif.")
        return value, ""

    def accept(self) -> None:
        """OK keeps the dialog open on a wrong price, or an unusual one not yet justified."""
        value, error = self.typed_price()
        if error:
            self.price_error.setText(error)
            self.price_error.show()
            self.price.setFocus()
            return
        plausible = self.bounds.unit_price
        unusual = value is not None and not plausible.contains(value)
        if unusual and not self.justification.text().strip():
            assert value is not None
            self.unusual_help.setText(
                self.tr(
                    "%1 € est hors de la plage plausible d'un prix unitaire (%2 à %3 €) — %4. "
                    "Pour le garder, dites pourquoi il est juste :"
                )
                .replace("%1", french_number(value))
                .replace("%2", french_number(plausible.low or 0))
                .replace("%3", french_number(plausible.high) if plausible.high else "…")
                .replace("%4", plausible.source)
            )
            self.unusual_row.show()
            self.justification.setFocus()
            return
        if not unusual:
            self.justification.clear()
        super().accept()

    def _table(self, columns: list[Column], rows: object) -> QWidget:
        model = ColumnsTableModel(columns, self)
        model.set_rows(rows)  # type: ignore[arg-type]
        table = stock_table(RecordFilter(model, self))
        table.horizontalHeader().setStretchLastSection(True)
        if not model.rowCount():
            holder = QWidget()
            layout = QVBoxLayout(holder)
            empty = QLabel(self.tr("Aucune donnée importée pour ce produit."))
            empty.setObjectName("itemHelp")
            layout.addWidget(empty)
            layout.addStretch(1)
            return holder
        return table

    def _months(self, history: ProductHistory) -> QWidget:
        return self._table(
            [
                Column(
                    self.tr("Mois"), lambda m: f"{m.month[5:]}/{m.month[:4]}", lambda m: m.month
                ),
                Column(
                    self.tr("Entrées"),
                    lambda m: number(m.quantity_in),
                    lambda m: m.quantity_in,
                    right=True,
                ),
                Column(
                    self.tr("Sorties"),
                    lambda m: number(m.quantity_out),
                    lambda m: m.quantity_out,
                    right=True,
                ),
                Column(
                    self.tr("Valeur sortie"),
                    lambda m: euros(m.value_out),
                    lambda m: m.value_out,
                    right=True,
                ),
            ],
            history.months,
        )

    def _stock(self, history: ProductHistory) -> QWidget:
        return self._table(
            [
                Column(
                    self.tr("Date"),
                    lambda s: day_text(s.snapshot_date),
                    lambda s: s.snapshot_date.isoformat(),
                ),
                Column(self.tr("Lieu"), lambda s: s.location or "—"),
                Column(
                    self.tr("Quantité"),
                    lambda s: number(s.quantity),
                    lambda s: s.quantity,
                    right=True,
                ),
                Column(self.tr("Valeur"), lambda s: euros(s.value), lambda s: s.value, right=True),
            ],
            history.stock,
        )

    def _shortages(self, history: ProductHistory) -> QWidget:
        return self._table(
            [
                Column(
                    self.tr("Début"),
                    lambda s: day_text(s.started_on),
                    lambda s: s.started_on.isoformat(),
                ),
                Column(self.tr("Fin"), lambda s: day_text(s.ended_on) or self.tr("en cours")),
                Column(self.tr("Cause"), lambda s: s.cause),
                Column(self.tr("Substitut"), lambda s: s.substitute),
                Column(self.tr("Changement de fournisseur"), lambda s: yes(s.supplier_changed)),
            ],
            history.shortages,
        )

    def changes(self) -> dict[str, Any]:
        """The facts the user changed, as `update_product` keywords."""
        found: dict[str, Any] = {}
        category = self.category.currentData()
        if category != self.product.category:
            found["category"] = category
        if self.mitm.isChecked() != self.product.mitm:
            found["mitm"] = self.mitm.isChecked()
        if self.substitute.isChecked() != self.product.has_substitute:
            found["has_substitute"] = self.substitute.isChecked()
        price, _error = self.typed_price()
        if price is not None and price != self.product.unit_price:
            found["unit_price"] = price
            found["justification"] = self.justification.text().strip()
        return found
