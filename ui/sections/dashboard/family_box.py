"""One family of the dashboard: its indicators against N-1, coloured and worded by trend,
the family's chart of variances and, with regional benchmarks installed, each indicator's
quartile among the establishments of the same kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QGroupBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from hospiperf_desktop.activity.dashboard import DashboardFamily, DashboardLine
from hospiperf_desktop.activity.texts import format_delta, format_pct, format_value
from hospiperf_desktop.library.benchmarks import Position
from ui.record_table import Index, record_table
from ui.sections.activity.texts import direction_labels, status_labels
from ui.sections.diagnostics.charts import ChartLabel
from ui.sections.stock.common import Column, ColumnsTableModel, RecordFilter

VALUE_COLUMN, TREND_COLUMN, ORIGIN_COLUMN, BENCHMARK_COLUMN = 1, 5, 6, 7
# Pale tints that keep black text readable; the trend is also written in words.
STATUS_BACKGROUNDS = {
    "better": "#dcefdc",
    "worse": "#f6d8d5",
    "stable": "#ececec",
    "neutral": "#ececec",
}
STATUS_FOREGROUNDS = {"better": "#1d5e20", "worse": "#8a1c1c"}


class DashboardModel(ColumnsTableModel):
    """Rows are `DashboardLine`s; the trend colours the row and is written in its column."""

    def __init__(
        self,
        columns: list[Column],
        parent: Any = None,
        positions: Mapping[str, Position] | None = None,
    ) -> None:
        super().__init__(columns, parent)
        self._positions = positions or {}
        self.background = lambda line, _column: STATUS_BACKGROUNDS.get(line.status)
        self.tooltips = True
        self._directions = direction_labels()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line: DashboardLine = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            lines = (line.label, line.definition, self._directions.get(line.direction, ""))
            return "\n".join(text for text in lines if text)
        if role == Qt.ItemDataRole.ToolTipRole and column == BENCHMARK_COLUMN:
            placed = self._positions.get(line.measure_id)
            return None if placed is None else benchmark_tip(placed, line.unit)
        if role == Qt.ItemDataRole.ForegroundRole and column == TREND_COLUMN:
            colour = STATUS_FOREGROUNDS.get(line.status)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(column == TREND_COLUMN and line.status in STATUS_FOREGROUNDS)
            font.setItalic(line.computed and column in (VALUE_COLUMN, ORIGIN_COLUMN))
            return font
        return super().data(index, role)


def benchmark_tip(placed: Position, unit: str) -> str:
    d = placed.distribution
    return (
        placed.text
        + "\n"
        + QCoreApplication.translate("dashboard", "Q1 %1 — médiane %2 — Q3 %3")
        .replace("%1", format_value(unit, d.q1))
        .replace("%2", format_value(unit, d.median))
        .replace("%3", format_value(unit, d.q3))
    )


def dashboard_columns(
    year: int, parent: QWidget, positions: Mapping[str, Position] | None = None
) -> list[Column]:
    """The columns of a family; with regional positions, a last one "Repère régional"."""
    statuses = status_labels()
    benchmark = [
        Column(
            parent.tr("Repère régional"),
            lambda line: (
                positions[line.measure_id].short_text if line.measure_id in positions else ""
            ),
            tip=parent.tr("Quartile de votre valeur parmi les établissements du même type"),
        )
        for _ in ([1] if positions else [])
    ]
    return [
        Column(parent.tr("Indicateur"), lambda line: line.label),
        Column(
            str(year),
            lambda line: format_value(line.unit, line.value),
            right=True,
            tip=parent.tr("Valeur de l'année %1").replace("%1", str(year)),
        ),
        Column(
            str(year - 1),
            lambda line: format_value(line.unit, line.previous),
            right=True,
            tip=parent.tr("Valeur de l'année %1 (N-1)").replace("%1", str(year - 1)),
        ),
        Column(parent.tr("Écart"), lambda line: format_delta(line.unit, line.delta), right=True),
        Column(parent.tr("Écart %"), lambda line: format_pct(line.delta_pct), right=True),
        Column(
            parent.tr("Tendance"),
            lambda line: statuses.get(line.status, line.status),
            tip=parent.tr(
                "Selon le sens souhaité de l'indicateur : une hausse des signalements est une "
                "amélioration, une hausse des jours de stock une dégradation ; un volume "
                "d'activité n'a pas de sens souhaité."
            ),
        ),
        Column(parent.tr("Origine"), lambda line: line.origin),
        *benchmark,
    ]


class FamilyBox(QGroupBox):
    def __init__(
        self,
        family: DashboardFamily,
        year: int,
        chart: bytes | None,
        parent: QWidget | None = None,
        positions: Mapping[str, Position] | None = None,
    ) -> None:
        super().__init__(family.label, parent)
        self.family = family
        self.model = DashboardModel(dashboard_columns(year, self, positions), self, positions)
        self.model.set_rows(list(family.lines))
        self.proxy = RecordFilter(self.model, self)
        self.table = record_table(self.proxy, sortable=False)  # in the catalog's order
        # The page gives every family the same widths (DashboardPage._align_columns): no
        # column re-measures its cells each time another one is resized.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.chart: ChartLabel | None = None
        if chart is not None:
            self.chart = ChartLabel(chart)
            layout.addWidget(self.chart)
        else:
            empty = QLabel(self.tr("Pas de graphique : aucun indicateur comparable à N-1."))
            empty.setObjectName("itemHelp")
            layout.addWidget(empty)
        self.fit()

    def fit(self) -> None:
        """Every row shown: the page scrolls, not the table."""
        table = self.table
        count = self.proxy.rowCount()
        if count:  # one line per row (no word wrap): measure one, the others are alike
            table.resizeRowToContents(0)
            table.verticalHeader().setDefaultSectionSize(table.rowHeight(0))
            for row in range(1, count):
                table.setRowHeight(row, table.rowHeight(0))
        rows = sum(table.rowHeight(r) for r in range(count))
        header = table.horizontalHeader().sizeHint().height()
        table.setFixedHeight(header + rows + 2 * table.frameWidth())

    def show_only_filled(self, only: bool) -> None:
        """Hide the indicators with a value neither this year nor last year."""
        self.proxy.set_predicate(
            (lambda line: line.value is not None or line.previous is not None) if only else None
        )
        self.setVisible(self.proxy.rowCount() > 0 or not only)
        self.fit()

    def trend_texts(self) -> dict[str, str]:
        """Each indicator's trend as shown (measure id → text)."""
        return {
            line.measure_id: self.model.index(row, TREND_COLUMN).data()
            for row, line in enumerate(self.model.rows)
        }
