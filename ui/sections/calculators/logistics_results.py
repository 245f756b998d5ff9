"""The results of the logistics scenarios side by side: one column per scenario, the nursing
time returned to care apart (never in the ROI), the viability signals in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from hospiperf_desktop.activity.texts import french_number
from hospiperf_desktop.calculators.logistics import LogisticsResult
from hospiperf_desktop.calculators.logistics import Signal as ViabilitySignal
from hospiperf_desktop.calculators.texts import euros, percent, years
from ui.record_table import fit_height, record_table
from ui.sections.activity.texts import decimal_text
from ui.sections.stock.common import Column, ColumnsTableModel

FAVOURABLE, UNFAVOURABLE = "#1d5e20", "#8a1c1c"


@dataclass(frozen=True)
class Line:
    """One line of the results table: a heading and its value for a scenario's result."""

    key: str
    label: str
    text: Callable[[LogisticsResult], str]
    bold: bool = False


class LogisticsResults(QGroupBox):
    """Shown between `above` (a note that the inputs changed) and `below` (the chart)."""

    def __init__(self, above: QWidget, below: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Gains et retour sur investissement"))
        self.lines = self._lines()
        self.model = ColumnsTableModel([], self)
        self.model.bold = lambda line: line.bold
        self.table = record_table(self.model, sortable=False)
        self.table.setWordWrap(False)
        self.nursing_label = QLabel()
        self.nursing_label.setWordWrap(True)
        self.signal_labels: list[QLabel] = []
        signals_box = QGroupBox(self.tr("Signaux de viabilité (d'après les 11 GHT pilotes)"))
        self._signals_row = QHBoxLayout(signals_box)
        layout = QVBoxLayout(self)
        for widget in (above, self.table, self.nursing_label, signals_box, below):
            layout.addWidget(widget)

    def _lines(self) -> list[Line]:
        def pooling(result: LogisticsResult) -> str:
            if result.initial_pooling is None:
                return "—"
            strength = self.tr("forte") if result.strong_pooling else self.tr("faible")
            return f"{percent(result.initial_pooling)} ({strength})"

        def spread(result: LogisticsResult) -> str:
            return self.tr("%1 ans").replace("%1", decimal_text(result.annualisation_years, 1))

        return [
            Line("contracts", self.tr("Impact sur les marchés (par an)"), _e("contracts")),
            Line("hr_gains", self.tr("Gains RH hors soignants (par an)"), _e("hr_gains")),
            Line(
                "surface_depreciation",
                self.tr("Amortissement des surfaces libérées (par an)"),
                _e("surface_depreciation"),
            ),
            Line(
                "stock_gain_one_off",
                self.tr("Réduction de stock, gain ponctuel"),
                _e("stock_gain_one_off"),
            ),
            Line(
                "stock_gain_annualised",
                self.tr("Réduction de stock, étalée (par an)"),
                _e("stock_gain_annualised"),
            ),
            Line(
                "surface_sale_one_off",
                self.tr("Cession de surfaces, gain ponctuel"),
                _e("surface_sale_one_off"),
            ),
            Line(
                "surface_sale_annualised",
                self.tr("Cession de surfaces, étalée (par an)"),
                _e("surface_sale_annualised"),
            ),
            Line(
                "extra_operating_costs",
                self.tr("Surcoûts (par an)"),
                lambda r: euros(-r.extra_operating_costs),
            ),
            Line("net", self.tr("Gains annuels nets"), _e("net_annual_gains"), bold=True),
            Line("investments", self.tr("Investissements"), _e("investments")),
            Line("roi", self.tr("Retour sur investissement"), lambda r: years(r.roi_years), True),
            Line("pooling", self.tr("Mutualisation initiale"), pooling),
            Line("annualisation", self.tr("Étalement des gains ponctuels"), spread),
        ]

    def show_results(self, results: list[LogisticsResult]) -> None:
        columns = [Column(self.tr("Poste"), lambda line: line.label)]
        for result in results:
            columns.append(Column(result.scenario, _cell(result), right=True))
        self.model.set_columns(columns)
        self.model.set_rows(self.lines if results else [])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        fit_height(self.table, max_rows=len(self.lines))
        self.nursing_label.setText(self._nursing_text(results))
        self._show_signals(results)

    def text(self, key: str, scenario: int = 0) -> str:
        """The cell of line `key` for the scenario in column `scenario` (from 0)."""
        row = next(i for i, line in enumerate(self.lines) if line.key == key)
        return str(self.model.index(row, scenario + 1).data())

    def signals_text(self) -> str:
        return "\n".join(label.text() for label in self.signal_labels)

    def _nursing_text(self, results: list[LogisticsResult]) -> str:
        parts = [
            self.tr("%1 : %2 ETP")
            .replace("%1", escape(r.scenario))
            .replace("%2", decimal_text(r.nursing_fte, 2))
            for r in results
        ]
        return self.tr(
            "<b>ETP soignants rendus aux soins — hors ROI</b> (ni gain budgétaire, ni dans le "
            "retour sur investissement) : %1"
        ).replace("%1", " · ".join(parts))

    def _show_signals(self, results: list[LogisticsResult]) -> None:
        """One column per scenario, in the order of the table's columns."""
        for label in self.signal_labels:
            self._signals_row.removeWidget(label)
            label.deleteLater()
        self.signal_labels = []
        for result in results:
            lines = [f"<b>{escape(result.scenario)}</b>"]
            lines += [self._signal_html(signal) for signal in result.signals]
            lines.append(self._pilots_html(result))
            label = QLabel("<br>".join(lines))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            self._signals_row.addWidget(label, 1)
            self.signal_labels.append(label)

    def _signal_html(self, signal: ViabilitySignal) -> str:
        if signal.favourable:
            word, colour = self.tr("Favorable"), FAVOURABLE
        else:
            word, colour = self.tr("Défavorable"), UNFAVOURABLE
        return f"<span style='color:{colour}'><b>{word}</b></span> : {escape(signal.text)}"

    def _pilots_html(self, result: LogisticsResult) -> str:
        pilots = [
            pilot["ght"]
            + " ("
            + (
                self.tr("ROI %1 ans").replace("%1", french_number(pilot["roi_years"], 1))
                if pilot["roi_years"] is not None
                else self.tr("ROI non chiffré ou au-delà de 20 ans")
            )
            + ")"
            for pilot in result.similar_pilots
        ]
        if not pilots:
            return self.tr(
                "<i>Aucun pilote avec la même centralisation et la même construction.</i>"
            )
        return self.tr(
            "<i>Pilotes comparables (même centralisation, même construction) : %1</i>"
        ).replace("%1", ", ".join(pilots))


def _e(attribute: str) -> Callable[[LogisticsResult], str]:
    return lambda result: euros(getattr(result, attribute))


def _cell(result: LogisticsResult) -> Callable[[Line], str]:
    return lambda line: line.text(result)
