"""*Fichier › Restaurer une sauvegarde…*: the backups with their date, size and content; the
chosen one is checked in the worker, then the user confirms, then the window restores it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from hospiperf_desktop.backup.check import BackupCheck, BackupContents
    from hospiperf_desktop.backup.store import BackupInfo
    from ui.tasks import TaskRunner


def contents_text(widget: QWidget, contents: BackupContents | None) -> str:
    if contents is None:
        return widget.tr("illisible")
    text = (
        widget.tr("%1 établissement(s), %2 diagnostic(s)")
        .replace("%1", str(contents.establishments))
        .replace("%2", str(contents.diagnostics))
    )
    last = contents.last_audit
    if last:
        when = str(last["recorded_at"])[:10]
        day = f"{when[8:10]}/{when[5:7]}/{when[0:4]}"
        text += widget.tr(" ; dernière modification le %1").replace("%1", day)
    return text


def _size(size: int) -> str:
    return QLocale().toString(size / 1_000_000, "f", 1) + " Mo"


class RestoreDialog(QDialog):
    """Lists backups; `chosen` carries the path of a checked backup the user confirmed."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget, runner: TaskRunner, database_path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restaurer une sauvegarde"))
        self.resize(860, 420)
        self._runner = runner
        self._backups: list[BackupInfo] = []
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Taille"), self.tr("Contenu"), self.tr("État")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 80)
        self.table.setColumnWidth(3, 150)
        self.message = QLabel(
            self.tr(
                "La base actuelle est d'abord conservée à part, comme une sauvegarde. La "
                "sauvegarde choisie est vérifiée avant d'être restaurée."
            )
        )
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(self.tr("&Vérifier et restaurer…"))
        self.restore_button.setDefault(True)
        self.restore_button.setEnabled(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.check_chosen)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self.current() is not None)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.confirmation: QMessageBox | None = None
        self._load(database_path)

    def _load(self, database_path: Path) -> None:
        from hospiperf_desktop.backup.store import default_folder, list_folder

        folder = default_folder(database_path)
        self.folder_label.setText(self.tr("Sauvegardes du dossier %1").replace("%1", str(folder)))
        self._runner.run(lambda _p: list_folder(folder), on_success=self.show_backups)

    def show_backups(self, backups: list[BackupInfo]) -> None:
        self._backups = backups
        self.table.setRowCount(len(backups))
        locale = QLocale()
        for row, backup in enumerate(backups):
            state = self.tr("vérifiée") if backup.checked else self.tr("non vérifiée")
            if backup.name.reason == "before-restore":
                state = self.tr("avant restauration")
            elif backup.name.reason == "before-delete":
                state = self.tr("avant suppression")
            cells = [
                locale.toString(backup.name.taken_at, "dd/MM/yyyy HH:mm"),
                _size(backup.size),
                contents_text(self, backup.contents),
                state,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if backups:
            self.table.selectRow(0)
        else:
            self.message.setText(self.tr("Aucune sauvegarde dans ce dossier."))
        self.table.setFocus()

    def current(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self._backups[rows[0].row()] if rows else None

    def check_chosen(self) -> None:
        backup = self.current()
        if backup is None:
            return
        from hospiperf_desktop.backup.service import verify_backup

        self.restore_button.setEnabled(False)
        self._runner.run(
            lambda _p: verify_backup(backup.path),
            on_success=self._ask,
            label=self.tr("Vérification de la sauvegarde…"),
            parent=self,
        )

    def _ask(self, check: BackupCheck) -> None:
        self.restore_button.setEnabled(True)
        if not check.ok:
            self.message.setText(
                self.tr(
                    "Cette sauvegarde est abîmée (contrôle d'intégrité ou journal d'audit) et ne "
                    "sera pas restaurée.\nDétail : %1"
                ).replace("%1", "; ".join(check.problems))
            )
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Restaurer cette sauvegarde ?"))
        box.setText(
            self.tr(
                "La sauvegarde est intacte : %1.\n\nLa base actuelle sera remplacée par cette "
                "sauvegarde ; elle est d'abord conservée à part. Continuer ?"
            ).replace("%1", contents_text(self, check.contents))
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(self.tr("Restaurer"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Annuler"))
        box.setDefaultButton(yes)
        path = str(check.path)

        def answered(_result: int) -> None:
            if box.clickedButton() is yes:
                self.accept()
                self.chosen.emit(path)

        box.finished.connect(answered)
        self.confirmation = box
        box.open()
