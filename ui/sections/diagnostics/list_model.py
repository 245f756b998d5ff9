"""Table model over the core's `DiagnosticSummary` records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from hospiperf_desktop.diagnostics.records import DiagnosticSummary
from hospiperf_desktop.french import collation_text
from ui.labels import datetime_text, score_text
from ui.record_table import Index, RecordTableModel


class DiagnosticTableModel(RecordTableModel):
    COLUMNS = (
        "establishment",
        "questionnaire",
        "label",
        "status",
        "completion",
        "score",
        "updated",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (
            self.tr("Établissement"),
            self.tr("Questionnaire"),
            self.tr("Libellé"),
            self.tr("Statut"),
            self.tr("Complétude"),
            self.tr("Score"),
            self.tr("Modifié le"),
        )
        self._given: list[DiagnosticSummary] = []
        self.order: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._given = list(rows)
        super().set_rows(self._sorted())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python, one key per row, from the order given (as a stable proxy sort
        would): a proxy asked data() twice per comparison, ~16,000 calls on the GUI thread
        for each listing of 1,000 diagnostics."""
        self.order = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = {id(row): n for n, row in enumerate(self.rows)}
        self.rows = self._sorted()
        moved = {before[id(row)]: n for n, row in enumerate(self.rows)}
        persistent = self.persistentIndexList()
        after = [self.index(moved.get(i.row(), i.row()), i.column()) for i in persistent]
        self.changePersistentIndexList(persistent, after)
        self.layoutChanged.emit()

    def _sorted(self) -> list[DiagnosticSummary]:
        column, order = self.order
        if not 0 <= column < len(self.COLUMNS):
            return list(self._given)
        name = self.COLUMNS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(self._given, key=lambda row: self._sort_key(row, name), reverse=descending)

    def row_at(self, row: int) -> DiagnosticSummary:
        summary: DiagnosticSummary = self.rows[row]
        return summary

    def row_of(self, diagnostic_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == diagnostic_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("completion", "score"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: DiagnosticSummary, column: str) -> str:
        if column == "establishment":
            return f"{row.establishment_name} ({row.establishment_finess})"
        if column == "questionnaire":
            return f"{row.template_title} (v{row.template_version})"
        if column == "label":
            return row.label
        if column == "status":
            return self.tr("Validé") if row.locked else self.tr("En cours")
        if column == "completion":
            return score_text(row.completion)
        if column == "score":
            return score_text(row.score)
        return datetime_text(row.updated_at)

    def _sort_key(self, row: DiagnosticSummary, column: str) -> Any:
        if column == "completion":
            return row.completion
        if column == "score":
            return -1.0 if row.score is None else row.score
        if column == "updated":
            return row.updated_at.isoformat()
        return collation_text(self._display(row, column))


class DiagnosticFilter(QSortFilterProxyModel):
    """Keeps the rows holding the search text (any column, ignoring case); the source sorts
    its rows and this proxy keeps their order."""

    def __init__(self, source: DiagnosticTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self._source = source

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)
        super().sort(-1)

    def sortColumn(self) -> int:
        return self._source.order[0]

    def sortOrder(self) -> Qt.SortOrder:
        return self._source.order[1]
