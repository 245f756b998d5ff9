"""The lines of a work-unit table, whose yearly counts are typed in place as in the Saisie grid
(they are the same activity values): Enter saves and moves down, a refused count stays in its
cell with the reason, an unusual one waits for a justification."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from hospiperf_desktop.activity.texts import format_value
from hospiperf_desktop.plausibility import check_plausible
from ui.editable_table import NOT_MARKED, CellMarks
from ui.record_table import Index
from ui.sections.activity.texts import EntryProblem, parse_entry
from ui.sections.stock.common import Column, ColumnsTableModel

if TYPE_CHECKING:
    from hospiperf_desktop.activity.catalog import Measure
    from hospiperf_desktop.activity.uo_tables import UoLine

COUNT = 2  # the column typed in


@dataclass(frozen=True)
class CountsContext:
    """What typing a count needs beyond the lines: each measure, its yearly value as typed,
    whether the application computes it, and its N-1 value."""

    owner: tuple[int, int, str] = (0, 0, "")  # establishment id, year, table id
    measures: dict[str, Measure] = field(default_factory=dict)
    entered: dict[str, float] = field(default_factory=dict)
    computed: frozenset[str] = frozenset()
    previous: dict[str, float | None] = field(default_factory=dict)


class CountsModel(ColumnsTableModel):
    # measure id, new count (None: cleared), justification (None: not unusual)
    edited = Signal(str, object, object)
    refused = Signal(str, str)  # measure id, why (in French)
    unusual = Signal(str, object)  # measure id, Unusual

    def __init__(self, columns: list[Column], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.context = CountsContext()
        self.pending: dict[str, float | None] = {}
        self._saved: set[str] = set()
        self.awaiting: dict[str, float] = {}
        self.marks = CellMarks()

    def show_lines(self, lines: list[UoLine], context: CountsContext) -> None:
        """The same lines reloaded are updated in place (current cell and editor kept)."""
        same = context.owner == self.context.owner and [
            (line.item_id, line.measure) for line in lines
        ] == [(line.item_id, line.measure) for line in self.rows]
        self.context = context
        if same and lines:
            self.rows = list(lines)
            for measure_id in self._saved:
                self.pending.pop(measure_id, None)
            self._saved.clear()
            last = self.index(len(lines) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.pending.clear()
        self._saved.clear()
        self.awaiting.clear()
        self.marks.clear()
        self.set_rows(lines)

    def _measure(self, index: Index) -> str | None:
        return self.rows[index.row()].measure if index.isValid() else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == COUNT:
            measure_id = self.rows[index.row()].measure
            marked = self.marks.data(measure_id, role)
            if marked is not NOT_MARKED:
                return marked
            shown = self.awaiting.get(measure_id, self.pending.get(measure_id, ...))
            if role == Qt.ItemDataRole.DisplayRole and shown is not ...:
                return format_value("count", shown)  # type: ignore[arg-type]
            if role == Qt.ItemDataRole.EditRole:
                entered = self.context.entered.get(measure_id)
                return "" if entered is None else f"{entered:g}"
            if role == Qt.ItemDataRole.ToolTipRole and measure_id in self.context.computed:
                return self.tr("Comptage calculé par l'application : il ne se saisit pas.")
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        measure_id = self._measure(index)
        if (
            index.column() == COUNT
            and measure_id in self.context.measures
            and measure_id not in self.context.computed
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def held(self, index: Index) -> str | None:
        measure_id = self._measure(index)
        if measure_id is None or index.column() != COUNT:
            return None
        if measure_id in self.awaiting:
            return self.tr("Valeur inhabituelle à confirmer")
        return self.marks.reason(measure_id)

    def next_editable(self, index: Index) -> QModelIndex:
        for below in range(index.row() + 1, len(self.rows)):
            following = self.index(below, COUNT)
            if self.flags(following) & Qt.ItemFlag.ItemIsEditable:
                return following
        return QModelIndex()

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        measure_id = self.rows[index.row()].measure
        measure = self.context.measures[measure_id]
        text = "" if value is None else str(value)
        try:
            number = parse_entry(text, measure.unit)
        except EntryProblem as problem:
            self.refuse(measure_id, text, str(problem))
            return False
        self.marks.discard(measure_id)
        self.awaiting.pop(measure_id, None)
        entered = self.context.entered.get(measure_id)
        if number == self.pending.get(measure_id, entered):
            self.dataChanged.emit(index, index)
            return True
        unusual = None
        if number is not None and number != entered:
            previous = self.context.previous.get(measure_id)
            unusual = check_plausible(number, measure.plausible, previous)
        if unusual is not None:
            self.awaiting[measure_id] = unusual.value
            self.dataChanged.emit(index, index)
            self.unusual.emit(measure_id, unusual)
            return True
        self._save(measure_id, number, None)
        return True

    def _save(self, measure_id: str, number: float | None, justification: str | None) -> None:
        self.pending[measure_id] = number
        self._saved.discard(measure_id)
        self._changed(measure_id)
        self.edited.emit(measure_id, number, justification)

    def _changed(self, measure_id: str) -> None:
        for row, line in enumerate(self.rows):
            if line.measure == measure_id:
                self.dataChanged.emit(self.index(row, COUNT), self.index(row, COUNT))

    def index_of(self, measure_id: str) -> QModelIndex:
        for row, line in enumerate(self.rows):
            if line.measure == measure_id:
                return self.index(row, COUNT)
        return QModelIndex()

    def confirm(self, measure_id: str, justification: str) -> None:
        if measure_id in self.awaiting:
            self._save(measure_id, self.awaiting.pop(measure_id), justification)

    def unconfirmed(self, measure_id: str) -> None:
        if self.awaiting.pop(measure_id, None) is not None:
            self._changed(measure_id)

    def release(self, index: Index) -> None:
        """Escape on a refused value: the stored value shows again."""
        measure_id = self._measure(index)
        if measure_id is not None and self.marks.reason(measure_id) is not None:
            self.marks.discard(measure_id)
            self.dataChanged.emit(index, index)

    def refuse(self, measure_id: str, text: str, reason: str) -> None:
        self.pending.pop(measure_id, None)
        self.marks.set(measure_id, text, reason)
        self._changed(measure_id)
        self.refused.emit(measure_id, reason)

    def saved(self, measure_id: str, number: float | None) -> None:
        if measure_id in self.pending and self.pending[measure_id] == number:
            self._saved.add(measure_id)

    def drop_pending(self, measure_id: str) -> None:
        if self.pending.pop(measure_id, ...) is not ...:
            self._changed(measure_id)
