"""Saisie: the activity values of the chosen year or month, typed in the grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.establishments.model import Establishment
from ui.editable_table import EditableTable
from ui.messages import error_text
from ui.sections.activity.grid_model import (
    INDICATOR,
    ORIGIN,
    VALUE,
    ActivityGridModel,
    GridData,
    MeasureRow,
    read_grid,
)
from ui.sections.activity.tab import ActivityTab
from ui.sections.activity.texts import period_labels
from ui.sections.activity.unusual_dialog import UnusualValueDialog
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

INDICATOR_MIN_WIDTH, INDICATOR_MAX_WIDTH = 260, 430
ORIGIN_MIN_TEXT = "Non renseigné"
MEASURED_CELLS = 5  # of each column, the widest texts (see _content_width)
PROBLEM_STYLE = "color: #8a1c1c; font-weight: 600;"


class EntryView(ActivityTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.dialog: UnusualValueDialog | None = None
        self._current: tuple[str | None, int] = (None, VALUE)  # kept across a reset
        self.model = ActivityGridModel(self)
        self.model.edited.connect(self._save)
        self.model.refused.connect(lambda _measure, why: self.show_problem(why))
        self.model.unusual.connect(self._ask_confirmation)
        self.model.released.connect(lambda _measure: self.problem.hide())
        # Enter saves the value and goes to the next one, as in a spreadsheet.
        self.table = EditableTable(self.model)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        # After the view's own handling of a reset, so that it measures the new rows.
        self.model.modelReset.connect(self._layout_rows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        help_text = QLabel(
            self.tr(
                "Tapez une valeur dans la colonne Valeur, Entrée l'enregistre et passe à la "
                "suivante ; une cellule vidée efface la valeur. Une valeur refusée reste en rouge "
                "(la raison en info-bulle) ; une valeur inhabituelle demande une justification. "
                "Les valeurs en italique sont calculées à partir des autres modules."
            )
        )
        help_text.setWordWrap(True)
        help_text.setObjectName("itemHelp")
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)

    def load(self, services: Services, establishment: Establishment) -> None:
        year, month = self.year, self.month
        self.run_current(
            lambda _p: read_grid(services.activity.values, establishment.id, year, month),
            self._show,
        )

    def _show(self, data: GridData) -> None:
        reset = self.model.set_grid(data)
        if not reset:  # updated in place: new numbers may need wider columns
            self._fit_columns()
        self.loaded.emit()

    def clear(self) -> None:
        self.problem.hide()
        self.model.set_grid(None)

    def _layout_rows(self) -> None:
        self.table.clearSpans()
        for row in self.model.family_rows():
            self.table.setSpan(row, 0, 1, self.model.columnCount())
        self._fit_columns()
        self._restore_current()

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, self._content_width(column))
        # Long labels are cut (whole in their tooltip) before the origin is squeezed out.
        cap = max(INDICATOR_MIN_WIDTH, min(INDICATOR_MAX_WIDTH, self.table.viewport().width() // 3))
        header.resizeSection(INDICATOR, min(header.sectionSize(INDICATOR), cap))
        # The origin takes the room left (a stretched last section never scrolls sideways).
        header.resizeSection(ORIGIN, header.fontMetrics().horizontalAdvance(ORIGIN_MIN_TEXT))

    def _content_width(self, column: int) -> int:
        """What `resizeColumnToContents` gives, with Qt measuring only the cells whose text
        is among the widest: measuring every cell asked data() for each of its roles, ~8
        Python calls a cell, and froze the window on each load of a large grid."""
        model, table = self.model, self.table
        metrics = table.fontMetrics()
        widths = sorted(
            (metrics.horizontalAdvance(str(model.data(model.index(row, column)) or "")), row)
            for row in range(model.rowCount())
        )
        # A few more than the widest: italic (computed) and bold (family) texts differ a little.
        widest = [row for _width, row in widths[-MEASURED_CELLS:]]
        cells = (table.sizeHintForIndex(model.index(row, column)).width() for row in widest)
        content = max(cells, default=0) + (1 if table.showGrid() else 0)
        return max(content, table.horizontalHeader().sectionSizeHint(column))

    def _remember_current(self) -> None:
        index = self.table.currentIndex()
        self._current = (self.model.measure_at(index), index.column() if index.isValid() else VALUE)

    def _restore_current(self) -> None:
        """The same measure's cell is current again after the grid was rebuilt."""
        measure_id, column = self._current
        if measure_id is not None:
            index = self.model.index_of(measure_id, column)
            if index.isValid():
                self.table.setCurrentIndex(index)

    # Saving ----------------------------------------------------------------------------

    def _save(
        self, measure_id: str, month: int, value: float | None, justification: str | None
    ) -> None:
        services, establishment, year = self.services, self.establishment, self.year
        if establishment is None:
            return
        self.problem.hide()

        def saved(_count: int) -> None:
            self.model.saved(measure_id, value)
            self.changed.emit()

        def failed(err: BaseException) -> None:
            from hospiperf_desktop.activity.unusual import UnusualValuesError

            if isinstance(err, UnusualValuesError) and err.values and justification is None:
                self.model.awaiting[measure_id] = value if value is not None else 0.0
                self.model.drop_pending(measure_id)  # the service knew better: ask now
                self._ask_confirmation(measure_id, err.values[0])
            elif isinstance(err, ValidationError):
                text = "" if value is None else f"{value:g}".replace(".", ",")
                self.model.refuse(measure_id, text, error_text(err))
            else:
                self.model.drop_pending(measure_id)
                show_error(self, err)

        self._runner.run(
            lambda _p: services.activity.values.set_values(
                establishment.id, year, {(measure_id, month): value}, justification
            ),
            on_success=saved,
            on_failure=failed,
        )

    def _ask_confirmation(self, measure_id: str, unusual: object) -> None:
        """An unusual value: the user confirms it with a justification, or keeps the old one.

        Opened once the editor has closed, so that the dialog takes the keyboard."""
        index = QPersistentModelIndex(self.model.index_of(measure_id))
        QTimer.singleShot(0, lambda: self._open_confirmation(measure_id, unusual, index))

    def _open_confirmation(
        self, measure_id: str, unusual: object, index: QPersistentModelIndex
    ) -> None:
        if measure_id not in self.model.awaiting or not index.isValid():
            return
        record = self.model.rows[index.row()]
        assert isinstance(record, MeasureRow)
        period = period_labels()[self.month].lower() if self.month else ""
        when = f"{period} {self.year}".strip()
        dialog = UnusualValueDialog(record.measure, unusual, when, self)  # type: ignore[arg-type]
        self.dialog = dialog

        def done(result: int) -> None:
            self.dialog = None
            if result == UnusualValueDialog.DialogCode.Accepted:
                self.model.confirm(measure_id, dialog.text())
                self.table.move_on(QModelIndex(index))
            else:
                self.model.unconfirmed(measure_id)
                self.table.setCurrentIndex(QModelIndex(index))
            self.table.setFocus()
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    def show_problem(self, text: str) -> None:
        """A refused value: said above the grid too (the cell keeps what was typed)."""
        self.problem.setText(text)
        self.problem.show()
        self.status(text)

    def select_measure(self, measure_id: str) -> None:
        index = self.model.index_of(measure_id)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
