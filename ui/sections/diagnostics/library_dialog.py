"""Diagnostics › Questionnaires: the questionnaire library (shipped and installed versions).

Import a workbook (checked in the worker: its problems in a table and nothing installed, or a
preview of the questionnaire and an *Installer* button), export a version as a workbook,
retire a version from the new-diagnostic list or offer it again, print the blank grid.
Everything goes through `services.questionnaires` (hospiperf_desktop/diagnostics/library.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.library import QuestionnaireVersion
from hospiperf_desktop.diagnostics.template import Template
from hospiperf_desktop.diagnostics.workbook import WorkbookError
from hospiperf_desktop.french import without_accents
from hospiperf_desktop.services import Services
from ui.documents import document_written
from ui.file_dialogs import open_path, save_path
from ui.labels import target_labels
from ui.messages import error_text
from ui.tasks import TaskRunner


class QuestionnaireLibraryDialog(QDialog):
    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Questionnaires"))
        # Wider where the screen allows: the titles take the room the other columns leave.
        room = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1300, room.width() - 40), min(680, room.height() - 90))
        self._services, self._runner = services, runner
        self._versions: list[QuestionnaireVersion] = []
        self._pending: Path | None = None  # a checked workbook waiting for "Installer"

        self.search = QLineEdit(placeholderText=self.tr("Rechercher (titre, identifiant…)"))
        self.search.textChanged.connect(self._filter)
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Questionnaire"),
                self.tr("Identifiant"),
                self.tr("Version"),
                self.tr("Origine"),
                self.tr("Cible"),
                self.tr("Items"),
                self.tr("Diagnostics"),
                self.tr("État"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.import_button = QPushButton(self.tr("Importer un classeur…"))
        self.export_button = QPushButton(self.tr("Exporter en classeur…"))
        self.retire_button = QPushButton(self.tr("Retirer de la liste"))
        self.blank_button = QPushButton(self.tr("Grille vierge PDF…"))
        self.import_button.clicked.connect(self.import_workbook)
        self.export_button.clicked.connect(self.export_selected)
        self.retire_button.clicked.connect(self.retire_selected)
        self.blank_button.clicked.connect(self.blank_selected)

        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels(
            [self.tr("Feuille"), self.tr("Ligne"), self.tr("Colonne"), self.tr("Problème")]
        )
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().hide()
        self.preview_title = QLabel()
        self.preview_title.setWordWrap(True)
        self.preview_items = QListWidget()
        self.install_button = QPushButton(self.tr("Installer ce questionnaire"))
        self.install_button.clicked.connect(self.install_pending)
        self.message = QLabel()
        self.message.setWordWrap(True)

        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        for button in (self.import_button, self.export_button, self.retire_button):
            tools.addWidget(button)
        tools.addWidget(self.blank_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.message)
        layout.addWidget(self.problems, 2)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview_items, 2)
        layout.addWidget(self.install_button)
        self._show_check(None, None)
        self.reload()

    # Listing ---------------------------------------------------------------------------

    def reload(self) -> None:
        entries = self._services.questionnaires.list()
        self._versions = [version for entry in entries for version in entry.versions]
        targets = target_labels()
        self.table.setRowCount(len(self._versions))
        for row, v in enumerate(self._versions):
            cells = [
                v.title,
                v.template_id,
                v.version,
                self._origin(v),
                targets[v.target],
                str(v.item_count),
                str(v.diagnostics),
                self._state(v),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.item(row, 0).setToolTip(v.title)  # a long title is whole here
        # A few dozen rows at most: sized from all of them, so no id or target is cut short.
        self.table.resizeColumnsToContents()
        self._filter(self.search.text())
        self._update_buttons()

    def _origin(self, v: QuestionnaireVersion) -> str:
        if v.origin_kind == "shipped":
            return self.tr("livré avec l'application")
        if v.origin_kind == "package":
            return self.tr("paquet de référence %1").replace("%1", v.origin_source)
        return self.tr("importé de %1").replace("%1", v.origin_source)

    def _state(self, v: QuestionnaireVersion) -> str:
        if v.retired:
            return self.tr("retiré")
        return self.tr("proposé") if v.offered else self.tr("ancienne version")

    def visible_rows(self) -> list[QuestionnaireVersion]:
        return [v for row, v in enumerate(self._versions) if not self.table.isRowHidden(row)]

    def _filter(self, text: str) -> None:
        wanted = without_accents(text).casefold().strip()
        for row, v in enumerate(self._versions):
            haystack = without_accents(f"{v.title} {v.template_id}").casefold()
            self.table.setRowHidden(row, bool(wanted) and wanted not in haystack)

    def selected(self) -> QuestionnaireVersion | None:
        rows = self.table.selectionModel().selectedRows()
        return self._versions[rows[0].row()] if rows else None

    def select(self, key: str) -> None:
        for row, v in enumerate(self._versions):
            if v.key == key:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for button in (self.export_button, self.blank_button):
            button.setEnabled(chosen is not None)
        installed = chosen is not None and chosen.origin_kind != "shipped"
        self.retire_button.setEnabled(installed)
        if chosen is not None and chosen.retired:
            self.retire_button.setText(self.tr("Proposer de nouveau"))
        else:
            self.retire_button.setText(self.tr("Retirer de la liste"))

    # Import ----------------------------------------------------------------------------

    def import_workbook(self) -> None:
        path = open_path(
            self,
            self.tr("Importer un questionnaire"),
            self.tr("Classeurs (*.xlsx *.ods)"),
            "questionnaires",
        )
        if path is not None:
            self.check(path)

    def check(self, path: Path) -> None:
        """Check `path` in the worker; show its problems, or a preview to install."""
        library = self._services.questionnaires

        def job(_progress: object) -> Template:
            return library.check_workbook(path)[1]

        def failed(err: BaseException) -> None:
            if isinstance(err, WorkbookError):
                self._show_check(None, err)
            else:
                self._show_check(None, None)
                self.message.setText(error_text(err))

        self._pending = None
        self._runner.run(
            job,
            on_success=lambda template: self._preview(path, template),
            on_failure=failed,
            label=self.tr("Vérification du classeur…"),
            parent=self,
        )

    def _preview(self, path: Path, template: Template) -> None:
        self._pending = path
        self._show_check(template, None)

    def _show_check(self, template: Template | None, err: WorkbookError | None) -> None:
        problems = err.problems if err is not None else ()
        self.problems.setRowCount(len(problems))
        for row, p in enumerate(problems):
            cells = [p.sheet, "" if p.line is None else str(p.line), p.column or "", p.message]
            for column, text in enumerate(cells):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        self.problems.setVisible(bool(problems))
        if err is not None:
            self.message.setText(
                self.tr("%1 : %2 problème(s) ; rien n'est installé.")
                .replace("%1", err.file)
                .replace("%2", str(len(problems)))
            )
        self.preview_items.clear()
        self.preview_title.setVisible(template is not None)
        self.preview_items.setVisible(template is not None)
        self.install_button.setVisible(template is not None)
        if template is not None:
            self.message.setText(self.tr("Aucun problème. Aperçu avant installation :"))
            self.preview_title.setText(
                f"<b>{template.title}</b> — {template.id} {self.tr('version')} {template.version}"
                f" — {target_labels()[template.target]} — {len(template.items)}"
                f" {self.tr('items')}"
            )
            for item in template.items:
                self.preview_items.addItem(f"{item.id}  {item.text}")

    def install_pending(self) -> None:
        path = self._pending
        if path is None:
            return
        library = self._services.questionnaires

        def done(template: Template) -> None:
            self._pending = None
            self._show_check(None, None)
            self.message.setText(
                self.tr("%1 installé (version %2).")
                .replace("%1", template.title)
                .replace("%2", template.version)
            )
            self.reload()
            self.select(template.key)

        def failed(err: BaseException) -> None:
            if isinstance(err, WorkbookError):
                self._show_check(None, err)
            else:
                self.message.setText(error_text(err))

        self._runner.run(
            lambda _p: library.install_workbook(path),
            on_success=done,
            on_failure=failed,
            label=self.tr("Installation…"),
            parent=self,
        )

    # Export, retire, blank grid ------------------------------------------------------------

    def export_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        target = save_path(
            self,
            self.tr("Exporter le questionnaire"),
            f"{chosen.template_id}-{chosen.version}.xlsx",
            "Excel (*.xlsx)",
            "questionnaires",
        )
        if target is None:
            return
        library = self._services.questionnaires
        self._runner.run(
            lambda _p: library.export_workbook(chosen.template_id, chosen.version, target),
            on_success=lambda _t: self._written(target),
            label=self.tr("Export du questionnaire…"),
            parent=self,
        )

    def blank_selected(self) -> None:
        from hospiperf_desktop.diagnostics.blank_pdf import write_blank_grid

        chosen = self.selected()
        if chosen is None:
            return
        target = save_path(
            self,
            self.tr("Grille vierge"),
            f"grille-{chosen.template_id}-{chosen.version}.pdf",
            "PDF (*.pdf)",
        )
        if target is None:
            return
        library = self._services.questionnaires

        def job(_p: object) -> Any:
            template = library.version_template(chosen.template_id, chosen.version)
            write_blank_grid(template, target)

        self._runner.run(
            job,
            on_success=lambda _r: self._written(target),
            label=self.tr("Préparation de la grille…"),
            parent=self,
        )

    def _retire_failed(self, err: BaseException) -> None:
        self.message.setText(error_text(err))
        self._update_buttons()

    def _written(self, target: Path) -> None:
        """Say so in the dialog; the window's status and document bars (open, show, print)
        belong to the main window behind it, which `document_written` finds from the page."""
        self.message.setText(self.tr("Fichier enregistré : %1").replace("%1", str(target)))
        document_written(self.parentWidget() or self, target)

    def retire_selected(self) -> None:
        """Retire the selected installed version, or offer it again, in the worker."""
        chosen = self.selected()
        if chosen is None or chosen.origin_kind == "shipped":
            return
        library = self._services.questionnaires

        def done(_result: object) -> None:
            self.reload()
            self.select(chosen.key)

        self.retire_button.setEnabled(False)  # one click, one change
        self._runner.run(
            lambda _p: library.retire(chosen.template_id, chosen.version, not chosen.retired),
            on_success=done,
            on_failure=self._retire_failed,
            parent=self,
        )
