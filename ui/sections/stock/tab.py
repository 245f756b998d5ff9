"""What every tab of the Stocks page adds to `WorkerTab`: loading only when the tab is
visible and out of date, and the stock parameters once they are known."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from hospiperf_desktop.establishments.model import Establishment
from ui.tasks import TaskRunner
from ui.worker_tab import WorkerTab

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.parameters import StockParameters


class StockTab(WorkerTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.dirty = True
        self._params: StockParameters | None = None

    def show_establishment(self, services: Services, establishment: Establishment | None) -> None:
        self._services = services
        params = services.stock.params
        if params is not self._params:  # first known, or changed by a reference package
            self._params = params
            self.services_ready(params)
        if establishment != self.establishment:
            self._token += 1  # whatever was loading is for the previous establishment
            self.establishment = establishment
            self.clear()
        self.dirty = True

    def services_ready(self, params: StockParameters) -> None:
        """Called when the parameters (categories, defaults…) are first known, and again
        when a reference package changed them (lead-time profiles)."""

    def refresh(self) -> None:
        self.dirty = False
        super().refresh()
