"""What a section tab that loads in the worker shares: the establishment shown, a token so
that an answer arriving after a newer request is ignored, and the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.status import show_status
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class WorkerTab(QWidget):
    loaded = Signal()
    changed = Signal()  # the tab stored a change that other tabs show

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.establishment: Establishment | None = None
        self._token = 0

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
        show_status(self, message)
