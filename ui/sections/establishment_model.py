"""Table model over a plain list of core `Establishment` records (no database access)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt

from hospiperf_desktop.establishments.model import Establishment
from ui.labels import kind_labels

Index = QModelIndex | QPersistentModelIndex


class EstablishmentTableModel(QAbstractTableModel):
    COLUMNS = ("finess", "name", "kind", "region", "ght_name", "beds", "care_units", "overseas")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Establishment] = []
        self._headers = {
            "finess": self.tr("FINESS"),
            "name": self.tr("Nom"),
            "kind": self.tr("Type"),
            "region": self.tr("Région"),
            "ght_name": self.tr("GHT"),
            "beds": self.tr("Lits"),
            "care_units": self.tr("UF"),
            "overseas": self.tr("Outre-mer"),
        }
        self._kinds = kind_labels()

    def set_rows(self, rows: list[Establishment]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Establishment:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.COLUMNS[section]]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        value = getattr(record, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, value)
        if role == Qt.ItemDataRole.UserRole:  # sort key
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
        if isinstance(value, int):
            return QLocale().toString(value)
        return str(value)
