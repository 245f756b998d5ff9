"""The Calculateurs section: logistics pooling and its return on investment, purchasing gains
(PAAT), the carbon footprint of purchases and coordinated practice, each in its tab; their
scenarios are kept for the establishment chosen at the top."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from hospiperf_desktop.establishments.model import Establishment
from ui.sections.activity.chooser import EstablishmentChooser
from ui.sections.calculators.carbon_view import CarbonView
from ui.sections.calculators.common import CalculatorView
from ui.sections.calculators.coordinated_view import CoordinatedView
from ui.sections.calculators.logistics_view import LogisticsView
from ui.sections.calculators.purchasing_view import PurchasingView
from ui.sections.calculators.sterilisation_view import SterilisationView
from ui.sections.calculators.texts import calculator_labels
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class CalculatorsPage(QWidget):
    loaded = Signal()  # the establishments are listed

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        title = QLabel(self.tr("Calculateurs"))
        title.setObjectName("sectionTitle")
        self.establishment = EstablishmentChooser()
        self.establishment.chosen.connect(self._context_changed)
        self.hint = QLabel(
            self.tr(
                "Les calculs se font sans établissement ; pour enregistrer un scénario, "
                "ajoutez d'abord un établissement (section Établissements)."
            )
        )
        self.hint.setObjectName("comingSoonBadge")
        self.hint.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Scénarios de l'établissement :")))
        top.addWidget(self.establishment, 1)

        self.logistics = LogisticsView(runner)
        self.purchasing = PurchasingView(runner)
        self.carbon = CarbonView(runner)
        self.coordinated = CoordinatedView(runner)
        self.sterilisation = SterilisationView(runner)
        labels = calculator_labels()
        self.tabs = QTabWidget()
        for view in self.views():
            self.tabs.addTab(view, labels[view.calculator])

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def views(self) -> tuple[CalculatorView, ...]:
        return (
            self.logistics,
            self.purchasing,
            self.carbon,
            self.coordinated,
            self.sterilisation,
        )

    def set_services(self, services: Services) -> None:
        self._services = services
        self.setEnabled(True)
        self.reload()

    def reload(self) -> None:
        """List the establishments again (one was added, renamed or removed)."""
        services = self._services
        if services is None:
            raise RuntimeError("the database is not open yet")
        self._runner.run(lambda _p: services.establishments.list(), on_success=self._show_list)

    def _show_list(self, establishments: list[Establishment]) -> None:
        self.establishment.show_list(establishments)
        self.hint.setVisible(not establishments)
        self._context_changed()
        self.loaded.emit()

    def current_establishment(self) -> Establishment | None:
        return self.establishment.current()

    def select_establishment(self, establishment_id: int) -> None:
        self.establishment.select(establishment_id)

    def _context_changed(self) -> None:
        if self._services is None:
            return
        for view in self.views():
            view.set_context(self._services, self.current_establishment())
