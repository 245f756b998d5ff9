"""What both tabs of the Activité et UO page share: the establishment, year and period
shown, loading in the worker, and ignoring answers that came after a newer request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class ActivityTab(QWidget):
    loaded = Signal()
    changed = Signal()  # the tab stored a change: the page shows both tabs again

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.establishment: Establishment | None = None
        self.year = 0
        self.month = 0  # 0: the whole year
        self._token = 0

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

    def refresh(self) -> None:
        """Load what the tab shows (in the worker); the answer fills it when it comes."""
        if self._services is None or self.establishment is None:
            self.clear()
            return
        self._token += 1
        self.load(self._services, self.establishment)

    def load(self, services: Services, establishment: Establishment) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Show nothing (no establishment, or another one is loading)."""

    def run_current(
        self, fn: Callable[[Progress], Any], show: Callable[[Any], None], **options: Any
    ) -> None:
        """Run `fn` in the worker; `show` its result unless a newer load was asked since."""
        token = self._token

        def shown(result: Any) -> None:
            if token == self._token:
                show(result)

        self._runner.run(fn, on_success=shown, **options)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services

    def status(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 8000)
