"""Indicateurs: stock coverage per category against its target, the chart, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.stock.records import CoverageRow, StockIndicators
from ui.documents import document_written
from ui.file_dialogs import save_path
from ui.labels import stock_location_labels, stock_warning_labels
from ui.record_table import fit_height
from ui.sections.diagnostics.charts import ChartLabel
from ui.sections.stock.charts import CoverageTexts, coverage_png
from ui.sections.stock.common import (
    ABOVE_TARGET_BACKGROUND,
    TOTAL_BACKGROUND,
    Column,
    ColumnsTableModel,
    RecordFilter,
    day_text,
    euros,
    fit_columns,
    number,
    sort_number,
    stock_table,
    weeks,
)
from ui.sections.stock.tab import StockTab
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.library.benchmarks import Position
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.parameters import StockParameters

RELOAD_DELAY_MS = 400  # wait for the user to finish typing a date before computing
COVERAGE_COLUMN = 4


@dataclass(frozen=True)
class _Loaded:
    indicators: StockIndicators
    chart: bytes | None
    # (category, location) → the coverage's regional quartile (empty without benchmarks)
    positions: dict[tuple[str, str], Position] = field(default_factory=dict)


class IndicatorsView(StockTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.indicators: StockIndicators | None = None
        self.chart: ChartLabel | None = None
        self._at: date | None = None  # None: the latest inventory
        self._params: StockParameters | None = None
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self.model = ColumnsTableModel(self._columns(mco=True), self)
        self.model.bold = lambda row: row.category == "all"
        self.model.background = self._background
        self.proxy = RecordFilter(self.model, self)
        self._build()

    def _build(self) -> None:
        self.date = QDateEdit(calendarPopup=True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setToolTip(self.tr("Stock à cette date : le dernier inventaire de chaque lieu"))
        self.date.dateChanged.connect(self._date_edited)
        self.latest_button = QPushButton(self.tr("Dernier inventaire"))
        self.latest_button.setToolTip(self.tr("Revenir à la date du dernier inventaire importé"))
        self.latest_button.clicked.connect(self.show_latest)
        self.window_weeks = QSpinBox(minimum=1, maximum=104, suffix=self.tr(" semaines"))
        self.window_weeks.setValue(13)
        self.window_weeks.setToolTip(self.tr("Consommation moyenne calculée sur cette période"))
        self.window_weeks.valueChanged.connect(lambda _v: self._reload_timer.start())
        self.non_mco = QCheckBox(self.tr("Hors MCO"))
        self.non_mco.setToolTip(
            self.tr("Comparer aux repères des établissements hors MCO (SSR, psychiatrie…)")
        )
        self.non_mco.toggled.connect(lambda _on: self._reload_timer.start())
        self.category = QComboBox()
        self.category.addItem(self.tr("Toutes les catégories"), None)
        self.category.currentIndexChanged.connect(self._filter)
        self.export_button = QPushButton(self.tr("Exporter en Excel…"))
        self.export_button.clicked.connect(self.export)
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Date :")))
        tools.addWidget(self.date)
        tools.addWidget(self.latest_button)
        tools.addSpacing(12)
        tools.addWidget(QLabel(self.tr("Consommation des")))
        tools.addWidget(self.window_weeks)
        tools.addWidget(self.non_mco)
        tools.addStretch(1)
        tools.addWidget(QLabel(self.tr("Catégorie :")))
        tools.addWidget(self.category)
        tools.addWidget(self.export_button)

        self.period_label = QLabel()
        self.period_label.setObjectName("itemHelp")
        self.table = stock_table(self.proxy)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the core's order at first
        self.table.horizontalHeader().setMinimumSectionSize(70)
        self.chart_holder = QVBoxLayout()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        summary_box = QGroupBox(self.tr("Synthèse"))
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary)
        summary_layout.addStretch(1)
        below = QHBoxLayout()
        below.addLayout(self.chart_holder, 3)
        below.addWidget(summary_box, 2)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.period_label)
        body_layout.addWidget(self.table)
        body_layout.addLayout(below)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(scroll, 1)
        self._set_enabled(False)

    def _columns(
        self, mco: bool, positions: dict[tuple[str, str], Position] | None = None
    ) -> list[Column]:
        """The coverage columns; with regional positions, a last one "Repère régional"."""
        locations = stock_location_labels()
        regional = [
            Column(
                self.tr("Repère\nrégional"),
                lambda r: (
                    placed.short_text
                    if (placed := (positions or {}).get((r.category, r.location)))
                    else ""
                ),
                tip=self.tr(
                    "Quartile de votre couverture parmi les établissements du même type "
                    "(repères régionaux de l'ARS)"
                ),
            )
            for _ in ([1] if positions else [])
        ]
        return [
            Column(self.tr("Catégorie"), self._category_text),
            Column(self.tr("Lieu"), lambda r: locations.get(r.location, r.location)),
            Column(
                self.tr("Valeur du\nstock"),
                lambda r: euros(r.stock_value),
                lambda r: r.stock_value,
                right=True,
                tip=self.tr("Quantités du dernier inventaire de chaque lieu × prix unitaires"),
            ),
            Column(
                self.tr("Conso.\nhebdomadaire"),
                lambda r: euros(r.weekly_consumption_value),
                lambda r: r.weekly_consumption_value,
                right=True,
                tip=self.tr("Valeur sortie par semaine en moyenne sur la fenêtre"),
            ),
            Column(
                self.tr("Couverture\n(semaines)"),
                lambda r: weeks(r.coverage_weeks),
                lambda r: sort_number(r.coverage_weeks),
                right=True,
                tip=self.tr("Valeur du stock ÷ consommation hebdomadaire"),
            ),
            Column(
                self.tr("Cible\n(semaines)"),
                lambda r: weeks(r.target_weeks),
                lambda r: r.target_weeks,
                right=True,
                tip=self.tr(
                    "Feuille de route logistique DGOS (PHARE) : 4 semaines en stock central, "
                    "2 en unités de soins"
                ),
            ),
            Column(
                self.tr("Repère\nMCO") if mco else self.tr("Repère\nhors MCO"),
                lambda r: number(r.benchmark_weeks, 2),  # published with 2 decimals
                lambda r: sort_number(r.benchmark_weeks),
                right=True,
                tip=self.tr("Moyenne des établissements pilotes (indicative, pas une cible)"),
            ),
            Column(
                self.tr("Rotation\npar an"),
                lambda r: number(r.rotation_per_year, 1),
                lambda r: sort_number(r.rotation_per_year),
                right=True,
                tip=self.tr(
                    "Nombre de fois où le stock est renouvelé dans l'année : consommation "
                    "annuelle ÷ valeur du stock"
                ),
            ),
            Column(
                self.tr("Trésorerie\nlibérable"),
                lambda r: (
                    euros(r.cash_freed) if r.cash_freed is not None else self.tr("non calculée")
                ),
                lambda r: sort_number(r.cash_freed),
                right=True,
                tip=self.tr(
                    "Valeur du stock au-delà de la cible de couverture. Non calculée sans "
                    "consommation sur la fenêtre : sans besoin connu, il n'y a pas de cible."
                ),
            ),
            *regional,
        ]

    def _category_text(self, row: CoverageRow) -> str:
        if row.category == "all":
            return self.tr("Toutes catégories")
        if self._params is None:
            return row.category
        return self._params.category(row.category).label

    def _background(self, row: CoverageRow, column: int) -> str | None:
        if column == COVERAGE_COLUMN and row.above_target:
            return ABOVE_TARGET_BACKGROUND
        return TOTAL_BACKGROUND if row.category == "all" else None

    def services_ready(self, params: StockParameters) -> None:
        self._params = params
        self.window_weeks.blockSignals(True)
        self.window_weeks.setValue(params.defaults.consumption_window_weeks)
        self.window_weeks.blockSignals(False)
        for category in params.categories:
            self.category.addItem(category.label, category.id)

    # Loading ---------------------------------------------------------------------------

    def show_establishment(self, services: Services, establishment: Establishment | None) -> None:
        if establishment != self.establishment:
            self._at = None
        super().show_establishment(services, establishment)

    def show_latest(self) -> None:
        self._at = None
        self.refresh()

    def show_latest_on_next_load(self) -> None:
        """After an import: the latest inventory may be a new one."""
        self._at = None

    def _date_edited(self, value: QDate) -> None:
        self._at = value.toPython()  # type: ignore[assignment]
        self._reload_timer.start()

    def chosen(self) -> tuple[date | None, int]:
        """The date (None: the latest inventory) and window the user asked for."""
        return self._at, self.window_weeks.value()

    def load(self, services: Services, establishment: Establishment) -> None:
        self._reload_timer.stop()
        at, window = self._at, self.window_weeks.value()
        mco = not self.non_mco.isChecked()
        texts = self._chart_texts(mco)
        # "DMS (dispositif médical stérile)" → "DMS": one line per bar; the table says more.
        names = {c.id: c.label.split(" (")[0] for c in services.stock.params.categories}
        where = {"central": self.tr("stock central"), "care_unit": self.tr("unités de soins")}
        analysis = services.stock.analysis

        def job(_p: object) -> _Loaded:
            from hospiperf_desktop.library.positions import stock_positions

            found = analysis.indicators(establishment.id, at, window_weeks=window, mco=mco)
            rows = found.coverage
            labels = [f"{names.get(r.category, r.category)} · {where[r.location]}" for r in rows]
            peers = services.library.peers(establishment.kind, establishment.finess)
            positions = stock_positions(
                peers.items,
                [(r.category, r.location, r.coverage_weeks) for r in rows],
                kind=peers.kind,
                finess=peers.finess,
                year=found.at.year,
            )
            chart = coverage_png(rows, labels, texts) if rows else None
            return _Loaded(found, chart, positions)

        self.run_current(job, self._show)

    def _chart_texts(self, mco: bool) -> CoverageTexts:
        return CoverageTexts(
            title=self.tr("Couverture par catégorie, comparée à la cible"),
            axis=self.tr("Couverture (semaines de consommation)"),
            weeks_unit=self.tr("sem."),
            no_consumption=self.tr("pas de consommation"),
            within=self.tr("Couverture ≤ cible"),
            above=self.tr("Au-delà de la cible"),
            target=self.tr("Cible"),
            benchmark=self.tr("Repère MCO") if mco else self.tr("Repère hors MCO"),
        )

    def _show(self, loaded: _Loaded) -> None:
        found = loaded.indicators
        self.indicators = found
        self.date.blockSignals(True)
        self.date.setDate(QDate(found.at.year, found.at.month, found.at.day))
        self.date.blockSignals(False)
        self.model.set_columns(self._columns(found.mco, loaded.positions))
        self.model.set_rows([*found.coverage, *found.totals])
        fit_height(self.table)  # every row visible first: only those count for the widths
        fit_columns(self.table, stretch=0)
        fit_height(self.table)
        self.period_label.setText(
            self.tr(
                "Stock au %1 (dernier inventaire de chaque lieu à cette date) ; consommation "
                "du %2 au %1 (%3 mouvements)."
            )
            .replace("%1", day_text(found.at))
            .replace("%2", day_text(found.window_start))
            .replace("%3", number(found.movement_count))
        )
        self._show_chart(loaded.chart)
        self.summary.setText(self._summary_html(found))
        self._set_enabled(True)
        self.loaded.emit()

    def _show_chart(self, png: bytes | None) -> None:
        while self.chart_holder.count():
            old = self.chart_holder.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        self.chart = None
        if png is None:
            empty = QLabel(self.tr("Pas de graphique : aucun stock ni consommation à cette date."))
            empty.setObjectName("itemHelp")
            self.chart_holder.addWidget(empty)
            return
        self.chart = ChartLabel(png)
        self.chart_holder.addWidget(self.chart)

    def _summary_html(self, found: StockIndicators) -> str:
        lines = [
            self.tr("<b>Stock dormant</b> (aucune sortie depuis %1 mois) : %2")
            .replace("%1", str(found.dormant_months))
            .replace("%2", euros(found.dormant_value)),
            self.tr("<b>Périmé</b> à la date : %1").replace("%1", euros(found.expired_value)),
            self.tr("<b>Périmant</b> sous %1 jours : %2")
            .replace("%1", str(found.expiring_days))
            .replace("%2", euros(found.expiring_value)),
        ]
        scopes = {"pui": self.tr("PUI"), "general_store": self.tr("Magasin général")}
        benchmark = self.tr("repère MCO")
        for per_bed in found.per_bed:
            if per_bed.value_per_bed is None:
                value = self.tr("lits non renseignés")
            else:
                value = (
                    self.tr("%1 par lit (%2 lits)")
                    .replace("%1", euros(per_bed.value_per_bed))
                    .replace("%2", number(per_bed.beds))
                )
            lines.append(
                self.tr("<b>Valeur par lit — %1</b> : %2 ; %3 : %4")
                .replace("%1", scopes.get(per_bed.scope, per_bed.scope))
                .replace("%2", value)
                .replace("%3", benchmark)
                .replace("%4", euros(per_bed.benchmark))
            )
        warnings = stock_warning_labels()
        notes = [
            f"<p style='color:#8a4b00'>⚠ {warnings.get(code, code)}</p>" for code in found.warnings
        ]
        return "<br>".join(lines) + "".join(notes)

    def clear(self) -> None:
        self.indicators = None
        self.model.set_rows([])
        fit_height(self.table)
        self.period_label.clear()
        self.summary.clear()
        self._show_chart(None)
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        self.export_button.setEnabled(enabled and self.indicators is not None)

    def _filter(self) -> None:
        chosen = self.category.currentData()
        self.proxy.set_predicate(None if chosen is None else lambda r: r.category == chosen)
        fit_height(self.table)

    # Export ----------------------------------------------------------------------------

    def export(self) -> None:
        found, establishment = self.indicators, self.establishment
        if found is None or establishment is None:
            return
        target = save_path(
            self,
            self.tr("Exporter les indicateurs de stock"),
            f"indicateurs-stock-{establishment.finess}-{found.at.isoformat()}.xlsx",
            "Excel (*.xlsx)",
        )
        if target is None:
            return
        from hospiperf_desktop.stock.export import write_indicators_workbook

        params = self.services.stock.params
        self._runner.run(
            lambda _p: write_indicators_workbook(found, params, target, establishment.name),
            on_success=lambda _r: document_written(self, target),
            label=self.tr("Export des indicateurs…"),
        )
