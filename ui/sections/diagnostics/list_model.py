"""Table model over the core's `DiagnosticSummary` records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

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
        # Sort keys by (row, column): the proxy asks for them twice per comparison, ~20,000
        # times to sort 1,000 diagnostics, and a French collation key is not cheap.
        self._keys: dict[tuple[int, int], Any] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._keys = {}
        super().set_rows(rows)

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
            cell = (index.row(), index.column())
            if cell not in self._keys:
                self._keys[cell] = self._sort_key(row, column)
            return self._keys[cell]
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
