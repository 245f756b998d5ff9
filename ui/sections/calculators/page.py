"""The Calculateurs section: logistics pooling and its return on investment, purchasing gains
(PAAT), the carbon footprint of purchases and coordinated practice, each in its tab; their
scenarios are kept for the establishment chosen at the top."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from hospiperf_desktop.establishments.model import Establishment
from ui.sections.activity.chooser import EstablishmentChooser
from ui.sections.calculators.texts import calculator_labels
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from ui.sections.calculators.carbon_view import CarbonView
    from ui.sections.calculators.common import CalculatorView
    from ui.sections.calculators.coordinated_view import CoordinatedView
    from ui.sections.calculators.logistics_view import LogisticsView
    from ui.sections.calculators.purchasing_view import PurchasingView
    from ui.sections.calculators.sterilisation_view import SterilisationView

# The calculators in their tabs' order: (key, module, class). Each view is imported and built
# when its tab is first shown or the view is first asked for: building the five at once held
# the window 100-130 ms when the section opened (benchmarks/scale.py).
CALCULATORS = (
    ("logistics", "ui.sections.calculators.logistics_view", "LogisticsView"),
    ("purchasing", "ui.sections.calculators.purchasing_view", "PurchasingView"),
    ("carbon", "ui.sections.calculators.carbon_view", "CarbonView"),
    ("coordinated", "ui.sections.calculators.coordinated_view", "CoordinatedView"),
    ("sterilisation", "ui.sections.calculators.sterilisation_view", "SterilisationView"),
)


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

        self._built: dict[str, CalculatorView] = {}
        labels = calculator_labels()
        self.tabs = QTabWidget()
        for key, _module, _class in CALCULATORS:
            self.tabs.addTab(QWidget(), labels[key])  # its view comes when first shown
        self.tabs.currentChanged.connect(self._tab_shown)
        self._view(CALCULATORS[0][0])

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    @property
    def logistics(self) -> LogisticsView:
        return cast("LogisticsView", self._view("logistics"))

    @property
    def purchasing(self) -> PurchasingView:
        return cast("PurchasingView", self._view("purchasing"))

    @property
    def carbon(self) -> CarbonView:
        return cast("CarbonView", self._view("carbon"))

    @property
    def coordinated(self) -> CoordinatedView:
        return cast("CoordinatedView", self._view("coordinated"))

    @property
    def sterilisation(self) -> SterilisationView:
        return cast("SterilisationView", self._view("sterilisation"))

    def views(self) -> tuple[CalculatorView, ...]:
        """The views built so far (the others are built when shown)."""
        return tuple(self._built[key] for key, _m, _c in CALCULATORS if key in self._built)

    def _tab_shown(self, index: int) -> None:
        if 0 <= index < len(CALCULATORS):
            self._view(CALCULATORS[index][0])

    def _view(self, key: str) -> CalculatorView:
        """The view of calculator `key`, built (and put in its tab) on first use."""
        view = self._built.get(key)
        if view is not None:
            return view
        index = next(i for i, (k, _m, _c) in enumerate(CALCULATORS) if k == key)
        _key, module, name = CALCULATORS[index]
        view = getattr(importlib.import_module(module), name)(self._runner)
        self._built[key] = view
        placeholder, label = self.tabs.widget(index), self.tabs.tabText(index)
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the tab shown does not change
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, view, label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        if self._services is not None:
            view.set_context(self._services, self.current_establishment())
        return view

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
