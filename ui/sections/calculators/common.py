"""What the four calculator tabs share: the establishment their scenarios are kept for,
problems in words, the chart drawn in the worker, the Excel and PDF editions, and saving and
opening named scenarios.

The calculators themselves are pure and fast: a tab computes in the GUI thread. Everything
that reads or writes a file, draws a chart or calls a service runs in the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.errors import ConflictError, FileImportError, SourceIssue
from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.documents import document_written
from ui.file_dialogs import save_path
from ui.labels import actor_text, datetime_text
from ui.sections.calculators.scenario_dialogs import OpenScenarioDialog, SaveScenarioDialog
from ui.sections.calculators.texts import calculator_labels
from ui.sections.diagnostics.charts import SCREEN_DPI, ChartLabel
from ui.status import show_status
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.calculators.service import SavedScenario
    from hospiperf_desktop.services import Services

PROBLEM_STYLE = "background: #fbe3e0; color: #8a1c1c; padding: 6px 10px; border-radius: 4px;"
NOTE_STYLE = "background: #e8eef7; padding: 6px 10px; border-radius: 4px;"
STALE_STYLE = "background: #fff4d6; color: #6b4e00; padding: 6px 10px; border-radius: 4px;"
TOTAL_STYLE = "font-size: 24px; font-weight: 600;"
ACCEPTED_BACKGROUND, REJECTED_BACKGROUND = "#dcefdc", "#f6d8d5"
ACCEPTED_FOREGROUND, REJECTED_FOREGROUND = "#1d5e20", "#8a1c1c"


def fit_rows(table: QTableView) -> None:
    """Size `table` to show every row at its wrapped height: the page scrolls, not it."""
    table.resizeRowsToContents()
    model = table.model()
    rows = sum(table.rowHeight(r) for r in range(model.rowCount())) if model else 0
    height = table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
    if table.horizontalHeader().length() > table.viewport().width():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)


@dataclass(frozen=True)
class Snapshot:
    """What a tab keeps when its scenario is saved."""

    suggested_name: str
    inputs: dict[str, Any]  # dataclasses inside: the service writes them as JSON
    result: Any
    params_version: str


class CalculatorView(QWidget):
    """One calculator tab. Subclasses give `snapshot()`, `rebuild()` and `restore()`."""

    calculator = ""  # logistics | purchasing | carbon | coordinated
    computed = Signal()  # a result is shown
    chart_shown = Signal()
    saved = Signal(object)  # the SavedScenario kept
    opened = Signal()  # a kept scenario is shown again

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.establishment: Establishment | None = None
        self.dialog: SaveScenarioDialog | OpenScenarioDialog | None = None
        self._chart_token = 0
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.hide()
        self.origin_label = QLabel()
        self.origin_label.setWordWrap(True)
        self.origin_label.setStyleSheet(NOTE_STYLE)
        self.origin_label.hide()
        self.stale_label = QLabel(
            self.tr("Les données ont changé depuis le calcul : cliquez sur « Calculer ».")
        )
        self.stale_label.setStyleSheet(STALE_STYLE)
        self.stale_label.hide()
        self.chart: ChartLabel | None = None
        self.chart_holder = QWidget()
        self._chart_layout = QVBoxLayout(self.chart_holder)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)
        self.excel_button = QPushButton(self.tr("Exporter Excel…"))
        self.pdf_button = QPushButton(self.tr("Imprimer en PDF…"))
        self.save_button = QPushButton(self.tr("Enregistrer le scénario…"))
        self.save_button.clicked.connect(self.save_scenario)
        self.open_button = QPushButton(self.tr("Ouvrir un scénario…"))
        self.open_button.clicked.connect(self.open_scenario)

    def tools(self, *first: QPushButton) -> QHBoxLayout:
        """The tab's buttons: its own first, then the editions and the kept scenarios."""
        row = QHBoxLayout()
        for button in first:
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.excel_button, self.pdf_button, self.save_button, self.open_button):
            row.addWidget(button)
        return row

    def lay_out(self, own_buttons: tuple[QPushButton, ...], *body: QWidget) -> None:
        """The tab's buttons, the origin line, then `body` in a scroll area."""
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        for widget in body:
            content_layout.addWidget(widget)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(self.tools(*own_buttons))
        layout.addWidget(self.origin_label)
        layout.addWidget(scroll, 1)

    # Context -----------------------------------------------------------------------------

    def set_context(self, services: Services, establishment: Establishment | None) -> None:
        self._services = services
        self.establishment = establishment
        self.update_buttons()

    def update_buttons(self) -> None:
        """Saving and opening need an establishment; editions need a result."""
        ready = self._services is not None and self.establishment is not None
        tip = "" if ready else self.tr("Choisissez d'abord un établissement, en haut de la page.")
        for button in (self.save_button, self.open_button):
            button.setEnabled(ready)
            button.setToolTip(tip)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services

    def status(self, message: str) -> None:
        show_status(self, message)

    def subtitle(self, source: str) -> str:
        """The PDF's subtitle: whose scenario, and from what."""
        establishment = self.establishment
        if establishment is None:
            return source
        return f"{establishment.name} ({establishment.finess}) — {source}"

    def file_name(self, stem: str, extension: str) -> str:
        establishment = self.establishment
        finess = f"-{establishment.finess}" if establishment is not None else ""
        return f"{stem}{finess}.{extension}"

    # Problems ----------------------------------------------------------------------------

    def show_problems(self, problems: list[str]) -> bool:
        """Show what stops the computation; returns True when there is nothing."""
        if problems:
            heading = self.tr(
                "Rien n'est calculé ni enregistré tant que ces valeurs sont fausses :"
            )
            self.problem_label.setText("\n".join([heading, *(f"• {p}" for p in problems)]))
        self.problem_label.setVisible(bool(problems))
        return not problems

    # Chart -------------------------------------------------------------------------------

    def draw_chart(self, figure: str, *args: Any) -> None:
        """Draw `calculators.charts.<figure>(*args)` in the worker, then show it."""
        self._chart_token += 1
        token = self._chart_token

        def job(_progress: Progress) -> bytes:
            from hospiperf_desktop.activity.dashboard_outputs import chart_png
            from hospiperf_desktop.calculators import charts

            return chart_png(getattr(charts, figure)(*args), SCREEN_DPI)

        def shown(png: bytes) -> None:
            if token == self._chart_token:
                self._set_chart(ChartLabel(png))
                self.chart_shown.emit()

        self._runner.run(job, on_success=shown)

    def clear_chart(self) -> None:
        self._chart_token += 1
        self._set_chart(None)

    def _set_chart(self, chart: ChartLabel | None) -> None:
        if self.chart is not None:
            self._chart_layout.removeWidget(self.chart)
            self.chart.deleteLater()
        self.chart = chart
        if chart is not None:
            self._chart_layout.addWidget(chart)

    # Files -------------------------------------------------------------------------------

    def read_file(
        self,
        read: Callable[[], Any],
        done: Callable[[Any], None],
        label: str,
        expected: str,
        reword: Callable[[SourceIssue], SourceIssue] | None = None,
    ) -> None:
        """Run `read()` in the worker, then `done(result)`. A refused file is told line by
        line (`reword` may put a tab's own problems in French) with the `expected` layout."""

        def job(progress: Progress) -> Any:
            result = read()
            progress.check_cancelled()  # the readers cannot stop midway: at least here
            return result

        def failed(err: BaseException) -> None:
            if not isinstance(err, FileImportError):
                show_error(self, err)
                return
            from ui.messages import import_text

            if reword is not None:
                err = FileImportError([reword(issue) for issue in err.issues])
            text = import_text(err) + "\n\n" + expected
            QMessageBox.critical(self, self.tr("Fichier refusé"), text)

        self._runner.run(
            job,
            on_success=done,
            on_failure=failed,
            on_cancel=lambda: self.status(self.tr("Lecture annulée.")),
            label=label,
        )

    # Editions ----------------------------------------------------------------------------

    def edition(
        self,
        title: str,
        suggested: str,
        pattern: str,
        write: Callable[[Path, Progress], None],
        label: str,
    ) -> None:
        """Ask where to write, then `write(target, progress)` in the worker."""
        target = save_path(self, title, suggested, pattern)
        if target is None:
            return
        self._runner.run(
            lambda progress: write(target, progress),
            on_success=lambda _r: document_written(self, target),
            on_cancel=lambda: self.status(self.tr("Document annulé : aucun fichier écrit.")),
            label=label,
        )

    # Kept scenarios ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        """The inputs and result to keep; None (problems shown) when there are none."""
        raise NotImplementedError

    @staticmethod
    def rebuild(inputs: dict[str, Any]) -> Any:
        """Run in the worker: the kept inputs as the calculator's dataclasses."""
        raise NotImplementedError

    def restore(self, inputs: Any) -> None:
        """Show kept inputs again, and their result computed with today's parameters."""
        raise NotImplementedError

    def save_scenario(self) -> None:
        establishment = self.establishment
        snapshot = self.snapshot()
        if establishment is None or snapshot is None:
            return
        dialog = SaveScenarioDialog(
            calculator_labels()[self.calculator], establishment.name, snapshot.suggested_name, self
        )
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._save(establishment, snapshot, dialog.value(), False))
        dialog.open()

    def _save(
        self, establishment: Establishment, snapshot: Snapshot, name: str, replace: bool
    ) -> None:
        services, calculator = self.services, self.calculator

        def job(_progress: Progress) -> SavedScenario:
            return services.calculators.save(
                establishment.id,
                calculator,
                name,
                snapshot.inputs,
                snapshot.result,
                snapshot.params_version,
                replace=replace,
            )

        def failed(err: BaseException) -> None:
            exists = isinstance(err, ConflictError) and err.reason == "scenario_exists"
            if exists and not replace and self._confirm_replace(name):
                self._save(establishment, snapshot, name, True)
            elif not exists:
                show_error(self, err)

        self._runner.run(job, on_success=self._saved, on_failure=failed)

    def _confirm_replace(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Scénario existant"),
            self.tr(
                "Un scénario « %1 » existe déjà pour cet établissement. Le remplacer ?"
            ).replace("%1", name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _saved(self, saved: SavedScenario) -> None:
        self.show_origin(saved)
        self.status(self.tr("Scénario « %1 » enregistré.").replace("%1", saved.name))
        self.saved.emit(saved)

    def show_origin(self, saved: SavedScenario) -> None:
        text = (
            self.tr("Scénario « %1 », enregistré le %2 par %3 (paramètres version %4).")
            .replace("%1", saved.name)
            .replace("%2", datetime_text(saved.saved_at))
            .replace("%3", actor_text(saved.saved_by))
            .replace("%4", saved.params_version)
        )
        current = parameters(self.calculator)["version"]
        if saved.params_version != current:
            text += " " + self.tr(
                "Le résultat affiché est recalculé avec les paramètres actuels (version %1)."
            ).replace("%1", current)
        self.origin_label.setText(text)
        self.origin_label.show()

    def open_scenario(self) -> None:
        establishment = self.establishment
        if establishment is None:
            return
        services, calculator = self.services, self.calculator
        self._runner.run(
            lambda _p: services.calculators.scenarios(establishment.id, calculator),
            on_success=lambda saved: self._choose(establishment, saved),
        )

    def _choose(self, establishment: Establishment, saved: list[SavedScenario]) -> None:
        label = calculator_labels()[self.calculator]
        if not saved:
            QMessageBox.information(
                self,
                self.tr("Ouvrir un scénario"),
                self.tr("Aucun scénario « %1 » n'est enregistré pour %2.")
                .replace("%1", label)
                .replace("%2", establishment.name),
            )
            return
        dialog = OpenScenarioDialog(label, saved, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._open(dialog.value()))
        dialog.delete_requested.connect(lambda chosen: self._delete(dialog, chosen))
        dialog.open()

    def _delete(self, dialog: OpenScenarioDialog, chosen: SavedScenario) -> None:
        answer = QMessageBox.question(
            dialog,
            self.tr("Supprimer le scénario"),
            self.tr("Supprimer le scénario « %1 » ?").replace("%1", chosen.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        services, calculator = self.services, self.calculator

        def job(_progress: Progress) -> list[SavedScenario]:
            services.calculators.delete(chosen.id)
            return services.calculators.scenarios(chosen.establishment_id, calculator)

        self._runner.run(job, on_success=dialog.show_list)

    def _open(self, chosen: SavedScenario | None) -> None:
        if chosen is None:
            return
        services, rebuild = self.services, self.rebuild

        def job(_progress: Progress) -> tuple[SavedScenario, Any]:
            saved = services.calculators.get(chosen.id)
            return saved, rebuild(saved.inputs)

        def opened(answer: tuple[SavedScenario, Any]) -> None:
            saved, inputs = answer
            self.restore(inputs)
            self.show_origin(saved)
            self.status(self.tr("Scénario « %1 » ouvert.").replace("%1", saved.name))
            self.opened.emit()

        self._runner.run(job, on_success=opened)
