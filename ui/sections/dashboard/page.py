"""The Tableau de bord section: the steering dashboard of one establishment and year, each
indicator against year N-1, family by family, with its Excel and PDF editions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.documents import document_written
from ui.file_dialogs import save_path
from ui.sections.activity.chooser import EstablishmentChooser, year_spin
from ui.sections.dashboard.family_box import ORIGIN_COLUMN, FamilyBox
from ui.sections.diagnostics.charts import SCREEN_DPI
from ui.status import show_status
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.activity.dashboard import Dashboard, DashboardFamily
    from hospiperf_desktop.activity.module import ActivityModule
    from hospiperf_desktop.library.benchmarks import Position
    from hospiperf_desktop.library.positions import Peers
    from hospiperf_desktop.services import Services

INDICATOR_MIN_WIDTH, INDICATOR_MAX_WIDTH = 240, 380
ORIGIN_MAX_WIDTH = 200  # when the regional benchmark column follows it
LEGEND_STYLE = "color: #444;"


@dataclass(frozen=True)
class DashboardLoaded:
    dashboard: Dashboard
    charts: dict[str, bytes]  # family id → PNG, for the families with a comparison
    # measure id → its regional quartile (empty without benchmarks, or without peers)
    positions: dict[str, Position] = field(default_factory=dict)


def read_dashboard(
    module: ActivityModule, establishment_id: int, year: int, peers: Peers | None = None
) -> DashboardLoaded:
    """Run in the worker: the dashboard, each family's chart drawn off-screen, and where each
    indicator stands among the regional peers."""
    from hospiperf_desktop.activity.dashboard_outputs import family_chart_png
    from hospiperf_desktop.library.positions import dashboard_positions

    dashboard = module.dashboard.build(establishment_id, year)
    charts = {}
    for family in dashboard.families:
        png = family_chart_png(family, SCREEN_DPI)
        if png is not None:
            charts[family.id] = png
    positions = {}
    if peers is not None and peers.items:
        placed = dashboard_positions(peers.items, dashboard, kind=peers.kind)
        positions = {p.id: p.position for p in placed}
    return DashboardLoaded(dashboard, charts, positions)


class DashboardPage(QWidget):
    loaded = Signal()  # the establishments are listed
    dashboard_loaded = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self._token = 0
        self.dashboard: Dashboard | None = None
        self.boxes: list[FamilyBox] = []
        title = QLabel(self.tr("Tableau de bord"))
        title.setObjectName("sectionTitle")
        self.establishment = EstablishmentChooser()
        self.establishment.chosen.connect(self.refresh)
        self.year = year_spin()
        # Until the user picks a year, each establishment opens on its latest year with N-1.
        self._year_chosen = False
        self.year.valueChanged.connect(self._year_changed)
        self.export_button = QPushButton(self.tr("Exporter Excel…"))
        self.export_button.clicked.connect(self.export_workbook)
        self.pdf_button = QPushButton(self.tr("Imprimer en PDF…"))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.hint = QLabel(self.tr("Ajoutez d'abord un établissement (section Établissements)."))
        self.hint.setObjectName("comingSoonBadge")
        self.hint.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Établissement :")))
        top.addWidget(self.establishment, 1)
        top.addWidget(QLabel(self.tr("Année :")))
        top.addWidget(self.year)
        top.addWidget(self.export_button)
        top.addWidget(self.pdf_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("overallScore")
        legend = QLabel(
            self.tr(
                "Vert : amélioration · rouge : dégradation · gris : stable ou simple volume "
                "d'activité — la tendance est écrite en toutes lettres et tient compte du sens "
                "souhaité de chaque indicateur. Valeurs en italique : calculées par "
                "l'application."
            )
        )
        legend.setWordWrap(True)
        legend.setStyleSheet(LEGEND_STYLE)
        self.only_filled = QCheckBox(
            self.tr("Masquer les indicateurs sans valeur ni en N ni en N-1")
        )
        self.only_filled.toggled.connect(self._filter)
        self.families = QVBoxLayout()
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(self.families)
        body_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.summary)
        layout.addWidget(legend)
        layout.addWidget(self.only_filled)
        layout.addWidget(self.scroll, 1)
        self._set_buttons()
        self.setEnabled(False)

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
        self.establishment.show_list(establishments)
        self.hint.setVisible(not establishments)
        self.refresh()
        self.loaded.emit()

    def current_establishment(self) -> Establishment | None:
        return self.establishment.current()

    def select_establishment(self, establishment_id: int) -> None:
        self.establishment.select(establishment_id)

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again: values typed or computed elsewhere since may have changed."""
        super().showEvent(event)
        if not event.spontaneous() and self._services is not None:
            self.refresh()

    # The dashboard -----------------------------------------------------------------------

    def _year_changed(self, _year: int) -> None:
        self._year_chosen = True
        self.refresh()

    def refresh(self) -> None:
        """Build the dashboard of the chosen establishment and year (in the worker)."""
        self._token += 1
        services, establishment = self._services, self.current_establishment()
        if services is None or establishment is None:
            self._show(None)
            return
        token, year, chosen = self._token, self.year.value(), self._year_chosen

        def load(_progress: Progress) -> tuple[int, DashboardLoaded]:
            from hospiperf_desktop.activity.dashboard import best_year

            shown_year = year
            if not chosen:
                shown_year = best_year(services.activity.values.years(establishment.id), year)
            peers = services.library.peers(establishment.kind, establishment.finess)
            return shown_year, read_dashboard(
                services.activity, establishment.id, shown_year, peers
            )

        def shown(loaded: tuple[int, DashboardLoaded]) -> None:
            if token != self._token:
                return
            shown_year, dashboard = loaded
            self.year.blockSignals(True)  # the year the dashboard opened on, not a choice
            self.year.setValue(shown_year)
            self.year.blockSignals(False)
            self._show(dashboard)

        self._runner.run(load, on_success=shown)

    def _show(self, loaded: DashboardLoaded | None) -> None:
        for box in self.boxes:
            box.deleteLater()
        self.boxes = []
        self.dashboard = None if loaded is None else loaded.dashboard
        self._set_buttons()
        if loaded is None:
            self.summary.clear()
            return
        dashboard = loaded.dashboard
        self.summary.setText(self._summary_text(dashboard))
        self._add_boxes(list(dashboard.families), loaded, self._token)

    def _add_boxes(
        self, pending: list[DashboardFamily], loaded: DashboardLoaded, token: int
    ) -> None:
        """One family per turn of the event loop: a box with its table and chart takes
        ~10 ms to build, all of them at once held the window ~150 ms."""
        if token != self._token:
            return  # another dashboard was asked meanwhile
        if not pending:
            self._align_columns()
            self.dashboard_loaded.emit()
            return
        family = pending.pop(0)
        box = FamilyBox(
            family,
            loaded.dashboard.year,
            loaded.charts.get(family.id),
            positions=loaded.positions,
        )
        box.show_only_filled(self.only_filled.isChecked())
        self.families.addWidget(box)
        self.boxes.append(box)
        QTimer.singleShot(0, self, lambda: self._add_boxes(pending, loaded, token))

    def _summary_text(self, dashboard: Dashboard) -> str:
        counts = dashboard.counts()
        return (
            self.tr(
                "%1 — %2 amélioration(s), %3 dégradation(s), %4 stable(s), %5 évolution(s) "
                "d'activité, %6 sans comparaison possible avec %7."
            )
            .replace("%1", str(dashboard.year))
            .replace("%2", str(counts["better"]))
            .replace("%3", str(counts["worse"]))
            .replace("%4", str(counts["stable"]))
            .replace("%5", str(counts["neutral"]))
            .replace("%6", str(counts["no_comparison"]))
            .replace("%7", str(dashboard.year - 1))
        )

    def _filter(self) -> None:
        only = self.only_filled.isChecked()
        for box in self.boxes:
            box.show_only_filled(only)
        self._align_columns()

    def _align_columns(self) -> None:
        """The same column widths in every family, so the tables read as one."""
        tables = [box.table for box in self.boxes]
        if not tables:
            return
        columns = tables[0].model().columnCount()
        for column in range(columns - 1):
            width = max(_column_width(table, column) for table in tables)
            if column == 0:  # long labels are cut (whole in their tooltip) before the origin
                cap = max(INDICATOR_MIN_WIDTH, self.scroll.viewport().width() // 3)
                width = min(width, INDICATOR_MAX_WIDTH, cap)
            elif column == ORIGIN_COLUMN:  # before the regional benchmark: cut, tooltip whole
                width = min(width, ORIGIN_MAX_WIDTH)
            for table in tables:
                header = table.horizontalHeader()
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width)
        for table in tables:  # the origin takes the room left; its whole text is a tooltip
            table.horizontalHeader().setSectionResizeMode(
                columns - 1, QHeaderView.ResizeMode.Stretch
            )

    def trend_of(self, measure_id: str) -> str | None:
        """The trend shown for a measure (None if no family lists it)."""
        for box in self.boxes:
            texts = box.trend_texts()
            if measure_id in texts:
                return texts[measure_id]
        return None

    # Editions ----------------------------------------------------------------------------

    def _set_buttons(self) -> None:
        for button in (self.export_button, self.pdf_button):
            button.setEnabled(self.dashboard is not None)

    def export_workbook(self) -> None:
        dashboard = self.dashboard
        if dashboard is None:
            return
        target = save_path(
            self,
            self.tr("Exporter le tableau de bord"),
            f"tableau-de-bord-{dashboard.finess}-{dashboard.year}.xlsx",
            "Excel (*.xlsx)",
        )
        if target is None:
            return

        def job(progress: Progress) -> None:
            from hospiperf_desktop.activity.dashboard_outputs import write_dashboard_workbook

            write_dashboard_workbook(dashboard, target, progress)

        self._run_edition(job, str(target), self.tr("Export du tableau de bord…"))

    def export_pdf(self) -> None:
        dashboard = self.dashboard
        if dashboard is None:
            return
        target = save_path(
            self,
            self.tr("Imprimer le tableau de bord en PDF"),
            f"tableau-de-bord-{dashboard.finess}-{dashboard.year}.pdf",
            "PDF (*.pdf)",
        )
        if target is None:
            return

        def job(progress: Progress) -> None:
            from hospiperf_desktop.activity.dashboard_outputs import write_dashboard_pdf

            write_dashboard_pdf(dashboard, target, progress)

        self._run_edition(job, str(target), self.tr("Préparation du PDF…"))

    def _run_edition(self, job: Callable[[Progress], None], target: str, label: str) -> None:
        self._runner.run(
            job,
            on_success=lambda _r: document_written(self, Path(target)),
            on_cancel=lambda: self._status(self.tr("Document annulé : aucun fichier écrit.")),
            label=label,
        )

    def _status(self, message: str) -> None:
        show_status(self, message)

    def _require(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services


def _column_width(table: QTableView, column: int) -> int:
    """As wide as the column's heading and cells (+8: bold text with narrow spaces is
    measured a few pixels short)."""
    header = table.horizontalHeader()
    heading = str(table.model().headerData(column, header.orientation()) or "")
    heading_width = header.fontMetrics().horizontalAdvance(heading) + 16
    return max(table.sizeHintForColumn(column), heading_width) + 8
