"""The establishment and year choosers the Activité et UO and Tableau de bord pages share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.french import french_sorted
from ui.current import current_of

FIRST_YEAR, LAST_YEAR = 2001, 2100  # the core keeps years 2000-2100, and N-1 is compared


class EstablishmentChooser(QComboBox):
    """Establishments by name. The one chosen is the window's current establishment: every
    section shows it, and choosing here chooses it for all (ui/current.py)."""

    chosen = Signal()  # the user (or a new list) changed the establishment

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumContentsLength(40)
        self._establishments: list[Establishment] = []
        self.currentIndexChanged.connect(self._changed)

    def _changed(self, _index: int) -> None:
        chosen = self.current()
        state = current_of(self)
        if state is not None and chosen is not None:
            state.set(chosen.id)
        self.chosen.emit()

    def show_list(self, establishments: list[Establishment], prefer: Iterable[int] = ()) -> None:
        """List `establishments` (quietly: the caller shows the one chosen): the window's
        current one, else the one shown before, else the first of `prefer` listed."""
        kept = self.current()
        self._establishments = french_sorted(establishments, key=lambda e: e.name)
        listed = {e.id for e in self._establishments}
        state = current_of(self)
        candidates = [state.id if state is not None else None, kept.id if kept else None]
        candidates += list(prefer)
        wanted = next((c for c in candidates if c in listed), None)
        self.blockSignals(True)
        self.clear()
        for record in self._establishments:
            self.addItem(f"{record.name} ({record.finess})", record.id)
        index = self.findData(wanted) if wanted is not None else -1
        self.setCurrentIndex(max(index, 0) if self._establishments else -1)
        self.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again: follow the establishment chosen meanwhile in another section."""
        super().showEvent(event)
        state = current_of(self)
        shown = self.current()
        if state is not None and state.id is not None and (shown is None or shown.id != state.id):
            self.select(state.id)

    def current(self) -> Establishment | None:
        chosen = self.currentData()
        return next((e for e in self._establishments if e.id == chosen), None)

    def select(self, establishment_id: int) -> None:
        index = self.findData(establishment_id)
        if index >= 0:
            self.setCurrentIndex(index)


def year_spin(parent: QWidget | None = None) -> QSpinBox:
    """The year shown, last year at first (the year whose activity is complete)."""
    spin = QSpinBox(parent)
    spin.setRange(FIRST_YEAR, LAST_YEAR)
    spin.setValue(date.today().year - 1)
    spin.setKeyboardTracking(False)  # one reload when the year is typed, not one per digit
    spin.setGroupSeparatorShown(False)
    return spin
