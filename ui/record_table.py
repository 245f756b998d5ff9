"""What every list screen shares: a table model over a plain list of core records, and a
read-only, row-selecting table view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex

# Rows a column's width is measured on (those in view, then up to this many): Qt's default is
# 1,000, each a Python data() call per column, which froze the window on large tables.
SIZING_SAMPLE_ROWS = 50


class RecordTableModel(QAbstractTableModel):
    """Rows are core records (frozen dataclasses); subclasses set headers and give `data()`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.headers: Sequence[str] = ()

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def record_table(model: QAbstractItemModel, *, sortable: bool = True) -> QTableView:
    """A read-only table selecting one whole row at a time."""
    table = QTableView()
    table.setModel(model)
    table.setSortingEnabled(sortable)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(SIZING_SAMPLE_ROWS)
    from ui.table_columns import attach

    attach(table)  # column chooser + whole text of a cut cell as its tooltip
    return table


def fit_height(table: QTableView, max_rows: int = 14) -> None:
    """Size `table` to show its rows (up to `max_rows`) without an empty band below."""
    model = table.model()
    rows = min(model.rowCount(), max_rows) if model is not None else 0
    if table.wordWrap():
        table.resizeRowsToContents()
    else:  # one line per row: those shown measured, the others alike (not hundreds measured)
        for row in range(rows):
            table.resizeRowToContents(row)
    row_height = table.verticalHeader().defaultSectionSize()
    if rows:
        row_height = max(table.rowHeight(r) for r in range(rows))
        if not table.wordWrap():
            table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    height = header.sizeHint().height() + max(rows, 1) * row_height + 2 * table.frameWidth() + 2
    if header.length() > table.viewport().width():  # a horizontal scroll bar takes a row
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)
