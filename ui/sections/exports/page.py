"""The Exports / ARS section: an establishment sends its results as a signed bundle; the ARS
verifies bundles against the keys it trusts and consolidates them into regional views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ui.sections.exports.ars_key_view import ArsKeyView
from ui.sections.exports.consolidation_view import ConsolidationView
from ui.sections.exports.receipts_view import ReceiptsView
from ui.sections.exports.send_view import SendView
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class ExportsPage(QWidget):
    loaded = Signal()  # the establishments are listed and the chosen one's key shown

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        title = QLabel(self.tr("Exports et consolidation ARS"))
        title.setObjectName("sectionTitle")
        self.send = SendView(runner)
        self.send.loaded.connect(self.loaded)
        self.ars = ConsolidationView(runner)
        self.ars_key = ArsKeyView(runner)
        self.receipts = ReceiptsView(runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.send, self.tr("Envoyer à l'ARS"))
        self.tabs.addTab(self.ars, self.tr("ARS — consolidation"))
        self.tabs.addTab(self.ars_key, self.tr("Clé de l'ARS"))
        self.tabs.addTab(self.receipts, self.tr("Accusés et suivi"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def set_services(self, services: Services) -> None:
        self._services = services
        self.ars.set_services(services)
        self.ars_key.set_services(services)
        self.receipts.set_services(services)
        self.setEnabled(True)
        self.reload()

    def reload(self) -> None:
        """List the establishments again (one was added, renamed or removed)."""
        services = self._services
        if services is None:
            raise RuntimeError("the database is not open yet")
        self._runner.run(
            lambda _p: services.establishments.list(),
            on_success=lambda establishments: self.send.show_list(services, establishments),
        )
