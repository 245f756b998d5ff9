"""Réapprovisionnement: safety stock, reorder point and order per product, at-risk first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.stock.export import REASON_LABELS
from hospiperf_desktop.stock.records import ReorderLine, ReorderReport
from ui.documents import document_written
from ui.file_dialogs import save_path
from ui.labels import criticality_labels
from ui.sections.stock.common import (
    RISK_BACKGROUND,
    Column,
    ColumnsTableModel,
    RecordFilter,
    day_text,
    fit_columns,
    number,
    sort_number,
    stock_table,
    yes,
)
from ui.sections.stock.tab import StockTab
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.parameters import StockParameters

RELOAD_DELAY_MS = 400
LABEL_COLUMN = 1
LABEL_WIDTH = 210  # longer labels are cut; their tooltip and the line below show them


class ReorderView(StockTab):
    product_requested = Signal(int)

    def __init__(
        self,
        runner: TaskRunner,
        chosen: Callable[[], tuple[date | None, int]],
        parent: QWidget | None = None,
    ) -> None:
        """`chosen()` gives the date and consumption window set on the Indicateurs tab."""
        super().__init__(runner, parent)
        self._chosen = chosen
        self.report: ReorderReport | None = None
        self._params: StockParameters | None = None
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self.model = ColumnsTableModel(self._columns(0), self)
        self.model.bold = lambda line: line.at_risk
        self.model.background = lambda line, _c: RISK_BACKGROUND if line.at_risk else None
        self.proxy = RecordFilter(self.model, self)
        self._build()

    def _build(self) -> None:
        self.service_level = QDoubleSpinBox(minimum=50.0, maximum=99.9, decimals=1, suffix=" %")
        self.service_level.setSingleStep(0.5)
        self.service_level.setValue(95.0)
        self.service_level.setToolTip(
            self.tr("Probabilité de ne pas rompre pendant le délai de réapprovisionnement")
        )
        self.review_weeks = QDoubleSpinBox(
            minimum=0.0, maximum=26.0, decimals=1, suffix=self.tr(" semaine(s)")
        )
        self.review_weeks.setSingleStep(0.5)
        self.review_weeks.setValue(2.0)
        self.review_weeks.setToolTip(self.tr("Intervalle entre deux commandes"))
        for spin in (self.service_level, self.review_weeks):
            spin.valueChanged.connect(lambda _v: self._reload_timer.start())
        self.at_risk_only = QCheckBox(self.tr("Seulement les produits à risque"))
        self.at_risk_only.toggled.connect(self._filter)
        self.search = QLineEdit(placeholderText=self.tr("Rechercher (code, libellé, motif…)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.export_button = QPushButton(self.tr("Exporter en Excel…"))
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(False)
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Taux de service :")))
        tools.addWidget(self.service_level)
        tools.addSpacing(12)
        tools.addWidget(QLabel(self.tr("Période de révision :")))
        tools.addWidget(self.review_weeks)
        tools.addSpacing(12)
        tools.addWidget(self.at_risk_only)
        tools.addWidget(self.search, 1)
        tools.addWidget(self.export_button)
        self.info = QLabel()
        self.info.setObjectName("itemHelp")
        self.info.setWordWrap(True)
        self.model.tooltips = True
        self.table = stock_table(self.proxy)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # at risk, critical first
        self.table.doubleClicked.connect(self._open_product)
        from ui.table_columns import ColumnChooser

        # On a 1366 px screen the Libellé needs the room; the reasons of the criticality are
        # in the line below the table for the selected product (right-click brings them back).
        ColumnChooser.for_view(self.table).set_default_hidden({self.tr("Motifs")})
        self.table.selectionModel().selectionChanged.connect(self._describe_selected)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)

    def _columns(self, maximum: int) -> list[Column]:
        levels = criticality_labels()
        return [
            Column(self.tr("Code"), lambda line: line.code),
            Column(self.tr("Libellé"), lambda line: line.label),
            Column(self.tr("Catégorie"), self._category_text),
            Column(self.tr("MITM"), lambda line: yes(line.mitm)),
            Column(
                self.tr("Stock\ncentral"),
                lambda line: number(line.on_hand),
                lambda line: line.on_hand,
                right=True,
                tip=self.tr("Quantité au dernier inventaire du stock central"),
            ),
            Column(
                self.tr("Conso.\nmoy./sem."),
                lambda line: number(line.mean_weekly, 1),
                lambda line: line.mean_weekly,
                right=True,
                tip=self.tr("Quantité sortie par semaine en moyenne sur la fenêtre"),
            ),
            Column(
                self.tr("Délai\n(j)"),
                lambda line: number(line.lead_days, 1).removesuffix(",0"),
                lambda line: line.lead_days,
                right=True,
                tip=self.tr("Délai de réapprovisionnement du fournisseur le plus lent"),
            ),
            Column(
                self.tr("Stock de\nsécurité"),
                lambda line: number(line.safety_stock),
                lambda line: line.safety_stock,
                right=True,
            ),
            Column(
                self.tr("Point de\ncommande"),
                lambda line: number(line.reorder_point),
                lambda line: line.reorder_point,
                right=True,
            ),
            Column(
                self.tr("À\ncommander"),
                lambda line: number(line.order_quantity),
                lambda line: line.order_quantity,
                right=True,
            ),
            Column(
                self.tr("Jours de\nstock"),
                lambda line: number(line.days_left, 1),
                lambda line: sort_number(line.days_left),
                right=True,
            ),
            Column(
                self.tr("Risque"),
                lambda line: self.tr("rupture") if line.at_risk else "",
                lambda line: 0 if line.at_risk else 1,
                tip=self.tr("Jours de stock inférieurs au délai de réapprovisionnement"),
            ),
            Column(
                self.tr("Criticité"),
                lambda line: (
                    f"{line.criticality_score}/{maximum} — "
                    f"{levels.get(line.criticality_level, line.criticality_level)}"
                ),
                lambda line: line.criticality_score,
            ),
            Column(
                self.tr("Motifs"),
                lambda line: ", ".join(REASON_LABELS.get(r, r) for r in line.criticality_reasons),
            ),
        ]

    def _category_text(self, line: ReorderLine) -> str:
        if self._params is None:
            return line.category
        # "DMS (dispositif médical stérile)" → "DMS": the table is wide enough as it is.
        return self._params.category(line.category).label.split(" (")[0]

    def services_ready(self, params: StockParameters) -> None:
        self._params = params
        for spin, value in (
            (self.service_level, params.defaults.service_level * 100),
            (self.review_weeks, params.defaults.review_period_weeks),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def load(self, services: Services, establishment: Establishment) -> None:
        self._reload_timer.stop()
        at, window = self._chosen()
        level = self.service_level.value() / 100
        review = self.review_weeks.value()
        analysis = services.stock.analysis

        def job(_p: object) -> ReorderReport:
            return analysis.reorder(
                establishment.id, at, service_level=level, review_weeks=review, window_weeks=window
            )

        self.run_current(job, self._show)

    def _show(self, report: ReorderReport) -> None:
        self.report = report
        self.model.set_columns(self._columns(report.criticality_maximum))
        self.model.set_rows(report.lines)
        fit_columns(self.table, {LABEL_COLUMN: LABEL_WIDTH})
        self._describe_selected()
        at_risk = sum(1 for line in report.lines if line.at_risk)
        snapshot = (
            self.tr("inventaire du stock central du %1").replace(
                "%1", day_text(report.snapshot_date)
            )
            if report.snapshot_date
            else self.tr("aucun inventaire du stock central")
        )
        self.info.setText(
            self.tr(
                "%1 produit(s), dont %2 à risque de rupture (en rouge) — %3 ; consommation des "
                "%4 semaines avant le %5. Date et fenêtre : celles de l'onglet Indicateurs."
            )
            .replace("%1", number(len(report.lines)))
            .replace("%2", number(at_risk))
            .replace("%3", snapshot)
            .replace("%4", str(report.window_weeks))
            .replace("%5", day_text(report.at))
        )
        self.export_button.setEnabled(True)
        self.loaded.emit()

    def _describe_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.report is None:
            self.detail.setText(
                self.tr("Double-cliquez sur un produit pour ouvrir sa fiche et son historique.")
            )
            return
        line: ReorderLine = self.proxy.record(rows[0].row())
        levels = criticality_labels()
        reasons = ", ".join(REASON_LABELS.get(r, r) for r in line.criticality_reasons)
        self.detail.setText(
            self.tr("<b>%1</b> — criticité %2/%3 (%4)%5 ; fournisseur(s) : %6")
            .replace("%1", f"{line.code} {line.label}")
            .replace("%2", str(line.criticality_score))
            .replace("%3", str(self.report.criticality_maximum))
            .replace("%4", levels.get(line.criticality_level, line.criticality_level))
            .replace("%5", f" : {reasons}" if reasons else "")
            .replace("%6", ", ".join(line.suppliers) or self.tr("aucun connu"))
        )

    def clear(self) -> None:
        self.report = None
        self.model.set_rows([])
        self.detail.clear()
        self.info.clear()
        self.export_button.setEnabled(False)

    def _filter(self, only_at_risk: bool) -> None:
        self.proxy.set_predicate((lambda line: line.at_risk) if only_at_risk else None)

    def _open_product(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.product_requested.emit(self.proxy.record(rows[0].row()).product_id)

    def export(self) -> None:
        report, establishment = self.report, self.establishment
        if report is None or establishment is None:
            return
        target = save_path(
            self,
            self.tr("Exporter le réapprovisionnement"),
            f"reapprovisionnement-{establishment.finess}-{report.at.isoformat()}.xlsx",
            "Excel (*.xlsx)",
        )
        if target is None:
            return
        from hospiperf_desktop.stock.export import write_reorder_workbook

        params = self.services.stock.params
        self._runner.run(
            lambda _p: write_reorder_workbook(report, params, target, establishment.name),
            on_success=lambda _r: document_written(self, target),
            label=self.tr("Export du réapprovisionnement…"),
        )
