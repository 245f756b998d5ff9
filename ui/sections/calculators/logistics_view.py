"""Mutualisation logistique: several pooling scenarios of a GHT side by side, their gains in
full cost (DGOS method), return on investment, viability signals and chart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.logistics import LogisticsResult, Scenario, compute
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.errors import SourceIssue
from hospiperf_desktop.progress import Progress
from ui.file_dialogs import open_path
from ui.sections.calculators.common import CalculatorView, Snapshot
from ui.sections.calculators.logistics_form import (
    ScenarioDraft,
    ScenarioForm,
    new_site,
    read_draft,
)
from ui.sections.calculators.logistics_results import LogisticsResults
from ui.sections.calculators.texts import check_problem_text
from ui.sections.stock.common import ColumnsTableModel
from ui.tasks import TaskRunner

LIST_WIDTH, LIST_HEIGHT = 280, 110


class LogisticsView(CalculatorView):
    calculator = "logistics"

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.drafts = [self._first_draft()]
        self._shown = 0
        self.scenarios: list[Scenario] = []  # of the results shown
        self.results: list[LogisticsResult] = []
        self._build()
        self._show_list(0)

    def _first_draft(self) -> ScenarioDraft:
        return ScenarioDraft(
            name=self.tr("Scénario 1"),
            sites=[
                new_site(self.tr("Établissement support"), support=True),
                new_site(self.tr("Établissement 2")),
            ],
        )

    def _build(self) -> None:
        self.calculate_button = QPushButton(self.tr("Calculer"))
        self.calculate_button.setDefault(True)
        self.calculate_button.clicked.connect(self.calculate)
        self.import_button = QPushButton(self.tr("Importer…"))
        self.import_button.setToolTip(
            self.tr("Lire des scénarios dans un fichier JSON ou un classeur exporté ici")
        )
        self.import_button.clicked.connect(self.import_file)
        self.excel_button.clicked.connect(self.export_workbook)
        self.pdf_button.clicked.connect(self.export_pdf)

        self.scenario_list = QListWidget()
        self.scenario_list.setMaximumWidth(LIST_WIDTH)
        self.scenario_list.setMaximumHeight(LIST_HEIGHT)
        self.scenario_list.currentRowChanged.connect(self._scenario_chosen)
        self.add_button = QPushButton(self.tr("Ajouter"))
        self.add_button.clicked.connect(self.add_scenario)
        self.duplicate_button = QPushButton(self.tr("Dupliquer"))
        self.duplicate_button.clicked.connect(self.duplicate_scenario)
        self.remove_button = QPushButton(self.tr("Supprimer"))
        self.remove_button.clicked.connect(self.remove_scenario)
        list_buttons = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.remove_button):
            list_buttons.addWidget(button)
        list_column = QVBoxLayout()
        list_column.addWidget(self.scenario_list, 1)
        list_column.addLayout(list_buttons)
        self.form = ScenarioForm()
        self.form.name_changed.connect(self._rename)
        self.form.changed.connect(self._edited)
        self.form.refused.connect(self.status)
        self.form.refusals_changed.connect(self.show_problems)
        inputs = QGroupBox(self.tr("Scénarios comparés"))
        columns = QHBoxLayout()
        columns.addLayout(list_column)
        columns.addWidget(self.form, 1)
        inputs_layout = QVBoxLayout(inputs)
        inputs_layout.addLayout(columns)
        inputs_layout.addWidget(self.form.sites_panel)
        self.results_box = LogisticsResults(self.stale_label, self.chart_holder)
        self.results_box.hide()

        self.lay_out(
            (self.calculate_button, self.import_button),
            inputs,
            self.problem_label,
            self.results_box,
        )

    # The list of scenarios ---------------------------------------------------------------

    def _show_list(self, row: int) -> None:
        self.scenario_list.blockSignals(True)
        self.scenario_list.clear()
        for draft in self.drafts:
            self.scenario_list.addItem(draft.name)
        self.scenario_list.setCurrentRow(row)
        self.scenario_list.blockSignals(False)
        self._shown = row
        self.form.show_draft(self.drafts[row])
        self.remove_button.setEnabled(len(self.drafts) > 1)

    def _commit(self) -> None:
        """Keep what the form shows in its draft."""
        self.drafts[self._shown] = self.form.draft()

    def _scenario_chosen(self, row: int) -> None:
        if row < 0 or row == self._shown:
            return
        self._commit()
        self._shown = row
        self.form.show_draft(self.drafts[row])

    def _rename(self, name: str) -> None:
        item = self.scenario_list.item(self._shown)
        if item is not None:
            item.setText(name)

    def _free_name(self, wanted: str) -> str:
        taken = {d.name for d in self.drafts}
        number, name = 2, wanted
        while name in taken:
            name = f"{wanted} ({number})"
            number += 1
        return name

    def add_scenario(self) -> None:
        self._commit()
        name = self._free_name(self.tr("Scénario %1").replace("%1", str(len(self.drafts) + 1)))
        self.drafts.append(ScenarioDraft(name=name, sites=[dict(s) for s in self._sites()]))
        self._show_list(len(self.drafts) - 1)
        self._edited()

    def _sites(self) -> list[dict[str, Any]]:
        """A new scenario starts from the establishments of the one shown."""
        return self.drafts[self._shown].sites

    def duplicate_scenario(self) -> None:
        self._commit()
        draft = self.drafts[self._shown]
        copy = draft.copy(self._free_name(self.tr("%1 (copie)").replace("%1", draft.name)))
        self.drafts.insert(self._shown + 1, copy)
        self._show_list(self._shown + 1)
        self._edited()

    def remove_scenario(self) -> None:
        if len(self.drafts) < 2:
            return
        del self.drafts[self._shown]
        self._show_list(min(self._shown, len(self.drafts) - 1))
        self._edited()

    def _edited(self) -> None:
        self.stale_label.setVisible(bool(self.results))

    # Computing ---------------------------------------------------------------------------

    def read(self) -> list[Scenario] | None:
        """Every scenario typed; None (the problems shown) if one value is wrong."""
        self._commit()
        scenarios, problems = [], []
        for number, draft in enumerate(self.drafts, start=1):
            scenario, found = read_draft(draft, number)
            problems += found
            if scenario is not None:
                scenarios.append(scenario)
        names = [s.name for s in scenarios]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(self.tr("Deux scénarios s'appellent « %1 ».").replace("%1", name))
        return scenarios if self.show_problems(problems) else None

    def calculate(self) -> bool:
        scenarios = self.read()
        if scenarios is None:
            self._show_results([], [])
            return False
        self._show_results(scenarios, [compute(s) for s in scenarios])
        return True

    def _show_results(self, scenarios: list[Scenario], results: list[LogisticsResult]) -> None:
        self.scenarios, self.results = scenarios, results
        self.stale_label.hide()
        self.results_box.setVisible(bool(results))
        self.results_box.show_results(results)
        self.excel_button.setEnabled(bool(results))
        self.pdf_button.setEnabled(bool(results))
        if results:
            self.draw_chart("logistics_figure", results)
            self.computed.emit()
        else:
            self.clear_chart()

    def result_text(self, key: str, scenario: int = 0) -> str:
        """The results table's cell of line `key` for the scenario in column `scenario`."""
        return self.results_box.text(key, scenario)

    @property
    def results_model(self) -> ColumnsTableModel:
        return self.results_box.model

    @property
    def roi_labels(self) -> list[str]:
        return [self.result_text("roi", i) for i in range(len(self.results))]

    # Files -------------------------------------------------------------------------------

    def import_file(self) -> None:
        path = open_path(
            self,
            self.tr("Importer des scénarios de mutualisation"),
            self.tr("Scénarios (*.json *.xlsx)"),
            kind="calculator",
        )
        if path is None:
            return

        def read() -> list[Scenario]:
            from hospiperf_desktop.calculators.files import read_scenarios

            return read_scenarios(path)

        def imported(scenarios: list[Scenario]) -> None:
            self.origin_label.hide()
            self.restore(scenarios)
            self.status(
                self.tr("%1 : %2 scénario(s) lu(s).")
                .replace("%1", path.name)
                .replace("%2", str(len(scenarios)))
            )

        self.read_file(
            read,
            imported,
            self.tr("Lecture des scénarios…"),
            self.tr(
                'Attendu : un fichier JSON {"scenarios": [...]} comme l\'exemple '
                "logistique-ght.json, ou un classeur écrit par « Exporter Excel… »."
            ),
            _reworded,
        )

    def export_workbook(self) -> None:
        if not self.calculate():
            return
        scenarios, results = self.scenarios, self.results

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import write_logistics_workbook

            progress.check_cancelled()
            write_logistics_workbook(scenarios, results, target)

        self.edition(
            self.tr("Exporter les scénarios de mutualisation"),
            self.file_name("mutualisation-logistique", "xlsx"),
            "Excel (*.xlsx)",
            write,
            self.tr("Export des scénarios…"),
        )

    def export_pdf(self) -> None:
        if not self.calculate():
            return
        scenarios, results = self.scenarios, self.results
        subtitle = self.subtitle(
            self.tr("%1 scénario(s) comparé(s)").replace("%1", str(len(scenarios)))
        )

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import logistics_pdf

            logistics_pdf(scenarios, results, target, subtitle, progress)

        self.edition(
            self.tr("Imprimer la mutualisation logistique en PDF"),
            self.file_name("mutualisation-logistique", "pdf"),
            "PDF (*.pdf)",
            write,
            self.tr("Préparation du PDF…"),
        )

    # Kept scenarios ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        if not self.calculate():
            return None
        scenarios = self.scenarios
        suggested = (
            scenarios[0].name
            if len(scenarios) == 1
            else self.tr("Comparaison de %1 scénarios").replace("%1", str(len(scenarios)))
        )
        return Snapshot(
            suggested,
            {"scenarios": scenarios},
            self.results,
            parameters("logistics")["version"],
        )

    @staticmethod
    def rebuild(inputs: dict[str, Any]) -> list[Scenario]:
        from hospiperf_desktop.calculators.inputs import logistics_inputs

        return logistics_inputs(inputs)

    def restore(self, inputs: Any) -> None:
        scenarios: list[Scenario] = inputs
        self.drafts = [ScenarioDraft.of(s) for s in scenarios] or [self._first_draft()]
        self._show_list(0)
        self.calculate()


def _reworded(issue: SourceIssue) -> SourceIssue:
    """A value the core's check refused, in French (its column is the field's path)."""
    if issue.code == "invalid" and issue.column:
        return replace(issue, message=check_problem_text(issue.column))
    return issue
