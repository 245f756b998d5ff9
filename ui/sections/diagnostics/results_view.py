"""Results of one diagnostic: scores per axis and theme, charts, critical items, the rule;
with regional benchmarks installed, where the score and each axis stand among the peers."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.records import DiagnosticDetail
from hospiperf_desktop.diagnostics.scoring import NodeScore, ScoreReport
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.diagnostics.texts import SCORING_RULE
from hospiperf_desktop.library.benchmarks import Position
from hospiperf_desktop.library.positions import Peers, diagnostic_positions
from ui.labels import answer_labels, score_text
from ui.sections.diagnostics.charts import SCREEN_DPI, ChartLabel
from ui.tasks import TaskRunner


def chart_pngs(report: ScoreReport) -> tuple[bytes, bytes]:
    """Run in the worker: the radar and the theme bars drawn to PNG, as the PDF prints them."""
    from hospiperf_desktop.diagnostics.charts import png_bytes, radar_figure, theme_bars_figure

    radar = png_bytes(radar_figure(report), SCREEN_DPI)
    return radar, png_bytes(theme_bars_figure(report), SCREEN_DPI)


def benchmark_tip(position: Position) -> str:
    """The quartiles behind a position, for its tooltip."""
    d = position.distribution
    return (
        QCoreApplication.translate("diagnostics", "Q1 %1 — médiane %2 — Q3 %3 (%4)")
        .replace("%1", score_text(d.q1))
        .replace("%2", score_text(d.median))
        .replace("%3", score_text(d.q3))
        .replace("%4", d.label)
    )


def node_table(
    nodes: tuple[NodeScore, ...],
    first_header: str,
    benchmarks: dict[str, Position] | None = None,
) -> QTableWidget:
    """Scores per node; with `benchmarks` (node id → position), a column "Repère régional"."""
    table = QTableWidget(len(nodes), 5 if benchmarks else 4)
    headers = [
        first_header,
        table.tr("Score"),
        table.tr("Complétude"),
        table.tr("Réponses"),
        *([table.tr("Repère régional")] if benchmarks else []),
    ]
    table.setHorizontalHeaderLabels(headers)
    for row, node in enumerate(nodes):
        cells = [
            f"{node.id} — {node.label}",
            score_text(node.score),
            score_text(node.completion),
            f"{node.answered}/{node.total}",
        ]
        for column, text in enumerate(cells):
            cell = QTableWidgetItem(text)
            if column:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, cell)
        placed = (benchmarks or {}).get(node.id)
        if benchmarks:
            cell = QTableWidgetItem(placed.text if placed else "")
            cell.setToolTip(benchmark_tip(placed) if placed else "")
            table.setItem(row, 4, cell)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if benchmarks:  # one line per node: the long benchmark text must not make rows wrap
        table.setWordWrap(False)
        for row in range(table.rowCount()):
            table.item(row, 0).setToolTip(table.item(row, 0).text())
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    return table


class ResultsView(QScrollArea):
    """Scores at once; the two charts are drawn in the worker and shown when they come."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._token = 0
        self.setWidgetResizable(True)
        self.report: ScoreReport | None = None
        self.radar: ChartLabel | None = None
        self.bars: ChartLabel | None = None
        self.overall_label = QLabel()
        self.overall_label.setObjectName("overallScore")
        self.benchmark_label = QLabel()  # the overall score against the region's
        self.benchmark_label.setObjectName("benchmarkLine")
        self.benchmark_label.setStyleSheet(
            "background: #e8eef7; color: #1f3d6b; padding: 4px 8px; border-radius: 4px;"
        )
        self.benchmark_label.setWordWrap(True)
        self.benchmark_label.hide()
        self.critical_label = QLabel()
        self.critical_label.setWordWrap(True)
        self.critical_label.setTextFormat(Qt.TextFormat.RichText)
        rule = QLabel(self.tr("Règle de calcul : ") + SCORING_RULE)
        rule.setWordWrap(True)
        rule.setObjectName("itemHelp")
        self.axes_holder = QVBoxLayout()
        self.charts_holder = QGridLayout()
        self.themes_holder = QVBoxLayout()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.overall_label)
        layout.addWidget(self.benchmark_label)
        layout.addWidget(self.critical_label)
        layout.addLayout(self.axes_holder)
        layout.addLayout(self.charts_holder)
        layout.addLayout(self.themes_holder)
        layout.addWidget(rule)
        layout.addStretch(1)
        self.setWidget(body)

    def show_results(
        self,
        detail: DiagnosticDetail,
        codes: dict[str, AnswerCode | None],
        report: ScoreReport,
        peers: Peers | None = None,
    ) -> None:
        """`codes` are the answers as given on screen, which `report` was computed from;
        `peers`, the regional benchmarks installed (a pure lookup, done here)."""
        self.report = report
        placed = _placed(detail, report, peers)
        overall = report.overall
        self.overall_label.setText(
            self.tr("Score global : %1 — complétude : %2 (%3 items répondus sur %4)")
            .replace("%1", score_text(overall.score))
            .replace("%2", score_text(overall.completion))
            .replace("%3", str(overall.answered))
            .replace("%4", str(overall.total))
        )
        overall_place = placed.pop("score", None)
        self.benchmark_label.setVisible(overall_place is not None)
        if overall_place is not None:
            self.benchmark_label.setText(
                self.tr("Score global : %1").replace("%1", overall_place.text)
            )
            self.benchmark_label.setToolTip(benchmark_tip(overall_place))
        self._show_critical(detail, codes, report)
        _replace(self.axes_holder, node_table(report.axes, self.tr("Axe"), placed))
        _replace(self.themes_holder, node_table(report.themes, self.tr("Thème")))
        self._token += 1
        token = self._token

        def drawn(pngs: tuple[bytes, bytes]) -> None:
            if token == self._token:  # not replaced by newer answers meanwhile
                self._show_charts(*pngs)

        self._runner.run(lambda _p: chart_pngs(report), on_success=drawn)

    def _show_charts(self, radar: bytes, bars: bytes) -> None:
        while self.charts_holder.count():
            old = self.charts_holder.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        self.radar, self.bars = ChartLabel(radar), ChartLabel(bars)
        self.charts_holder.addWidget(self.radar, 0, 0)
        self.charts_holder.addWidget(self.bars, 0, 1)

    def _show_critical(
        self, detail: DiagnosticDetail, codes: dict[str, AnswerCode | None], report: ScoreReport
    ) -> None:
        if not report.critical_failures:
            self.critical_label.setText(self.tr("Aucun item critique en échec."))
            return
        labels = answer_labels()
        lines = []
        for item_id in report.critical_failures:
            item = detail.template.item(item_id)
            code = codes.get(item_id)
            answer = labels[code] if code else ""
            lines.append(f"<li><b>{item_id}</b> — {item.text} <i>({answer})</i></li>")
        self.critical_label.setText(
            "<b>"
            + self.tr("Items critiques en échec (%1) :").replace("%1", str(len(lines)))
            + "</b><ul>"
            + "".join(lines)
            + "</ul>"
        )


def _placed(
    detail: DiagnosticDetail, report: ScoreReport, peers: Peers | None
) -> dict[str, Position]:
    """Node id ("score" for the whole) → its regional position; empty without benchmarks."""
    if peers is None or not peers.items:
        return {}
    summary = detail.summary
    year = (summary.validated_at or summary.created_at).year
    found = diagnostic_positions(
        peers.items, summary.template_id, report, kind=peers.kind, finess=peers.finess, year=year
    )
    return {p.id: p.position for p in found}


def _replace(holder: QVBoxLayout | QHBoxLayout, widget: QWidget) -> None:
    while holder.count():
        old = holder.takeAt(0).widget()
        if old is not None:
            old.deleteLater()
    widget.setMinimumHeight(
        min(420, 40 + 30 * widget.rowCount()) if isinstance(widget, QTableWidget) else 0
    )
    holder.addWidget(widget)
