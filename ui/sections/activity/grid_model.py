"""The Saisie grid: every measure under its family, the value of the chosen period (typed in
place unless the application computes it), the value of year N-1 and the variance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from hospiperf_desktop.activity.catalog import Measure, MeasureCatalog
from hospiperf_desktop.activity.texts import format_delta, format_pct, format_value, origin_text
from hospiperf_desktop.activity.values import Resolved
from ui.record_table import Index, RecordTableModel
from ui.sections.activity.texts import (
    EntryProblem,
    direction_labels,
    parse_entry,
    period_labels,
    unit_labels,
)

if TYPE_CHECKING:
    from hospiperf_desktop.activity.service import ActivityService

INDICATOR, UNIT, VALUE, PREVIOUS, DELTA, DELTA_PCT, ORIGIN = range(7)
NUMBER_COLUMNS = (VALUE, PREVIOUS, DELTA, DELTA_PCT)
FAMILY_BACKGROUND = "#e4e8ee"
COMPUTED_FOREGROUND = "#555555"
PENDING_FOREGROUND = "#8a8a8a"


@dataclass(frozen=True)
class GridData:
    """What the grid shows for one establishment, year and period, read in one job."""

    catalog: MeasureCatalog
    year: int
    month: int  # 0: the whole year
    entered: dict[str, dict[int, float]]
    previous_entered: dict[str, dict[int, float]]
    resolved: dict[str, Resolved]
    previous: dict[str, Resolved]


def read_grid(values: ActivityService, establishment_id: int, year: int, month: int) -> GridData:
    """Run in the worker: the catalog, the values of `year` and of `year - 1`."""
    return GridData(
        catalog=values.catalog(),
        year=year,
        month=month,
        entered=values.entered(establishment_id, year),
        previous_entered=values.entered(establishment_id, year - 1) if month else {},
        resolved=values.resolved(establishment_id, year),
        previous=values.resolved(establishment_id, year - 1),
    )


@dataclass(frozen=True)
class FamilyRow:
    id: str
    label: str


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    value: float | None  # shown for the period
    entered: float | None  # typed for the period (what an edit starts from)
    previous: float | None
    computed: bool  # the application computes the year's value: not typed
    origin: str

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def delta_pct(self) -> float | None:
        delta = self.delta
        return delta / abs(self.previous) * 100 if delta is not None and self.previous else None


class ActivityGridModel(RecordTableModel):
    edited = Signal(str, int, object)  # measure id, month, new value (None: cleared)
    refused = Signal(str, str)  # measure id, why (in French)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.month = 0
        self.pending: dict[str, float | None] = {}  # typed, being saved
        self._units = unit_labels()
        self._directions = direction_labels()
        self._set_headers()

    def _set_headers(self) -> None:
        period = period_labels()[self.month].lower() if self.month else ""  # "mars 2026"
        shown = f"{period} {self.year}" if self.month else str(self.year or "")
        before = f"{period} {self.year - 1}" if self.month else str(self.year - 1)
        self.headers = [
            self.tr("Indicateur"),
            self.tr("Unité"),
            self.tr("Valeur %1").replace("%1", shown).strip(),
            self.tr("Valeur N-1 (%1)").replace("%1", before) if self.year else self.tr("N-1"),
            self.tr("Écart"),
            self.tr("Écart %"),
            self.tr("Origine"),
        ]

    # Loading ---------------------------------------------------------------------------

    def set_grid(self, data: GridData | None) -> None:
        self.beginResetModel()
        self.pending.clear()
        if data is None:
            self.rows = []
        else:
            self.year, self.month = data.year, data.month
            self._set_headers()
            self.rows = self._rows(data)
        self.endResetModel()

    def _rows(self, data: GridData) -> list[FamilyRow | MeasureRow]:
        rows: list[FamilyRow | MeasureRow] = []
        for family in data.catalog.families:
            rows.append(FamilyRow(family.id, family.label))
            rows += [self._measure_row(data, m) for m in family.measures]
        return rows

    def _measure_row(self, data: GridData, measure: Measure) -> MeasureRow:
        resolved = data.resolved[measure.id]
        entered = data.entered.get(measure.id, {}).get(data.month)
        if data.month == 0:
            previous = data.previous[measure.id].value
            origin = origin_text(resolved, data.catalog)
            return MeasureRow(measure, resolved.value, entered, previous, resolved.computed, origin)
        previous = data.previous_entered.get(measure.id, {}).get(data.month)
        if resolved.computed:  # computed for the year only
            origin = self.tr("%1 (valeur annuelle : voir « Année entière »)").replace(
                "%1", origin_text(resolved, data.catalog)
            )
            return MeasureRow(measure, None, None, previous, True, origin)
        origin = self.tr("Saisi") if entered is not None else self.tr("Non renseigné")
        return MeasureRow(measure, entered, entered, previous, False, origin)

    def index_of(self, measure_id: str, column: int = VALUE) -> QModelIndex:
        """The cell of `measure_id` in `column` (invalid if the grid does not list it)."""
        for row, record in enumerate(self.rows):
            if isinstance(record, MeasureRow) and record.measure.id == measure_id:
                return self.index(row, column)
        return QModelIndex()

    def family_rows(self) -> list[int]:
        return [r for r, record in enumerate(self.rows) if isinstance(record, FamilyRow)]

    def next_editable(self, row: int) -> QModelIndex:
        """The next value cell one may type in, below `row` (invalid at the end)."""
        for below in range(row + 1, len(self.rows)):
            index = self.index(below, VALUE)
            if self.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return index
        return QModelIndex()

    # Showing ---------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.rows[index.row()]
        if isinstance(record, FamilyRow):
            return self._family_data(record, index.column(), role)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(record) if column == VALUE else self._text(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and record.computed and column in (VALUE, ORIGIN):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == VALUE and record.measure.id in self.pending:
                return QBrush(QColor(PENDING_FOREGROUND))
            if record.computed and column in (VALUE, ORIGIN):
                return QBrush(QColor(COMPUTED_FOREGROUND))
        return None

    def _family_data(self, record: FamilyRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and column == INDICATOR:
            return record.label
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(FAMILY_BACKGROUND))
        return None

    def _text(self, record: MeasureRow, column: int) -> str:
        unit = record.measure.unit
        if column == INDICATOR:
            return record.measure.label
        if column == UNIT:
            return self._units.get(unit, unit)
        if column == VALUE:
            if record.measure.id in self.pending:
                return format_value(unit, self.pending[record.measure.id])
            return format_value(unit, record.value)
        if column == PREVIOUS:
            return format_value(unit, record.previous)
        if column == DELTA:
            return format_delta(unit, record.delta)
        if column == DELTA_PCT:
            return format_pct(record.delta_pct)
        return record.origin

    @staticmethod
    def _edit_text(record: MeasureRow) -> str:
        """What an edit starts from: the value typed for the period (never a sum of months,
        which would become a typed yearly value if the user only pressed Enter)."""
        if record.entered is None:
            return ""
        return f"{record.entered:g}".replace(".", ",")

    def _tooltip(self, record: MeasureRow, column: int) -> str | None:
        if column == INDICATOR:
            direction = self._directions.get(record.measure.direction, "")
            code = self.tr("Code (pour un fichier d'import) : %1").replace("%1", record.measure.id)
            return f"{record.measure.label}\n{direction}\n{code}"
        if column == VALUE and record.computed:
            return self.tr("Valeur calculée par l'application : elle ne se saisit pas.")
        if column == ORIGIN:
            return record.origin
        return None

    # Editing ---------------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        record = self.rows[index.row()]
        if isinstance(record, FamilyRow):
            return Qt.ItemFlag.ItemIsEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == VALUE and not record.computed:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Check the typed text; a good new value is asked to be saved (`edited`)."""
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        record = self.rows[index.row()]
        assert isinstance(record, MeasureRow)
        try:
            number = parse_entry("" if value is None else str(value), record.measure.unit)
        except EntryProblem as problem:
            self.refused.emit(record.measure.id, str(problem))
            return False
        if number == record.entered:
            return True
        self.pending[record.measure.id] = number
        self.dataChanged.emit(index, index)
        self.edited.emit(record.measure.id, self.month, number)
        return True

    def drop_pending(self, measure_id: str) -> None:
        """The save failed: show the stored value again."""
        if measure_id in self.pending:
            del self.pending[measure_id]
            index = self.index_of(measure_id)
            self.dataChanged.emit(index, index)
