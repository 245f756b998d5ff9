"""Empreinte carbone: purchases by family × a monetary emission factor (kg CO2e per euro),
each factor with its source; families without one are stated as not estimated."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.carbon import (
    CarbonLine,
    CarbonResult,
    FactorOverride,
    Purchase,
    estimate,
)
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.texts import euros, tonnes
from hospiperf_desktop.progress import Progress
from ui.file_dialogs import open_path
from ui.record_table import fit_height, record_table
from ui.sections.activity.texts import EntryProblem, decimal_text
from ui.sections.calculators.common import TOTAL_STYLE, CalculatorView, Snapshot
from ui.sections.calculators.texts import amount_text, read_number
from ui.sections.stock.common import Column, ColumnsTableModel
from ui.tasks import TaskRunner
from ui.text_grid import TextColumn, TextGridModel, text_grid_table

FAMILY, AMOUNT, FACTOR, SOURCE, YEAR, UNCERTAINTY = range(6)
COLUMN_KEYS = ("family", "amount", "factor", "source", "year", "uncertainty")
FIRST_YEAR, LAST_YEAR = 1990, 2100


class CarbonView(CalculatorView):
    calculator = "carbon"

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.families: list[dict[str, Any]] = parameters("carbon")["families"]
        self.purchases: list[Purchase] = []
        self.overrides: dict[str, FactorOverride] = {}
        self.result: CarbonResult | None = None
        self.result_model = ColumnsTableModel(self._result_columns(), self)
        self.result_model.tooltips = True
        self._build()
        self._fill({}, {})
        self._show(None)

    def _build(self) -> None:
        self.calculate_button = QPushButton(self.tr("Calculer"))
        self.calculate_button.setDefault(True)
        self.calculate_button.clicked.connect(self.calculate)
        self.import_button = QPushButton(self.tr("Importer des achats…"))
        self.import_button.setToolTip(
            self.tr(
                "Un CSV ou un classeur avec les colonnes famille et montant, et si besoin "
                "facteur, source, annee, incertitude"
            )
        )
        self.import_button.clicked.connect(self.import_file)
        self.excel_button.clicked.connect(self.export_workbook)
        self.pdf_button.clicked.connect(self.export_pdf)

        # Typed as in the activity grid: Enter goes down, Tab across, a refused value stays.
        self.model = TextGridModel(self._input_columns(), self)
        self.model.edited.connect(self._edited)
        self.model.refused.connect(self._refused)
        self.model.marks_changed.connect(self._show_refusals)
        self.table = text_grid_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SOURCE, QHeaderView.ResizeMode.Stretch)
        help_label = QLabel(
            self.tr(
                "Méthode monétaire : émissions = achats × facteur d'émission. Nos documents de "
                "référence ne publient pas de facteur pour ces familles : saisissez celui de "
                "votre source (Base Empreinte de l'ADEME…) avec cette source, sans quoi il est "
                "refusé. Sans incertitude donnée, ±%1 % est supposé."
            ).replace("%1", f"{parameters('carbon')['default_uncertainty'] * 100:.0f}")
        )
        help_label.setWordWrap(True)
        help_label.setObjectName("itemHelp")
        inputs = QGroupBox(self.tr("Achats et facteurs d'émission"))
        inputs_layout = QVBoxLayout(inputs)
        inputs_layout.addWidget(help_label)
        inputs_layout.addWidget(self.table)

        self.total_label = QLabel()
        self.total_label.setStyleSheet(TOTAL_STYLE)
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.range_label = QLabel()
        self.range_label.setWordWrap(True)
        self.unestimated_label = QLabel()
        self.unestimated_label.setWordWrap(True)
        self.result_table = record_table(self.result_model, sortable=False)
        self.result_table.setWordWrap(False)
        self.result_table.horizontalHeader().setSectionResizeMode(
            len(self.result_model.columns) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.results_box = QGroupBox(self.tr("Estimation"))
        results_layout = QVBoxLayout(self.results_box)
        results_layout.addWidget(self.stale_label)
        totals = QHBoxLayout()
        totals.addWidget(self.total_label)
        totals.addWidget(self.range_label, 1)
        results_layout.addLayout(totals)
        results_layout.addWidget(self.unestimated_label)
        results_layout.addWidget(self.result_table)
        results_layout.addWidget(self.chart_holder)

        self.lay_out(
            (self.calculate_button, self.import_button),
            inputs,
            self.problem_label,
            self.results_box,
        )

    def _input_columns(self) -> list[TextColumn]:
        return [
            TextColumn("family", self.tr("Famille d'achats"), editable=False),
            TextColumn("amount", self.tr("Achats (€)"), right=True, check=read_number),
            TextColumn("factor", self.tr("Facteur\n(kg CO2e/€)"), right=True, check=read_number),
            TextColumn("source", self.tr("Source du facteur")),
            TextColumn("year", self.tr("Année"), right=True, check=self._read_year),
            TextColumn(
                "uncertainty",
                self.tr("Incertitude\n(± %)"),
                right=True,
                check=lambda text: read_number(text, "percent"),
            ),
        ]

    def _result_columns(self) -> list[Column]:
        return [
            Column(self.tr("Famille"), lambda line: line.label),
            Column(self.tr("Achats"), lambda line: euros(line.amount), right=True),
            Column(
                self.tr("Facteur (kg/€)"),
                lambda line: _factor_text(line.factor.kg_per_eur),
                right=True,
            ),
            Column(self.tr("Émissions"), lambda line: tonnes(line.tonnes), right=True),
            Column(
                self.tr("Fourchette"),
                lambda line: (
                    "—"
                    if line.low is None
                    else self.tr("%1 à %2")
                    .replace("%1", tonnes(line.low))
                    .replace("%2", tonnes(line.high))
                ),
                right=True,
            ),
            Column(
                self.tr("Incertitude"),
                lambda line: (
                    "—"
                    if line.tonnes is None
                    else f"±{line.factor.uncertainty * 100:.0f}\u00a0%"
                    + (self.tr(" (supposée)") if line.factor.uncertainty_assumed else "")
                ),
            ),
            Column(self.tr("Source du facteur"), self._source_text),
        ]

    def _source_text(self, line: CarbonLine) -> str:
        if line.factor.kg_per_eur is None:
            return self.tr("aucun facteur : saisissez-le avec sa source")
        year = f" ({line.factor.year})" if line.factor.year else ""
        return line.factor.source + year

    # The table of families ---------------------------------------------------------------

    def _fill(self, amounts: Mapping[str, float], overrides: Mapping[str, FactorOverride]) -> None:
        rows = []
        for family in self.families:
            override = overrides.get(family["id"])
            factor = override.kg_per_eur if override else family["factor"]
            uncertainty = override.uncertainty if override else family["uncertainty"]
            rows.append(
                [
                    family["label"],
                    amount_text(amounts.get(family["id"])),
                    _factor_text(factor) if factor is not None else "",
                    override.source
                    if override
                    else (family["source"] if factor is not None else ""),
                    str((override.year if override else family["year"]) or ""),
                    decimal_text(uncertainty * 100, 1) if uncertainty is not None else "",
                ]
            )
        tips = {(row, FAMILY): family["source"] for row, family in enumerate(self.families)}
        self.model.set_rows(rows, tips)
        fit_height(self.table, max_rows=len(self.families))

    def row_of(self, family: str) -> int:
        """The table's row of `family` (its id)."""
        return next(i for i, f in enumerate(self.families) if f["id"] == family)

    def _row_texts(self, row: int) -> list[str]:
        return [self.model.text(row, key).strip() for key in COLUMN_KEYS]

    def _place(self, row: int, column: int) -> str:
        heading = self.model.columns[column].heading.replace("\n", " ")
        return f"{self.families[row]['label']}, {heading}"

    def _refused(self, row: int, column: int, reason: str) -> None:
        self.status(f"{self._place(row, column)} : {reason}")

    def _show_refusals(self) -> None:
        """The values refused as typed, each with its place, above the results."""
        self.show_problems([f"{self._place(r, c)} : {why}" for r, c, why in self.model.refusals()])

    def read(self) -> tuple[list[Purchase], dict[str, FactorOverride]] | None:
        """The purchases and the factors typed; None (the problems shown) if one is wrong."""
        purchases, overrides, problems = [], {}, []
        for row, family in enumerate(self.families):
            texts = self._row_texts(row)
            try:
                amount = read_number(texts[AMOUNT])
                override = self._override(family, texts)
            except EntryProblem as problem:
                problems.append(f"{family['label']} : {problem}")
                continue
            if amount:
                purchases.append(Purchase(family["id"], amount))
            if override is not None:
                overrides[family["id"]] = override
        if not problems and not purchases:
            problems.append(self.tr("Saisissez au moins un montant d'achats, ou importez-les."))
        return (purchases, overrides) if self.show_problems(problems) else None

    def _override(self, family: dict[str, Any], texts: list[str]) -> FactorOverride | None:
        factor = read_number(texts[FACTOR])
        source, year_text, uncertainty_text = texts[SOURCE], texts[YEAR], texts[UNCERTAINTY]
        if factor is None:
            if source or year_text or uncertainty_text:
                raise EntryProblem(
                    self.tr(
                        "une source, une année ou une incertitude sans facteur : donnez le "
                        "facteur ou effacez-les."
                    )
                )
            return None
        if not source:
            raise EntryProblem(
                self.tr(
                    "le facteur %1 est refusé sans sa source : indiquez d'où il vient (Base "
                    "Empreinte de l'ADEME, publication…)."
                ).replace("%1", texts[FACTOR])
            )
        year = self._read_year(year_text)
        uncertainty = read_number(uncertainty_text, "percent")
        override = FactorOverride(
            factor,
            source,
            None if year is None else int(year),
            None if uncertainty is None else uncertainty / 100,
        )
        return None if _shipped(family, override) else override

    def _read_year(self, text: str) -> float | None:
        year = read_number(text, "count")
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise EntryProblem(
                self.tr("l'année du facteur est refusée : « %1 ».").replace("%1", text.strip())
            )
        return year

    def _edited(self) -> None:
        self.stale_label.setVisible(self.result is not None)

    # Computing ---------------------------------------------------------------------------

    def calculate(self) -> bool:
        read = self.read()
        if read is None:
            self._show(None)
            return False
        self.purchases, self.overrides = read
        self._show(estimate(*read))
        return True

    def _show(self, result: CarbonResult | None) -> None:
        self.result = result
        self.stale_label.hide()
        self.results_box.setVisible(result is not None)
        self.excel_button.setEnabled(result is not None)
        self.pdf_button.setEnabled(result is not None)
        if result is None:
            self.result_model.set_rows([])
            self.clear_chart()
            return
        self.total_label.setText(tonnes(result.tonnes))
        self.range_label.setText(
            self.tr(
                "Fourchette : de %1 à %2, sur %3 d'achats estimés. La fourchette additionne "
                "les incertitudes des familles dans le même sens : c'est une borne prudente."
            )
            .replace("%1", tonnes(result.low))
            .replace("%2", tonnes(result.high))
            .replace("%3", euros(result.estimated_amount))
        )
        self.unestimated_label.setText(self._unestimated_text(result))
        self.result_model.set_rows(list(result.lines))
        fit_height(self.result_table, max_rows=len(self.families))
        self.draw_chart("carbon_figure", result)
        self.computed.emit()

    def _unestimated_text(self, result: CarbonResult) -> str:
        missing = [line.label for line in result.lines if line.tonnes is None]
        if not missing:
            return self.tr("Toutes les familles achetées sont estimées.")
        return (
            self.tr(
                "<b>Non estimé : %1 d'achats</b>, faute de facteur d'émission (%2). Ces achats "
                "ne sont pas comptés pour zéro : ils manquent à l'estimation."
            )
            .replace("%1", euros(result.unestimated_amount))
            .replace("%2", ", ".join(missing))
        )

    # Files -------------------------------------------------------------------------------

    def import_file(self) -> None:
        path = open_path(
            self,
            self.tr("Importer les achats par famille"),
            self.tr("Classeurs et CSV (*.xlsx *.xls *.ods *.csv)"),
            kind="calculator",
        )
        if path is None:
            return

        def read() -> tuple[list[Purchase], dict[str, FactorOverride]]:
            from hospiperf_desktop.calculators.files import read_purchases

            return read_purchases(path)

        def imported(read: tuple[list[Purchase], dict[str, FactorOverride]]) -> None:
            purchases, overrides = read
            self.origin_label.hide()
            kept = self.read_overrides()
            self.restore((purchases, {**kept, **overrides}))
            self.status(
                self.tr("%1 : %2 ligne(s) d'achats lue(s).")
                .replace("%1", path.name)
                .replace("%2", str(len(purchases)))
            )

        self.read_file(
            read,
            imported,
            self.tr("Lecture des achats…"),
            self.tr(
                "Colonnes attendues : famille et montant ; si besoin facteur, source, annee et "
                "incertitude (un facteur sans source est refusé)."
            ),
        )

    def read_overrides(self) -> dict[str, FactorOverride]:
        """The factors typed that are valid (kept when a file of purchases is imported)."""
        kept = {}
        for row, family in enumerate(self.families):
            texts = self._row_texts(row)
            try:
                override = self._override(family, texts)
            except EntryProblem:
                continue
            if override is not None:
                kept[family["id"]] = override
        return kept

    def export_workbook(self) -> None:
        if not self.calculate() or self.result is None:
            return
        result = self.result

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import write_carbon_workbook

            progress.check_cancelled()
            write_carbon_workbook(result, target)

        self.edition(
            self.tr("Exporter l'empreinte carbone"),
            self.file_name("empreinte-carbone", "xlsx"),
            "Excel (*.xlsx)",
            write,
            self.tr("Export de l'empreinte carbone…"),
        )

    def export_pdf(self) -> None:
        if not self.calculate() or self.result is None:
            return
        result = self.result
        subtitle = self.subtitle(self.tr("achats par famille"))

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import carbon_pdf

            carbon_pdf(result, target, subtitle, progress)

        self.edition(
            self.tr("Imprimer l'empreinte carbone en PDF"),
            self.file_name("empreinte-carbone", "pdf"),
            "PDF (*.pdf)",
            write,
            self.tr("Préparation du PDF…"),
        )

    # Kept scenarios ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        if not self.calculate() or self.result is None:
            return None
        return Snapshot(
            self.tr("Empreinte carbone"),
            {"purchases": self.purchases, "factors": self.overrides},
            self.result,
            self.result.version,
        )

    @staticmethod
    def rebuild(inputs: dict[str, Any]) -> tuple[list[Purchase], dict[str, FactorOverride]]:
        from hospiperf_desktop.calculators.inputs import carbon_inputs

        return carbon_inputs(inputs)

    def restore(self, inputs: Any) -> None:
        purchases, overrides = inputs
        amounts: dict[str, float] = {}
        for purchase in purchases:
            amounts[purchase.family] = amounts.get(purchase.family, 0.0) + purchase.amount
        self._fill(amounts, overrides)
        self.calculate()


def _factor_text(value: float | None) -> str:
    return "—" if value is None else decimal_text(value, 4)


def _shipped(family: dict[str, Any], override: FactorOverride) -> bool:
    """The factor typed is the parameter file's own (shown in the table to start with)."""
    return (override.kg_per_eur, override.source, override.year, override.uncertainty) == (
        family["factor"],
        family["source"],
        family["year"],
        family["uncertainty"],
    )
