"""Exports / ARS › Accusés et suivi: the ARS's receipts opened (file dialog, or dropped on the
tab) and recorded, and the ledger per establishment × period × module.

A thin view over `receipts.service`: the receipts are verified and recorded, and the ledger
read, in the worker; a refused batch is told in French by the runner (nothing recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.file_dialogs import open_paths
from ui.record_table import Index, RecordTableModel, record_table
from ui.sections.exports.common import NOTE_STYLE
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.receipts.service import LedgerRow, RecordedReceipt
    from hospiperf_desktop.services import Services


class LedgerModel(RecordTableModel):
    """The ledger's rows (receipts.service.LedgerRow), in French."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (
            self.tr("FINESS"),
            self.tr("Établissement"),
            self.tr("Période"),
            self.tr("Module"),
            self.tr("État"),
            self.tr("Motif et suite à donner"),
        )
        self.module_labels = {
            "diagnostics": self.tr("Diagnostics"),
            "activity": self.tr("Activité"),
            "stock": self.tr("Stock"),
            "calculators": self.tr("Calculateurs"),
        }
        self.status_labels = {
            "accepted": self.tr("accepté"),
            "refused": self.tr("refusé"),
            "sent": self.tr("envoyé"),
            "missing": self.tr("manquant"),
        }

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row: LedgerRow = self.rows[index.row()]
        values = (
            row.finess,
            row.name,
            row.period,
            self.module_labels.get(row.module, row.module),
            self.status_labels.get(row.status, row.label),
            " ; ".join(row.reasons),
        )
        return values[index.column()]


class ReceiptsView(QWidget):
    shown = Signal()  # the ledger is shown (again)
    recorded = Signal(list)  # the RecordedReceipts of the last batch

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        intro = QLabel(
            self.tr(
                "L'ARS vous renvoie un accusé de réception signé pour chaque paquet reçu, "
                "accepté ou refusé (avec chaque motif et la suite à donner). Ouvrez-les, ou "
                "déposez-les sur cet onglet : leur signature est vérifiée avec la clé de l'ARS "
                "avant tout enregistrement."
            )
        )
        intro.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Ouvrir des accusés de réception…"))
        self.open_button.clicked.connect(self.choose_files)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet(NOTE_STYLE)
        self.model = LedgerModel(self)
        self.table = record_table(self.model)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addWidget(QLabel(self.tr("Suivi des envois, par période et par module :")))
        layout.addWidget(self.table, 1)
        self.setAcceptDrops(True)

    def set_services(self, services: Services) -> None:
        self._services = services
        self.reload()

    def _need_services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services

    def reload(self) -> None:
        services = self._need_services()

        def job(_progress: object) -> list[LedgerRow]:
            from hospiperf_desktop.receipts.service import ledger

            return ledger(services)

        self._runner.run(job, on_success=self._show)

    def _show(self, rows: list[LedgerRow]) -> None:
        self.model.set_rows(rows)
        self.shown.emit()

    def choose_files(self) -> None:
        paths = open_paths(
            self,
            self.tr("Accusés de réception de l'ARS"),
            self.tr("Accusés de réception (*.json)"),
            "ars_receipts",
        )
        if paths:
            self.record(paths)

    def record(self, paths: list[Path]) -> None:
        services = self._need_services()

        def job(_progress: object) -> list[RecordedReceipt]:
            from hospiperf_desktop.receipts.service import record_receipts

            return record_receipts(services, paths)

        self._runner.run(job, on_success=self._recorded)

    def _recorded(self, recorded: list[RecordedReceipt]) -> None:
        new = sum(r.new for r in recorded)
        text = self.tr("%1 accusé(s) enregistré(s), %2 déjà connu(s).")
        text = text.replace("%1", str(new)).replace("%2", str(len(recorded) - new))
        strangers = sum(not r.matched for r in recorded)
        if strangers:
            text += " " + self.tr(
                "%1 ne correspond(ent) à aucun paquet exporté depuis ce poste."
            ).replace("%1", str(strangers))
        changed = sum(r.same_file is False for r in recorded)
        if changed:
            text += " " + self.tr(
                "Pour %1 paquet(s), le fichier reçu par l'ARS n'est pas celui écrit ici."
            ).replace("%1", str(changed))
        self.result_label.setText(text)
        self.recorded.emit(recorded)
        self.reload()

    # --- drag and drop -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _dropped_files(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.record(paths)


def _dropped_files(urls: list[Any]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]
