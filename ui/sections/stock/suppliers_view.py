"""Fournisseurs: each supplier's lead-time profile, and its own lead time when known."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.stock.records import SupplierRecord
from ui.forms import FormDialog, form_dialog
from ui.sections.stock.common import (
    Column,
    ColumnsTableModel,
    RecordFilter,
    number,
    selected_record,
    stock_table,
    yes,
)
from ui.sections.stock.tab import StockTab
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.parameters import LeadTimeProfile, StockParameters

MAX_DAYS = 365
NAME_COLUMN = 0
PROFILE_COLUMN = 1


def _days(value: float) -> str:
    return number(value, 1).removesuffix(",0")


class SuppliersView(StockTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._params: StockParameters | None = None
        self.dialog: SupplierDialog | None = None
        self.model = ColumnsTableModel(self._columns(), self)
        self.proxy = RecordFilter(self.model, self)
        self.search = QLineEdit(placeholderText=self.tr("Rechercher un fournisseur"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.edit_button = QPushButton(self.tr("Modifier le délai…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.table = stock_table(self.proxy)
        self.table.sortByColumn(NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        help_text = QLabel(
            self.tr(
                "Le délai de réapprovisionnement (moyenne et écart-type, en jours) sert au stock "
                "de sécurité et au point de commande. Choisissez le profil qui décrit le "
                "fournisseur, ou donnez son délai propre s'il est connu."
            )
        )
        help_text.setWordWrap(True)
        help_text.setObjectName("itemHelp")
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(help_text)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def _columns(self) -> list[Column]:
        return [
            Column(self.tr("Fournisseur"), lambda s: s.name),
            Column(self.tr("Profil de délai"), lambda s: self._profile_text(s.lead_time_profile)),
            Column(
                self.tr("Délai moyen (j)"),
                lambda s: _days(s.lead_time_days),
                lambda s: s.lead_time_days,
                right=True,
            ),
            Column(
                self.tr("Écart-type (j)"),
                lambda s: _days(s.lead_time_sd_days),
                lambda s: s.lead_time_sd_days,
                right=True,
            ),
            Column(
                self.tr("Délai propre"),
                lambda s: yes(s.overridden),
                tip=self.tr("Délai saisi pour ce fournisseur plutôt que celui de son profil"),
            ),
            Column(
                self.tr("Produits"),
                lambda s: number(s.product_count),
                lambda s: s.product_count,
                right=True,
            ),
        ]

    def _profile_text(self, profile_id: str) -> str:
        if self._params is None:
            return profile_id
        try:
            return self._params.lead_time_profile(profile_id).label
        except KeyError:
            return profile_id

    def services_ready(self, params: StockParameters) -> None:
        self._params = params

    def load(self, services: Services, establishment: Establishment) -> None:
        catalog = services.stock.catalog
        self.run_current(lambda _p: catalog.suppliers(establishment.id), self._show)

    def _show(self, suppliers: list[SupplierRecord]) -> None:
        self.model.set_rows(suppliers)
        self.table.resizeColumnToContents(PROFILE_COLUMN)
        self._update_buttons()
        self.loaded.emit()

    def clear(self) -> None:
        self.model.set_rows([])
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(selected_record(self.table, self.proxy) is not None)

    def select(self, supplier_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.record(row).id == supplier_id:
                self.table.selectRow(row)
                return

    def edit_selected(self) -> None:
        selected = selected_record(self.table, self.proxy)
        if selected is None or self._params is None:
            return
        dialog = SupplierDialog(selected, self._params.lead_time_profiles, self)
        self.dialog = dialog
        catalog = self.services.stock.catalog

        def accepted() -> None:
            profile, days, sd = dialog.value()

            def saved(record: SupplierRecord) -> None:
                self.refresh()
                self.changed.emit()
                self.status(self.tr("Délai de « %1 » enregistré.").replace("%1", record.name))

            self._runner.run(
                lambda _p: catalog.update_supplier(
                    selected.id, profile=profile, lead_time_days=days, lead_time_sd_days=sd
                ),
                on_success=saved,
            )

        dialog.accepted.connect(accepted)
        dialog.open()


class SupplierDialog(FormDialog):
    def __init__(
        self,
        supplier: SupplierRecord,
        profiles: tuple[LeadTimeProfile, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Délai de %1").replace("%1", supplier.name))
        self._profiles = {p.id: p for p in profiles}
        self.profile = QComboBox()
        for profile in profiles:
            self.profile.addItem(
                self.tr("%1 (%2 j ± %3)")
                .replace("%1", profile.label)
                .replace("%2", _days(profile.mean_days))
                .replace("%3", _days(profile.sd_days)),
                profile.id,
            )
        self.profile.setCurrentIndex(self.profile.findData(supplier.lead_time_profile))
        self.own = QCheckBox(self.tr("Délai propre à ce fournisseur"))
        self.days = QDoubleSpinBox(minimum=0.0, maximum=MAX_DAYS, decimals=1)
        self.days.setSuffix(self.tr(" jours"))
        self.sd = QDoubleSpinBox(minimum=0.0, maximum=MAX_DAYS, decimals=1)
        self.sd.setSuffix(self.tr(" jours"))
        self.days.setValue(supplier.lead_time_days)
        self.sd.setValue(supplier.lead_time_sd_days)
        self.own.toggled.connect(self._own_toggled)
        self.profile.currentIndexChanged.connect(lambda _i: self._own_toggled(self.own.isChecked()))
        self.own.setChecked(supplier.overridden)
        self._own_toggled(supplier.overridden)
        form = QFormLayout()
        form.addRow(self.tr("Profil :"), self.profile)
        form.addRow("", self.own)
        form.addRow(self.tr("Délai moyen :"), self.days)
        form.addRow(self.tr("Écart-type :"), self.sd)
        form_dialog(self, form, 560)

    def _own_toggled(self, own: bool) -> None:
        self.days.setEnabled(own)
        self.sd.setEnabled(own)
        if not own:  # show what the profile gives
            profile = self._profiles[self.profile.currentData()]
            self.days.setValue(profile.mean_days)
            self.sd.setValue(profile.sd_days)

    def value(self) -> tuple[str, float | None, float | None]:
        """Profile id, and the supplier's own mean and deviation (None: the profile's)."""
        if self.own.isChecked():
            return self.profile.currentData(), self.days.value(), self.sd.value()
        return self.profile.currentData(), None, None
