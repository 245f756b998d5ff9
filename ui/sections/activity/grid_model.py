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
from hospiperf_desktop.plausibility import Unusual, check_plausible
from ui.editable_table import NOT_MARKED, CellMarks
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
    # measure id, month, new value (None: cleared), justification (None: not unusual)
    edited = Signal(str, int, object, object)
    refused = Signal(str, str)  # measure id, why (in French)
    unusual = Signal(str, object)  # measure id, Unusual: asks the user to confirm and justify
    released = Signal(str)  # measure id: a refused value was given up (Escape)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.month = 0
        self.pending: dict[str, float | None] = {}  # typed, being saved
        self._saved: set[str] = set()  # pending values stored: the next load shows them
        self.awaiting: dict[str, float] = {}  # unusual values waiting for a justification
        self.marks = CellMarks()  # refused texts, by measure id
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

    def set_grid(self, data: GridData | None) -> bool:
        """Show `data`; returns whether the model was reset. The same grid reloaded (after a
        save) is updated in place, so that the current cell, an open editor and values still
        being saved or refused are kept."""
        rows = [] if data is None else self._rows(data)
        if data is not None and self._same_grid(data, rows):
            self.rows = rows
            for measure_id in self._saved:
                self.pending.pop(measure_id, None)
            self._saved.clear()
            # A range (never one cell) so that an open editor keeps what is being typed.
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1)
            )
            return False
        self.beginResetModel()
        self.pending.clear()
        self._saved.clear()
        self.awaiting.clear()
        self.marks.clear()
        if data is not None:
            self.year, self.month = data.year, data.month
            self._set_headers()
        self.rows = rows
        self.endResetModel()
        return True

    def _same_grid(self, data: GridData, rows: list[FamilyRow | MeasureRow]) -> bool:
        return (
            bool(self.rows)
            and (data.year, data.month) == (self.year, self.month)
            and [_key(r) for r in rows] == [_key(r) for r in self.rows]
        )

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

    def measure_at(self, index: Index) -> str | None:
        record = self.rows[index.row()] if index.isValid() else None
        return record.measure.id if isinstance(record, MeasureRow) else None

    def held(self, index: Index) -> str | None:
        """Why the cursor stays on this cell: a refused value, or one to confirm."""
        measure_id = self.measure_at(index)
        if measure_id is None or index.column() != VALUE:
            return None
        if measure_id in self.awaiting:
            return self.tr("Valeur inhabituelle à confirmer")
        return self.marks.reason(measure_id)

    def next_editable(self, index: Index) -> QModelIndex:
        """The next value cell one may type in, below `index` (invalid at the end)."""
        for below in range(index.row() + 1, len(self.rows)):
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
        if column == VALUE:
            marked = self.marks.data(record.measure.id, role)
            if marked is not NOT_MARKED:
                return marked
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
            if column == VALUE and self._typed(record.measure.id):
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
            measure_id = record.measure.id
            if measure_id in self.awaiting:
                return format_value(unit, self.awaiting[measure_id])
            if measure_id in self.pending:
                return format_value(unit, self.pending[measure_id])
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

    def _typed(self, measure_id: str) -> bool:
        return measure_id in self.pending or measure_id in self.awaiting

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Check the typed text: a refused one stays in the cell, marked with the reason; an
        unusual one waits for a justification (`unusual`); a good new one is saved (`edited`).
        """
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        record = self.rows[index.row()]
        assert isinstance(record, MeasureRow)
        measure_id, text = record.measure.id, "" if value is None else str(value)
        try:
            number = parse_entry(text, record.measure.unit)
        except EntryProblem as problem:
            self.refuse(measure_id, text, str(problem))
            return False
        self.marks.discard(measure_id)
        self.awaiting.pop(measure_id, None)
        current = self.pending.get(measure_id, record.entered)
        if number == current:
            self.dataChanged.emit(index, index)
            return True
        unusual = None if number is None else self._unusual(record, number)
        if unusual is not None:
            self.awaiting[measure_id] = unusual.value
            self.dataChanged.emit(index, index)
            self.unusual.emit(measure_id, unusual)
            return True
        self._save(measure_id, number, None)
        return True

    def _unusual(self, record: MeasureRow, number: float) -> Unusual | None:
        """As the service decides (same range, same N-1 value)."""
        if number == record.entered:
            return None
        return check_plausible(number, record.measure.plausible, record.previous)

    def _save(self, measure_id: str, number: float | None, justification: str | None) -> None:
        self.pending[measure_id] = number
        self._saved.discard(measure_id)
        index = self.index_of(measure_id)
        self.dataChanged.emit(index, index)
        self.edited.emit(measure_id, self.month, number, justification)

    def confirm(self, measure_id: str, justification: str) -> None:
        """The user confirmed an unusual value with a justification: save it."""
        if measure_id in self.awaiting:
            self._save(measure_id, self.awaiting.pop(measure_id), justification)

    def unconfirmed(self, measure_id: str) -> None:
        """The user did not confirm: the stored value shows again."""
        if self.awaiting.pop(measure_id, None) is not None:
            index = self.index_of(measure_id)
            self.dataChanged.emit(index, index)

    def release(self, index: Index) -> None:
        """Escape on a refused value: the stored value shows again."""
        measure_id = self.measure_at(index)
        if measure_id is not None and self.marks.reason(measure_id) is not None:
            self.marks.discard(measure_id)
            self.dataChanged.emit(index, index)
            self.released.emit(measure_id)

    def refuse(self, measure_id: str, text: str, reason: str) -> None:
        """A refused value stays in its cell, marked, with the reason as its tooltip."""
        self.pending.pop(measure_id, None)
        self.marks.set(measure_id, text, reason)
        index = self.index_of(measure_id)
        self.dataChanged.emit(index, index)
        self.refused.emit(measure_id, reason)

    def saved(self, measure_id: str, number: float | None) -> None:
        """The save of `number` succeeded; the next load replaces it by the stored value."""
        if measure_id in self.pending and self.pending[measure_id] == number:
            self._saved.add(measure_id)

    def drop_pending(self, measure_id: str) -> None:
        """The save failed: show the stored value again."""
        if measure_id in self.pending:
            del self.pending[measure_id]
            index = self.index_of(measure_id)
            self.dataChanged.emit(index, index)


def _key(row: FamilyRow | MeasureRow) -> tuple[str, str, bool]:
    """What makes two loads the same grid: the same lines, each typed or computed alike."""
    if isinstance(row, FamilyRow):
        return ("family", row.id, False)
    return ("measure", row.measure.id, row.computed)
