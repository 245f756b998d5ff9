"""What the Stocks tabs share: French number formats, a table model described column by
column, and a proxy that sorts on true values and filters by text and by a predicate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QStyledItemDelegate, QTableView

from hospiperf_desktop.french import NBSP, collation_text, without_accents
from ui.record_table import SIZING_SAMPLE_ROWS, Index, RecordTableModel, record_table
from ui.table_columns import FullTextDelegate

RISK_BACKGROUND = "#fbe3e0"  # light red: a product at risk of running out
ABOVE_TARGET_BACKGROUND = "#fff1d6"  # light amber: more stock than the target coverage
TOTAL_BACKGROUND = "#eceff3"
UNIT_PRICE_DECIMALS = 5  # hospital unit prices go down to a ten-thousandth of a euro


def number(value: float | None, decimals: int = 0) -> str:
    """1234.5 → '1 234,5' in the user's locale; None → '—'."""
    if value is None:
        return "—"
    return QLocale().toString(float(value), "f", decimals)


def euros(value: float | None) -> str:
    return "—" if value is None else number(value, 2) + NBSP + "€"


def unit_price(value: float | None) -> str:
    """A unit price with its significant decimals: 0.0235 → '0,0235 €', 12.5 → '12,50 €'."""
    if value is None:
        return "—"
    text = number(value, UNIT_PRICE_DECIMALS)
    point = QLocale().decimalPoint()
    whole, _, decimals = text.rpartition(point)
    decimals = decimals.rstrip("0").ljust(2, "0")
    return whole + point + decimals + NBSP + "€"


def weeks(value: float | None) -> str:
    return "—" if value is None else number(value, 1)


def day_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def yes(flag: bool) -> str:
    return QCoreApplication.translate("stock", "oui") if flag else ""


@dataclass(frozen=True)
class Column:
    """One column: its heading, its text, and what it sorts on (default: the text)."""

    header: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    right: bool = False  # numbers are right-aligned
    tip: str = ""


