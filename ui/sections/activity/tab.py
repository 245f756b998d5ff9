"""What both tabs of the Activité et UO page add to `WorkerTab`: the year and period shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from hospiperf_desktop.establishments.model import Establishment
from ui.tasks import TaskRunner
from ui.worker_tab import WorkerTab

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class ActivityTab(WorkerTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.year = 0
        self.month = 0  # 0: the whole year

    def show_context(
        self, services: Services, establishment: Establishment | None, year: int, month: int
    ) -> bool:
        """What to show next; returns whether it differs from what is shown (then
        `refresh()` loads it)."""
        self._services = services
        changed = (establishment, year, month) != (self.establishment, self.year, self.month)
        if changed:
            self._token += 1  # whatever was loading is for the previous choice
        if establishment != self.establishment:
            self.establishment = establishment
            self.clear()
        self.year, self.month = year, month
        return changed
