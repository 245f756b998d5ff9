"""Exercice coordonné: a community pharmacist's yearly remuneration per mission in a
coordinated-practice structure, caps noted, beside what the structure requires and how it is
funded. Recomputed as the user types."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.coordinated import (
    CoordinatedInput,
    CoordinatedResult,
    MissionPay,
    check_input,
    simulate,
)
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.texts import euros
from hospiperf_desktop.progress import Progress
from ui.record_table import fit_height, record_table
from ui.sections.activity.texts import decimal_text
from ui.sections.calculators.common import TOTAL_STYLE, CalculatorView, Snapshot
from ui.sections.calculators.texts import mission_labels
from ui.sections.stock.common import Column, ColumnsTableModel
from ui.tasks import TaskRunner

MAX_COUNT = 1_000_000
SPIN_WIDTH = 140
CHART_DELAY_MS = 300  # typing a number redraws the chart once, not once per digit
DEFAULT_STRUCTURE = "MSP"
AMOUNT_COLUMN, NOTE_COLUMN = 2, 3


class CoordinatedView(CalculatorView):
    calculator = "coordinated"

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.params = parameters("coordinated")
        self.data: CoordinatedInput | None = None
        self.result: CoordinatedResult | None = None
        self.missions_model = ColumnsTableModel(self._mission_columns(), self)
        self.missions_model.tooltips = True
        self.missions_model.bold = lambda mission: mission.capped
        self.chart_timer = QTimer(self)
        self.chart_timer.setSingleShot(True)
        self.chart_timer.setInterval(CHART_DELAY_MS)
        self.chart_timer.timeout.connect(self._draw)
        self._chart_stale = False
        self._build()
        self.calculate()

    def _build(self) -> None:
        self.excel_button.clicked.connect(self.export_workbook)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.structure = QComboBox()
        for structure in self.params["structures"]:
            self.structure.addItem(f"{structure['id']} — {structure['label']}", structure["id"])
        self.structure.setCurrentIndex(self.structure.findData(DEFAULT_STRUCTURE))
        self.correspondant = _count_spin()
        self.correspondant.setToolTip(self.params["correspondant"]["condition"])
        self.protocol = _count_spin()
        self.teleconsultations = _count_spin()
        self.first_year = QCheckBox(self.tr("Première année (aide à l'équipement)"))
        self.under_served = QCheckBox(self.tr("Zone sous-dense en médecins (ZIP ou ZAC)"))
        self.under_served.setChecked(True)
        self.share = QDoubleSpinBox()
        self.share.setRange(0.0, 100.0)
        self.share.setDecimals(1)
        self.share.setSuffix("\u00a0%")
        self.share.setValue(self.params["protocol"]["default_pharmacist_share"] * 100)
        self.share.setToolTip(self.params["protocol"]["note"])
        self.share.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.share.setMaximumWidth(SPIN_WIDTH)
        form_box = QGroupBox(self.tr("Activité de l'officine sur l'année"))
        form = QFormLayout(form_box)
        form.addRow(self.tr("Structure :"), self.structure)
        form.addRow(self.tr("Patients, pharmacien correspondant :"), self.correspondant)
        form.addRow(self.tr("Patients, dispensation sous protocole :"), self.protocol)
        form.addRow(self.tr("Téléconsultations dans l'année :"), self.teleconsultations)
        form.addRow(self.tr("Part du pharmacien sur le protocole :"), self.share)
        form.addRow(self.first_year)
        form.addRow(self.under_served)
        self.structure.currentIndexChanged.connect(lambda _i: self.calculate())
        for spin in (self.correspondant, self.protocol, self.teleconsultations):
            spin.valueChanged.connect(lambda _v: self.calculate())
        self.share.valueChanged.connect(lambda _v: self.calculate())
        for box in (self.first_year, self.under_served):
            box.toggled.connect(lambda _c: self.calculate())

        self.structure_box = QGroupBox()
        self.requirements_label = QLabel()
        self.requirements_label.setWordWrap(True)
        self.requirements_label.setTextFormat(Qt.TextFormat.RichText)
        self.requirements_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        structure_layout = QVBoxLayout(self.structure_box)
        structure_layout.addWidget(self.requirements_label)
        left = QVBoxLayout()
        left.addWidget(form_box)
        left.addWidget(self.structure_box)
        left.addStretch(1)

        self.total_label = QLabel()
        self.total_label.setStyleSheet(TOTAL_STYLE)
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.missions_table = record_table(self.missions_model, sortable=False)
        self.missions_table.setWordWrap(False)
        self.missions_table.horizontalHeader().setSectionResizeMode(
            NOTE_COLUMN, QHeaderView.ResizeMode.Stretch
        )
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setObjectName("itemHelp")
        result_box = QGroupBox(self.tr("Rémunération annuelle estimée du pharmacien"))
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.total_label)
        result_layout.addWidget(self.missions_table)
        result_layout.addWidget(self.notes_label)
        result_layout.addWidget(self.chart_holder)
        result_layout.addStretch(1)

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 2)
        columns.addWidget(result_box, 3)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(self.tools())
        layout.addWidget(self.origin_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(scroll, 1)

    def _mission_columns(self) -> list[Column]:
        labels = mission_labels()
        return [
            Column(self.tr("Mission"), lambda m: labels[m.mission]),
            Column(self.tr("Ouverte"), lambda m: self.tr("oui") if m.available else self.tr("non")),
            Column(self.tr("Montant"), lambda m: euros(m.amount), right=True),
            Column(self.tr("Note"), self._note),
        ]

    def _note(self, mission: MissionPay) -> str:
        if mission.capped:
            return self.tr("plafond atteint : %1 avant plafond").replace(
                "%1", euros(mission.uncapped)
            )
        return mission.note

    # Computing ---------------------------------------------------------------------------

    def read(self) -> CoordinatedInput | None:
        data = CoordinatedInput(
            structure=self.structure.currentData(),
            correspondant_patients=self.correspondant.value(),
            protocol_patients=self.protocol.value(),
            teleconsultations=self.teleconsultations.value(),
            first_year=self.first_year.isChecked(),
            under_served_area=self.under_served.isChecked(),
            pharmacist_share=self.share.value() / 100,
        )
        problems = [self.tr("valeur refusée : %1").replace("%1", f) for f, _ in check_input(data)]
        return data if self.show_problems(problems) else None

    def calculate(self) -> bool:
        data = self.read()
        if data is None:
            return False
        self.data, self.result = data, simulate(data)
        self._show(self.result)
        return True

    def _show(self, result: CoordinatedResult) -> None:
        self.total_label.setText(euros(result.total))
        self.missions_model.set_rows(list(result.missions))
        fit_height(self.missions_table)
        self.notes_label.setText(self._notes_text(result))
        structure = result.structure
        self.structure_box.setTitle(
            self.tr("%1 — %2 (niveau : %3)")
            .replace("%1", structure.id)
            .replace("%2", structure.label)
            .replace("%3", structure.level)
        )
        items = "".join(f"<li>{escape(text)}</li>" for text in structure.requirements)
        self.requirements_label.setText(
            self.tr("<b>Exigences</b><ul>%1</ul><b>Financements</b><br>%2")
            .replace("%1", items)
            .replace("%2", escape(structure.funding))
        )
        self._chart_stale = True
        if self.isVisible():  # else when shown: opening the page draws no hidden chart
            self.chart_timer.start()
        self.computed.emit()

    def _notes_text(self, result: CoordinatedResult) -> str:
        team = (
            self.tr(
                "Dispensation sous protocole : %1 pour l'équipe, dont %2 pour le pharmacien "
                "(hypothèse à ajuster)."
            )
            .replace("%1", euros(result.team_protocol_amount))
            .replace("%2", decimal_text(result.pharmacist_share * 100, 1) + "\u00a0%")
        )
        objective = (
            self.tr(
                "Rémunération sur objectifs de la structure : %1 (%2), non comptée ci-dessus car "
                "liée à l'atteinte d'objectifs."
            )
            .replace("%1", euros(result.structure_objective_payment))
            .replace("%2", str(result.structure_objective_year))
        )
        source = self.tr("Barèmes version %1 — %2").replace("%1", result.version)
        return "\n".join([team, objective, source.replace("%2", self.params["source"])])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._chart_stale:
            self.chart_timer.start()

    def _draw(self) -> None:
        if self.result is not None and self._chart_stale:
            self._chart_stale = False
            self.draw_chart("coordinated_figure", self.result)

    def mission_texts(self, mission: str) -> tuple[str, str]:
        """(amount, note) shown for `mission` (correspondant, protocol…)."""
        model = self.missions_model
        row = next(i for i, m in enumerate(model.rows) if m.mission == mission)
        return model.index(row, AMOUNT_COLUMN).data(), model.index(row, NOTE_COLUMN).data()

    # Editions ----------------------------------------------------------------------------

    def export_workbook(self) -> None:
        if not self.calculate() or self.data is None or self.result is None:
            return
        data, result = self.data, self.result

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import write_coordinated_workbook

            progress.check_cancelled()
            write_coordinated_workbook(data, result, target)

        self.edition(
            self.tr("Exporter la simulation d'exercice coordonné"),
            self.file_name(f"exercice-coordonne-{data.structure.lower()}", "xlsx"),
            "Excel (*.xlsx)",
            write,
            self.tr("Export de la simulation…"),
        )

    def export_pdf(self) -> None:
        if not self.calculate() or self.data is None or self.result is None:
            return
        data, result = self.data, self.result

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import coordinated_pdf

            coordinated_pdf(data, result, target, progress)

        self.edition(
            self.tr("Imprimer la simulation d'exercice coordonné en PDF"),
            self.file_name(f"exercice-coordonne-{data.structure.lower()}", "pdf"),
            "PDF (*.pdf)",
            write,
            self.tr("Préparation du PDF…"),
        )

    # Kept scenarios ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        if not self.calculate() or self.data is None or self.result is None:
            return None
        return Snapshot(
            self.tr("%1 — simulation").replace("%1", self.data.structure),
            {"input": self.data},
            self.result,
            self.result.version,
        )

    @staticmethod
    def rebuild(inputs: dict[str, Any]) -> CoordinatedInput:
        from hospiperf_desktop.calculators.inputs import coordinated_inputs

        return coordinated_inputs(inputs)

    def restore(self, inputs: Any) -> None:
        data: CoordinatedInput = inputs
        widgets = (
            self.structure,
            self.correspondant,
            self.protocol,
            self.teleconsultations,
            self.share,
            self.first_year,
            self.under_served,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.structure.setCurrentIndex(max(self.structure.findData(data.structure.upper()), 0))
        self.correspondant.setValue(data.correspondant_patients)
        self.protocol.setValue(data.protocol_patients)
        self.teleconsultations.setValue(data.teleconsultations)
        share = data.pharmacist_share
        if share is None:
            share = self.params["protocol"]["default_pharmacist_share"]
        self.share.setValue(share * 100)
        self.first_year.setChecked(data.first_year)
        self.under_served.setChecked(data.under_served_area)
        for widget in widgets:
            widget.blockSignals(False)
        self.calculate()


def _count_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_COUNT)
    spin.setGroupSeparatorShown(True)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMaximumWidth(SPIN_WIDTH)
    return spin
