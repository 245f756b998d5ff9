"""The Diagnostics section: the list of diagnostics, and one diagnostic's tabs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.comparison import Comparison
from hospiperf_desktop.diagnostics.records import (
    DiagnosticDetail,
    DiagnosticSummary,
    PeerComparison,
    PlanEntry,
)
from hospiperf_desktop.diagnostics.scoring import ScoreReport
from hospiperf_desktop.diagnostics.template import Template
from hospiperf_desktop.diagnostics.texts import format_date
from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.library.positions import Peers
from hospiperf_desktop.progress import Progress
from ui.after_paint import after_paint
from ui.documents import document_written
from ui.file_dialogs import open_path, save_path
from ui.labels import actor_text, score_text
from ui.record_table import record_table
from ui.sections.diagnostics.answer_view import AnswerView
from ui.sections.diagnostics.dialogs import (
    ComparisonDialog,
    EvidenceDialog,
    NewDiagnosticDialog,
    PeersDialog,
    choose_campaigns,
)
from ui.sections.diagnostics.list_model import DiagnosticFilter, DiagnosticTableModel
from ui.sections.diagnostics.plan_view import PlanView
from ui.sections.diagnostics.results_view import ResultsView
from ui.status import show_status
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


@dataclass(frozen=True)
class _Loaded:
    detail: DiagnosticDetail
    plan: list[PlanEntry]
    peers: Peers  # the regional benchmarks installed, for the results


class DiagnosticsPage(QWidget):
    loaded = Signal()
    opened = Signal(int)
    # The Autodiagnostic Stérilisation is a cost study: it lives in Calculateurs.
    sterilisation_study_requested = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.current: _Loaded | None = None
        self.dialog: QWidget | None = None
        self.model = DiagnosticTableModel(self)
        self.proxy = DiagnosticFilter(self.model, self)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_list())
        self.stack.addWidget(self._build_detail())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.setEnabled(False)

    # Building ------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        title = QLabel(self.tr("Diagnostics"))
        title.setObjectName("sectionTitle")
        self.search = QLineEdit(
            placeholderText=self.tr("Rechercher (établissement, questionnaire…)")
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_button = QPushButton(self.tr("Nouveau diagnostic…"))
        self.open_button = QPushButton(self.tr("Ouvrir"))
        self.peers_button = QPushButton(self.tr("Comparer les établissements…"))
        self.delete_button = QPushButton(self.tr("Supprimer…"))
        self.new_button.clicked.connect(self.new_diagnostic)
        self.open_button.clicked.connect(self.open_selected)
        self.peers_button.clicked.connect(self.compare_establishments)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table = record_table(self.proxy)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 280)
        header.resizeSection(1, 260)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.count_label = QLabel()
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        for button in (self.new_button, self.open_button, self.peers_button, self.delete_button):
            tools.addWidget(button)
        self.study_button = QPushButton(self.tr("Étude de coûts de stérilisation…"))
        self.study_button.setToolTip(
            self.tr("L'Autodiagnostic Stérilisation : activité en UO Sté, coûts, productivité")
        )
        self.study_button.clicked.connect(self.sterilisation_study_requested)
        tools.addWidget(self.study_button)
        self.library_button = QPushButton(self.tr("Questionnaires…"))
        self.library_button.setToolTip(
            self.tr("Questionnaires installés : importer, exporter, retirer, grille vierge")
        )
        self.library_button.clicked.connect(self.open_library)
        tools.addWidget(self.library_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._update_buttons()
        return page

    def _build_detail(self) -> QWidget:
        self.back_button = QPushButton(self.tr("◀ Liste des diagnostics"))
        self.back_button.clicked.connect(self.back_to_list)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("sectionTitle")
        self.detail_title.setWordWrap(True)
        self.validate_button = QPushButton(self.tr("Valider"))
        self.reopen_button = QPushButton(self.tr("Rouvrir…"))
        self.compare_button = QPushButton(self.tr("Comparer…"))
        self.import_button = QPushButton(self.tr("Importer des réponses…"))
        self.excel_button = QPushButton(self.tr("Exporter Excel…"))
        self.pdf_button = QPushButton(self.tr("Rapport PDF…"))
        self.pdf_comments = QCheckBox(self.tr("avec les commentaires"))
        self.pdf_comments.setToolTip(
            self.tr("Le rapport PDF reprend les commentaires des items répondus.")
        )
        self.pdf_comments.setChecked(True)
        self.validate_button.clicked.connect(self.validate_current)
        self.reopen_button.clicked.connect(self.reopen_current)
        self.compare_button.clicked.connect(self.compare_current)
        self.import_button.clicked.connect(self.import_answers)
        self.excel_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.answers = AnswerView(self._runner)
        self.answers.answers_changed.connect(self._answers_changed)
        self.answers.evidence_requested.connect(self.show_evidence)
        self.results = ResultsView(self._runner)
        self.plan = PlanView(self._runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.answers, self.tr("Questionnaire"))
        self.tabs.addTab(self.results, self.tr("Résultats"))
        self.tabs.addTab(self.plan, self.tr("Plan d'actions"))
        self.tabs.currentChanged.connect(self._tab_changed)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        for button in (
            self.validate_button,
            self.reopen_button,
            self.compare_button,
            self.import_button,
            self.excel_button,
            self.pdf_button,
            self.pdf_comments,
        ):
            top.addWidget(button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.detail_title)
        layout.addWidget(self.tabs, 1)
        return page

    # List ----------------------------------------------------------------------------

    def set_services(self, services: Services) -> None:
        self._services = services
        self.setEnabled(True)
        self.reload()

    def reload(self) -> None:
        services = self._require()
        self._runner.run(lambda _p: services.diagnostics.list(), on_success=self._show_rows)

    def _show_rows(self, rows: list[DiagnosticSummary]) -> None:
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("%1 diagnostic(s)").replace("%1", str(len(rows))))
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> DiagnosticSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row()) if rows else None

    def select(self, diagnostic_id: int) -> None:
        row = self.model.row_of(diagnostic_id)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _update_buttons(self) -> None:
        selected = self.selected()
        self.open_button.setEnabled(selected is not None)
        self.delete_button.setEnabled(selected is not None and not selected.locked)

    def open_library(self) -> None:
        """Diagnostics › Questionnaires (library_dialog.py)."""
        from ui.sections.diagnostics.library_dialog import QuestionnaireLibraryDialog

        self.library = QuestionnaireLibraryDialog(self._require(), self._runner, self)
        self.library.finished.connect(lambda _r: self.reload())
        self.library.open()

    def new_diagnostic(self) -> None:
        services = self._require()
        self._runner.run(
            lambda _p: (services.establishments.list(), services.diagnostics.templates()),
            on_success=lambda found: self._ask_new(services, *found),
        )

    def _ask_new(
        self,
        services: Services,
        establishments: list[Establishment],
        templates: tuple[Template, ...],
    ) -> None:
        dialog = NewDiagnosticDialog(establishments, templates, self)
        self.dialog = dialog

        def accepted() -> None:
            establishment_id, template_id, label = dialog.choice()
            self._runner.run(
                lambda _p: services.diagnostics.create(template_id, establishment_id, label),
                on_success=lambda summary: (self.reload(), self.open(summary.id)),
            )

        dialog.accepted.connect(accepted)
        dialog.open()

    def open_selected(self) -> None:
        selected = self.selected()
        if selected is not None:
            self.open(selected.id)

    def delete_selected(self) -> None:
        selected, services = self.selected(), self._require()
        if selected is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Supprimer le diagnostic"),
            self.tr("Supprimer « %1 », ses réponses, ses preuves et son plan d'actions ?").replace(
                "%1", selected.label
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._runner.run(
                lambda _p: services.diagnostics.delete(selected.id),
                on_success=lambda _n: self.reload(),
            )

    def compare_establishments(self) -> None:
        services = self._require()
        templates = {row.template_id: row.template_title for row in self.model_rows()}
        if not templates:
            return
        names = list(templates.values())
        current = self.selected()
        start = names.index(current.template_title) if current else 0
        title, ok = QInputDialog.getItem(
            self,
            self.tr("Comparer les établissements"),
            self.tr("Questionnaire :"),
            names,
            start,
            False,
        )
        if not ok:
            return
        template_id = next(k for k, v in templates.items() if v == title)

        def show(peers: PeerComparison) -> None:
            self.dialog = PeersDialog(peers, title, self)
            self.dialog.show()

        self._runner.run(
            lambda _p: services.diagnostics.compare_establishments(template_id), on_success=show
        )

    def model_rows(self) -> list[DiagnosticSummary]:
        return [self.model.row_at(r) for r in range(self.model.rowCount())]

    # One diagnostic --------------------------------------------------------------------

    def open(self, diagnostic_id: int) -> None:
        services = self._require()

        def load(_p: object) -> _Loaded:
            detail = services.diagnostics.get(diagnostic_id)
            establishment = services.establishments.get(detail.summary.establishment_id)
            return _Loaded(
                detail,
                services.plans.plan(diagnostic_id),
                services.library.peers(establishment.kind, establishment.finess),
            )

        self._runner.run(load, on_success=self._show_loaded)

    def _show_loaded(self, loaded: _Loaded) -> None:
        services = self._require()
        self.current = loaded
        summary = loaded.detail.summary
        state = (
            self.tr("validé le %1 par %2")
            .replace("%1", format_date(summary.validated_at))
            .replace("%2", actor_text(summary.validated_by))
            if summary.locked
            else self.tr("en cours")
        )
        self.detail_title.setText(
            f"{summary.label} — {summary.establishment_name}<br>"
            f"<span style='font-size:12px; font-weight:400'>{summary.template_title} "
            f"(v{summary.template_version}) — {state}</span>"
        )
        self.validate_button.setEnabled(not summary.locked)
        self.reopen_button.setEnabled(summary.locked)
        self.import_button.setEnabled(not summary.locked)
        self.answers.show_diagnostic(services, loaded.detail)
        self.plan.show_plan(services, summary.id, loaded.plan, loaded.detail.template)
        if self.tabs.currentWidget() is self.results:
            self._show_results()
        self.stack.setCurrentIndex(1)
        self.opened.emit(summary.id)

    def back_to_list(self) -> None:
        """The list as it was at once; read again (the scores just changed) once painted."""
        self.stack.setCurrentIndex(0)
        after_paint(self, self.reload)

    def _answers_changed(self) -> None:
        if self.tabs.currentWidget() is self.results:
            self._show_results()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.results and self.current is not None:
            self._show_results()

    def _show_results(self) -> None:
        assert self.current is not None
        self.results.show_results(
            self.current.detail, self.answers.codes, self.answers.report(), self.current.peers
        )

    def _reload_current(self) -> None:
        if self.current is not None:
            self.open(self.current.detail.summary.id)

    def validate_current(self) -> None:
        services, current = self._require(), self.current
        if current is None:
            return
        report = self.answers.report()
        answer = QMessageBox.question(
            self,
            self.tr("Valider le diagnostic"),
            self.tr(
                "Valider verrouille les réponses (complétude : %1) et propose le plan d'actions "
                "à partir des items faibles. Le rouvrir plus tard sera tracé.\n\nValider ?"
            ).replace("%1", score_text(report.overall.completion)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        diagnostic_id = current.detail.summary.id
        self._runner.run(
            lambda _p: services.diagnostics.validate(diagnostic_id),
            on_success=lambda _s: self._reload_current(),
        )

    def reopen_current(self) -> None:
        services, current = self._require(), self.current
        if current is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Rouvrir le diagnostic"),
            self.tr("Pourquoi rouvrir ce diagnostic validé ? (tracé dans le journal d'audit)"),
        )
        if not ok:
            return
        diagnostic_id = current.detail.summary.id
        self._runner.run(
            lambda _p: services.diagnostics.reopen(diagnostic_id, reason),
            on_success=lambda _s: self._reload_current(),
        )

    def compare_current(self) -> None:
        services, current = self._require(), self.current
        if current is None:
            return
        summary = current.detail.summary

        def ask(campaigns: list[DiagnosticSummary]) -> None:
            others = [
                c
                for c in campaigns
                if c.establishment_id == summary.establishment_id and c.id != summary.id
            ]
            if not others:
                QMessageBox.information(
                    self,
                    self.tr("Comparer"),
                    self.tr("Aucune autre campagne de ce questionnaire pour cet établissement."),
                )
                return
            chosen = choose_campaigns(summary, others, self)
            if chosen is None:
                return
            # The earlier campaign is always "before", whichever of the two is open.
            before, after = sorted((chosen, summary), key=lambda d: d.created_at)

            def job(_p: object) -> tuple[Comparison, ScoreReport, ScoreReport]:
                diagnostics = services.diagnostics
                return (
                    diagnostics.compare(before.id, after.id),
                    diagnostics.score(before.id),
                    diagnostics.score(after.id),
                )

            self._runner.run(
                job, on_success=lambda found: self._show_comparison(before, after, *found)
            )

        self._runner.run(
            lambda _p: services.diagnostics.list(template_id=summary.template_id), on_success=ask
        )

    def _show_comparison(
        self,
        before: DiagnosticSummary,
        after: DiagnosticSummary,
        comparison: Comparison,
        before_report: ScoreReport,
        after_report: ScoreReport,
    ) -> None:
        self.dialog = ComparisonDialog(before, after, comparison, self)
        self.dialog.add_radar(before_report, after_report)
        self.dialog.show()

    def import_answers(self) -> None:

        services, current = self._require(), self.current
        if current is None:
            return
        path = open_path(
            self, self.tr("Importer des réponses"), self.tr("Feuilles (*.xlsx *.csv)"), "answers"
        )
        if path is None:
            return
        diagnostic_id = current.detail.summary.id

        def job(progress: Progress) -> int:
            return services.diagnostics.import_answer_file(diagnostic_id, path, progress)

        def done(count: int) -> None:
            self._status(self.tr("%1 réponse(s) importée(s)").replace("%1", str(count)))
            self._reload_current()

        self._runner.run(job, on_success=done, label=self.tr("Import des réponses…"))

    def export(self, kind: str) -> None:
        services, current = self._require(), self.current
        if current is None:
            return
        summary = current.detail.summary
        stem = f"diagnostic-{summary.id}-{summary.template_id}"
        if kind == "pdf":
            target = save_path(self, self.tr("Rapport PDF"), f"{stem}.pdf", "PDF (*.pdf)")
        else:
            target = save_path(self, self.tr("Export Excel"), f"{stem}.xlsx", "Excel (*.xlsx)")
        if target is None:
            return
        options: dict[str, Any] = (
            {"pdf": target, "comments": self.pdf_comments.isChecked()}
            if kind == "pdf"
            else {"xlsx": target}
        )
        self._runner.run(
            lambda progress: services.reports.write(summary.id, progress=progress, **options),
            on_success=lambda _n: document_written(self, target),
            label=self.tr("Préparation du document…"),
        )

    def show_evidence(self, item_id: str) -> None:
        services, current = self._require(), self.current
        if current is None:
            return
        diagnostic_id = current.detail.summary.id
        records = [e for e in current.detail.evidence if e.item_id == item_id]

        def add(path: str) -> None:
            self._runner.run(
                lambda _p: services.diagnostics.add_evidence(diagnostic_id, item_id, Path(path)),
                on_success=lambda _r: self._reload_current(),
            )

        def save(evidence_id: int, target: str) -> None:
            def job(_p: object) -> None:
                from hospiperf_desktop.files import write_bytes_atomically

                _record, content = services.diagnostics.evidence_content(evidence_id)
                write_bytes_atomically(Path(target), content)

            self._runner.run(job)

        def remove(evidence_id: int) -> None:
            self._runner.run(
                lambda _p: services.diagnostics.remove_evidence(evidence_id),
                on_success=lambda _r: self._reload_current(),
            )

        locked = current.detail.summary.locked
        self.dialog = EvidenceDialog(
            item_id, records, locked, {"add": add, "save": save, "remove": remove}, self
        )
        self.dialog.open()

    def _status(self, message: str) -> None:
        show_status(self, message)

    def _require(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services
