"""Table model over a plain list of core `Establishment` records (no database access)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Qt

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.french import collation_text
from ui.labels import kind_labels
from ui.record_table import Index, RecordTableModel


class EstablishmentTableModel(RecordTableModel):
    COLUMNS = (
        "finess", "name", "kind", "region", "ght_name", "beds", "care_units", "overseas",
        "fictitious",
    )  # fmt: skip

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (
            self.tr("FINESS"),
            self.tr("Nom"),
            self.tr("Type"),
            self.tr("Région"),
            self.tr("GHT"),
            self.tr("Lits"),
            self.tr("UF"),
            self.tr("Outre-mer"),
            self.tr("Démo"),
        )
        self._kinds = kind_labels()

    def row_at(self, row: int) -> Establishment:
        record: Establishment = self.rows[row]
        return record

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        value = getattr(record, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, value)
        if role == Qt.ItemDataRole.UserRole:  # sort key, strings in French order
            if isinstance(value, str):
                return collation_text(self._display(column, value))
            return value if value is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("beds", "care_units"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, column: str, value: Any) -> str:
        if value is None:
            return ""
        if column == "kind":
            return self._kinds.get(value, value)
        if column == "overseas":
            return self.tr("Oui") if value else ""
        if column == "fictitious":
            return self.tr("fictif") if value else ""
        if isinstance(value, int):
            return QLocale().toString(value)
        return str(value)