class ColumnsTableModel(RecordTableModel):
    """Rows are core records; columns are `Column`s; `style` may mark a row bold or coloured."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.headers = [c.header for c in self.columns]
        self.bold: Callable[[Any], bool] = lambda _row: False
        self.background: Callable[[Any, int], str | None] = lambda _row, _column: None
        self.tooltips = False
        self._given: list[Any] = []  # kept alive: their ids give the order given
        self._position: dict[int, int] = {}
        self._order: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._given = list(rows)
        self._position = {id(row): n for n, row in enumerate(self._given)}
        super().set_rows(self._sorted(self._given))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in Python, one key per row: a proxy sorting 2,000 rows asks data()
        twice per comparison (~44,000 calls) on the GUI thread."""
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = {id(row): n for n, row in enumerate(self.rows)}
        self.rows = self._sorted(self.rows)
        moved = {before[id(row)]: n for n, row in enumerate(self.rows)}
        persistent = self.persistentIndexList()
        after = [self.index(moved.get(i.row(), i.row()), i.column()) for i in persistent]
        self.changePersistentIndexList(persistent, after)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[Any]) -> list[Any]:
        column, order = self._order
        if not 0 <= column < len(self.columns):
            return sorted(rows, key=lambda row: self._position.get(id(row), len(rows)))
        spec = self.columns[column]
        key = spec.sort or (lambda row: collation_text(spec.text(row)))
        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.beginResetModel()
        self.columns = list(columns)
        self.headers = [c.header for c in self.columns]
        self.endResetModel()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].tip or None
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and self.tooltips:
            return column.text(row) or None  # the whole text of a cut cell
        if role == Qt.ItemDataRole.UserRole:
            return column.sort(row) if column.sort is not None else collation_text(column.text(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.bold(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self.background(row, index.column())
            return QBrush(QColor(colour)) if colour else None
        return None


def sort_number(value: float | None) -> float:
    """Sort key of a number that may be missing: missing ones last when ascending."""
    return float("inf") if value is None else float(value)


class RecordFilter(QSortFilterProxyModel):
    """Sorts on each column's true value; keeps the rows that match the search text (any
    column, ignoring case and accents) and the predicate."""

    def __init__(self, source: ColumnsTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self._source = source
        self._order: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._search = ""
        self._predicate: Callable[[Any], bool] | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The source sorts its rows (one key per row); this proxy keeps their order."""
        self._order = (column, order)
        self._source.sort(column, order)
        super().sort(-1)

    def sortColumn(self) -> int:
        return self._order[0]

    def sortOrder(self) -> Qt.SortOrder:
        return self._order[1]

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_search", without_accents(text.strip())))

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self._refilter(lambda: setattr(self, "_predicate", predicate))

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() (now deprecated) by this pair.
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def filterAcceptsRow(
        self,
        source_row: int,
        source_parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        record = self._source.rows[source_row]
        if self._predicate is not None and not self._predicate(record):
            return False
        if not self._search:
            return True
        return any(self._search in without_accents(c.text(record)) for c in self._source.columns)

    def record(self, proxy_row: int) -> Any:
        return self._source.rows[self.mapToSource(self.index(proxy_row, 0)).row()]


def stock_table(proxy: RecordFilter, stretch: int | None = None) -> QTableView:
    table = record_table(proxy)
    table.setWordWrap(False)
    if stretch is not None:
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fit_columns(
    table: QTableView, caps: dict[int, int] | None = None, stretch: int | None = None
) -> None:
    """Each column as wide as its heading (lines of it) and its cells (those in view), at most
    `caps[column]` pixels; column `stretch` (else the last) takes what is left. For wide
    tables with two-line headings."""
    header = table.horizontalHeader()
    model = table.model()
    metrics = header.fontMetrics()
    caps = caps or {}
    last = model.columnCount() - 1
    # All at once: a column left sizing to its contents re-measures its cells each time
    # another one is resized (a few rows each: see record_table.SIZING_SAMPLE_ROWS).
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    measured = text_widths(table)
    for column in range(last + 1):
        text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        heading = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 16
        # The last column takes the room left (its long texts are cut, whole in tooltips).
        # (+8: measured widths of bold text with narrow spaces fall a few pixels short.)
        content = (measured[column] if measured else table.sizeHintForColumn(column)) + 8
        width = heading if column == last and stretch is None else max(heading, content)
        header.resizeSection(column, min(width, caps.get(column, width)))
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def text_widths(table: QTableView) -> list[int] | None:
    """What `table.sizeHintForColumn` gives for each column of a `ColumnsTableModel` (shown
    directly or through a proxy), measured on the texts of its first SIZING_SAMPLE_ROWS rows
    as shown, bold where the model says; None for another model or a delegate of its own.

    Qt asks the delegate, which asks `data()` for every role of every sampled cell (a
    reorder table of 2,000 products: 5,600 Python calls, 60 ms on the GUI thread); the widths
    only depend on the texts and fonts."""
    model = table.model()
    source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
    if not isinstance(source, ColumnsTableModel) or type(table.itemDelegate()) not in (
        QStyledItemDelegate,
        FullTextDelegate,
    ):
        return None
    shown = min(model.rowCount(), SIZING_SAMPLE_ROWS)
    if model is source:
        rows = source.rows[:shown]
    else:
        rows = [source.rows[model.mapToSource(model.index(r, 0)).row()] for r in range(shown)]
    grid = 1 if table.showGrid() else 0  # the grid line Qt adds to each column
    if not rows:
        return [grid] * model.columnCount()  # as Qt: nothing measured
    plain = table.fontMetrics()
    bold_font = QFont(table.font())
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    fonts = [bold if source.bold(row) else plain for row in rows]
    # The delegate's text margin on each side.
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + grid
    return [
        max(
            font.horizontalAdvance(line)
            for row, font in zip(rows, fonts, strict=True)
            for line in column.text(row).split("\n")
        )
        + margin
        for column in source.columns
    ]


def selected_record(table: QTableView, proxy: RecordFilter) -> Any | None:
    rows = table.selectionModel().selectedRows()
    return proxy.record(rows[0].row()) if rows else None
