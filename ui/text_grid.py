"""A table of typed texts and check boxes, shown in an `EditableTable`: the calculators' tables
(carbon families, logistics establishments) whose values are read as a whole when the user
computes, but typed as in the activity grid.

Each cell is checked as it is typed (its column's `check`): a refused text stays in its cell,
marked with the reason (`CellMarks`), and the cursor stays on it; Escape brings the last
accepted text back. What is kept is the text as typed, read by the screen when it computes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui.editable_table import NOT_MARKED, CellMarks, EditableTable, KeepTypingDelegate
from ui.table_columns import FullTextDelegate

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _TypedTextDelegate(KeepTypingDelegate, FullTextDelegate):
    """Keeps what is being typed, and shows a cut cell's whole text when hovered."""


def text_grid_table(model: TextGridModel) -> EditableTable:
    """The table a `TextGridModel` is typed in."""
    table = EditableTable(model)
    table.setItemDelegate(_TypedTextDelegate(table))
    table.verticalHeader().hide()
    return table


@dataclass(frozen=True)
class TextColumn:
    key: str
    heading: str
    editable: bool = True
    flag: bool = False  # a check box, not a text
    right: bool = False  # numbers are right-aligned
    tip: str = ""
    # Raises ValueError (EntryProblem) saying in French why a typed text is refused.
    check: Callable[[str], object] | None = None


class TextGridModel(QAbstractTableModel):
    refused = Signal(int, int, str)  # row, column, reason
    marks_changed = Signal()  # a cell was refused, or is no longer
    edited = Signal()  # the user changed a cell (typed, ticked)

    def __init__(self, columns: Sequence[TextColumn], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.tips: dict[tuple[int, int], str] = {}  # (row, column) → a cell's own tooltip
        self.marks = CellMarks()
        self._rows: list[list[Any]] = []
        self._ids: list[int] = []  # a row's key for its marks, stable when a row is removed
        self._next_id = 0

    # Qt's model API ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].heading
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].tip or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.columns[index.column()]
        if column.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable if column.flag else Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        column = self.columns[col]
        if role == Qt.ItemDataRole.ToolTipRole and not self.marks.reason(self._key(row, col)):
            return self.tips.get((row, col), column.tip) or None
        if column.flag:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if self._rows[row][col] else Qt.CheckState.Unchecked
            return None
        marked = self.marks.data(self._key(row, col), role)
        if marked is not NOT_MARKED:
            return marked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[row][col]
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return _RIGHT
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self.flags(index) & (Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable):
            return False
        row, col = index.row(), index.column()
        if self.columns[col].flag:
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            self._rows[row][col] = Qt.CheckState(value) == Qt.CheckState.Checked
            return self._changed(index)
        if role != Qt.ItemDataRole.EditRole:
            return False
        text = "" if value is None else str(value)
        key = self._key(row, col)
        check = self.columns[col].check
        try:
            if check is not None:
                check(text)
        except ValueError as problem:
            self.marks.set(key, text, str(problem))
            self.dataChanged.emit(index, index)
            self.marks_changed.emit()
            self.refused.emit(row, col, str(problem))
            return False
        was_refused = self.marks.reason(key) is not None
        self.marks.discard(key)
        self._rows[row][col] = text
        if was_refused:
            self.marks_changed.emit()
        return self._changed(index)

    def _changed(self, index: Index) -> bool:
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    # What EditableTable asks -------------------------------------------------------------

    def held(self, index: Index) -> str | None:
        return (
            self.marks.reason(self._key(index.row(), index.column())) if index.isValid() else None
        )

    def release(self, index: Index) -> None:
        """Escape on a refused text: the last accepted one shows again."""
        key = self._key(index.row(), index.column())
        if self.marks.reason(key) is not None:
            self.marks.discard(key)
            self.dataChanged.emit(index, index)
            self.marks_changed.emit()

    def next_editable(self, index: Index) -> QModelIndex:
        """Enter: the same column, one row down (as in the activity grid)."""
        below = index.row() + 1
        if self._typed(index.column()) and below < len(self._rows):
            return self.index(below, index.column())
        return QModelIndex()

    def next_across(self, index: Index) -> QModelIndex:
        """Tab: the next typed cell to the right, then on the next row."""
        cells = len(self.columns)
        for position in range(index.row() * cells + index.column() + 1, len(self._rows) * cells):
            row, col = divmod(position, cells)
            if self._typed(col):
                return self.index(row, col)
        return QModelIndex()

    def _typed(self, col: int) -> bool:
        return self.columns[col].editable and not self.columns[col].flag

    # For the screens ---------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Sequence[Any]], tips: dict[tuple[int, int], str]) -> None:
        had_refusals = bool(self.refusals())
        self.beginResetModel()
        self._rows = [list(cells) for cells in rows]
        self._ids = list(range(self._next_id, self._next_id + len(rows)))
        self._next_id += len(rows)
        self.tips = dict(tips)
        self.marks.clear()
        self.endResetModel()
        if had_refusals:
            self.marks_changed.emit()

    def append_row(self, cells: Sequence[Any]) -> None:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(list(cells))
        self._ids.append(self._next_id)
        self._next_id += 1
        self.endInsertRows()

    def remove_row(self, row: int) -> None:
        had_refusals = any(r == row for r, _c, _why in self.refusals())
        self.beginRemoveRows(QModelIndex(), row, row)
        for col in range(len(self.columns)):
            self.marks.discard(self._key(row, col))
        del self._rows[row]
        del self._ids[row]
        self.tips = {(r - (r > row), c): t for (r, c), t in self.tips.items() if r != row}
        self.endRemoveRows()
        if had_refusals:
            self.marks_changed.emit()

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def text(self, row: int, key: str) -> str:
        """A cell as shown: the refused text if it was refused, else the accepted one."""
        col = self.column(key)
        marked = self.marks.data(self._key(row, col), Qt.ItemDataRole.EditRole)
        return str(self._rows[row][col] if marked is NOT_MARKED else marked)

    def checked(self, row: int, key: str) -> bool:
        return bool(self._rows[row][self.column(key)])

    def set_text(self, row: int, key: str, text: str) -> bool:
        """As if typed: checked, refused or kept."""
        return self.setData(self.index(row, self.column(key)), text)

    def set_checked(self, row: int, key: str, checked: bool) -> bool:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return self.setData(
            self.index(row, self.column(key)), state, Qt.ItemDataRole.CheckStateRole
        )

    def refusals(self) -> list[tuple[int, int, str]]:
        """Every refused cell still marked: (row, column, reason), in table order."""
        found = []
        for row in range(len(self._rows)):
            for col in range(len(self.columns)):
                reason = self.marks.reason(self._key(row, col))
                if reason is not None:
                    found.append((row, col, reason))
        return found

    def _key(self, row: int, col: int) -> tuple[int, int]:
        return (self._ids[row], col)
