"""What every tab of the Stocks page shares: the establishment shown, loading in the worker
only when the tab is visible and out of date, and ignoring answers that came too late."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow, QTableView, QWidget

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.parameters import StockParameters


class StockTab(QWidget):
    loaded = Signal()
    changed = Signal()  # the tab changed stored data other tabs show

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.establishment: Establishment | None = None
        self.dirty = True
        self._token = 0

    def show_establishment(self, services: Services, establishment: Establishment | None) -> None:
        first = self._services is None
        self._services = services
        if first:
            self.services_ready(services.stock.params)
        if establishment != self.establishment:
            self._token += 1  # whatever was loading is for the previous establishment
            self.establishment = establishment
            self.clear()
        self.dirty = True

    def services_ready(self, params: StockParameters) -> None:
        """Called once, when the parameters (categories, defaults…) are first known."""

    def refresh(self) -> None:
        """Load what the tab shows (in the worker); the answer fills it when it comes."""
        self.dirty = False
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


def fit_height(table: QTableView, max_rows: int = 14) -> None:
    """Size `table` to show its rows (up to `max_rows`) without an empty band below."""
    model = table.model()
    rows = min(model.rowCount(), max_rows) if model is not None else 0
    table.resizeRowsToContents()
    row_height = table.verticalHeader().defaultSectionSize()
    if rows:
        row_height = max(table.rowHeight(r) for r in range(rows))
    header = table.horizontalHeader()
    height = header.sizeHint().height() + max(rows, 1) * row_height + 2 * table.frameWidth() + 2
    if header.length() > table.viewport().width():  # a horizontal scroll bar takes a row
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)
