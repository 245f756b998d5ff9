"""Saisie: the activity values of the chosen year or month, typed in the grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.establishments.model import Establishment
from ui.messages import error_text
from ui.sections.activity.grid_model import (
    INDICATOR,
    ORIGIN,
    ActivityGridModel,
    GridData,
    read_grid,
)
from ui.sections.activity.tab import ActivityTab
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

INDICATOR_MIN_WIDTH, INDICATOR_MAX_WIDTH = 260, 430
ORIGIN_MIN_TEXT = "Non renseigné"
PROBLEM_STYLE = "color: #8a1c1c; font-weight: 600;"


class EntryView(ActivityTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.model = ActivityGridModel(self)
        self.model.edited.connect(self._save)
        self.model.refused.connect(lambda _measure, why: self.show_problem(why))
        self.table = QTableView()
        self.table.setModel(self.model)
        # After the view's own handling of a reset, so that it measures the new rows.
        self.model.modelReset.connect(self._layout_rows)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Enter saves the value and goes to the next one, as in a spreadsheet.
        self.table.itemDelegate().closeEditor.connect(self._editor_closed)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        help_text = QLabel(
            self.tr(
                "Tapez une valeur dans la colonne Valeur (ou double-cliquez), Entrée pour passer "
                "à la suivante ; une cellule vidée efface la valeur. Les valeurs en italique "
                "sont calculées par l'application à partir des autres modules."
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
        self.model.set_grid(data)
        self.loaded.emit()

    def clear(self) -> None:
        self.problem.hide()
        self.model.set_grid(None)

    def _layout_rows(self) -> None:
        self.table.clearSpans()
        for row in self.model.family_rows():
            self.table.setSpan(row, 0, 1, self.model.columnCount())
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        # Long labels are cut (whole in their tooltip) before the origin is squeezed out.
        cap = max(INDICATOR_MIN_WIDTH, min(INDICATOR_MAX_WIDTH, self.table.viewport().width() // 3))
        header.resizeSection(INDICATOR, min(header.sectionSize(INDICATOR), cap))
        # The origin takes the room left (a stretched last section never scrolls sideways).
        header.resizeSection(ORIGIN, header.fontMetrics().horizontalAdvance(ORIGIN_MIN_TEXT))

    def _editor_closed(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint != QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            return
        following = self.model.next_editable(self.table.currentIndex().row())
        if following.isValid():
            self.table.setCurrentIndex(following)
            self.table.scrollTo(following)

    # Saving ----------------------------------------------------------------------------

    def _save(self, measure_id: str, month: int, value: float | None) -> None:
        services, establishment, year = self.services, self.establishment, self.year
        if establishment is None:
            return
        self.problem.hide()

        def failed(err: BaseException) -> None:
            self.model.drop_pending(measure_id)
            if isinstance(err, ValidationError):
                self.show_problem(error_text(err))
            else:
                show_error(self, err)

        self._runner.run(
            lambda _p: services.activity.values.set_values(
                establishment.id, year, {(measure_id, month): value}
            ),
            on_success=lambda _count: self.changed.emit(),
            on_failure=failed,
        )

    def show_problem(self, text: str) -> None:
        """A refused value: said above the grid, the cell keeps its stored value."""
        self.problem.setText(text)
        self.problem.show()
        self.status(text)

    def select_measure(self, measure_id: str) -> None:
        index = self.model.index_of(measure_id)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
