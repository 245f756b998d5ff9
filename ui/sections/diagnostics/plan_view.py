"""The action plan of a diagnostic: sorted by priority, each entry followed over time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.planning import ActionStatus, Priority
from hospiperf_desktop.diagnostics.records import PlanEntry, PlanEntryChange
from hospiperf_desktop.diagnostics.template import Delay, Difficulty, Interest, Template
from hospiperf_desktop.diagnostics.texts import format_date
from ui.forms import DateField, FormDialog, form_dialog
from ui.labels import action_status_labels, priority_labels
from ui.record_table import Index, RecordTableModel, record_table
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class PlanTableModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (
            self.tr("Priorité"),
            self.tr("Item"),
            self.tr("Action"),
            self.tr("Intérêt / difficulté / délai"),
            self.tr("Indicateur de suivi"),
            self.tr("Responsable"),
            self.tr("Échéance"),
            self.tr("Statut"),
        )
        self._priorities = priority_labels()
        self._statuses = action_status_labels()

    def row_at(self, row: int) -> PlanEntry:
        entry: PlanEntry = self.rows[row]
        return entry

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        entry = self.row_at(index.row())
        priority = self._priorities[entry.priority]
        if entry.priority_overridden:
            priority += " *"
        critical = self.tr(" (critique)") if entry.critical else ""
        values = (
            priority,
            entry.item_id + critical,
            entry.text,
            f"{entry.interest.value} / {entry.difficulty.value} / {entry.delay.value}",
            entry.indicator,
            entry.owner,
            format_date(entry.due_date),
            self._statuses[entry.status],
        )
        return values[index.column()]


class PlanEntryDialog(FormDialog):
    """Edit who carries an action, by when, where it stands and its priority."""

    def __init__(self, entry: PlanEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Action du plan — item %1").replace("%1", entry.item_id))
        text = QLabel(entry.text)
        text.setWordWrap(True)
        self.owner = QLineEdit(entry.owner)
        self.has_due = QCheckBox(self.tr("Échéance"))
        self.due = DateField(entry.due_date)
        if entry.due_date:
            self.has_due.setChecked(True)
        else:
            self.due.set_date(date.today() + timedelta(days=91))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.due.setEnabled(self.has_due.isChecked())
        self.has_due.toggled.connect(self.due.setEnabled)
        self.status = QComboBox()
        for status, label in action_status_labels().items():
            self.status.addItem(label, status)
        self.status.setCurrentIndex(self.status.findData(entry.status))
        self.priority = QComboBox()
        labels = priority_labels()
        self.priority.addItem(
            self.tr("Calculée (%1)").replace("%1", labels[entry.computed_priority]), None
        )
        for value, label in labels.items():
            self.priority.addItem(label, value)
        if entry.priority_overridden:
            self.priority.setCurrentIndex(self.priority.findData(int(entry.priority)))
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        form = QFormLayout()
        form.addRow(self.tr("Action :"), text)
        form.addRow(self.tr("Responsable :"), self.owner)
        form.addRow(self.tr("Échéance :"), due_row)
        form.addRow(self.tr("Statut :"), self.status)
        form.addRow(self.tr("Priorité :"), self.priority)
        form.addRow("", self.error)
        form_dialog(self, form, 560)

    def accept(self) -> None:
        problem = self.due.problem(required=True) if self.has_due.isChecked() else None
        self.error.setText(problem or "")
        if problem is None:
            super().accept()

    def change(self) -> PlanEntryChange:
        due = self.due.date_value() if self.has_due.isChecked() else None
        priority = self.priority.currentData()
        return PlanEntryChange(
            owner=self.owner.text(),
            due_date=due,
            status=ActionStatus(self.status.currentData()),
            priority=Priority(priority) if priority is not None else None,
        )


class NewActionDialog(FormDialog):
    """An action the team writes itself, attached to one item of the questionnaire."""

    def __init__(self, template: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ajouter une action au plan"))
        self.item = QComboBox()
        for item in template.items:
            self.item.addItem(f"{item.id} — {item.text[:90]}", item.id)
            self.item.setItemData(self.item.count() - 1, item.text, Qt.ItemDataRole.ToolTipRole)
        # The list shows the start of each wording; the one chosen is read whole below it.
        self.item.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.item.setMinimumContentsLength(40)
        self._wordings = {item.id: item.text for item in template.items}
        self.item_text = QLabel()
        self.item_text.setObjectName("itemHelp")
        self.item_text.setWordWrap(True)
        self.item.currentIndexChanged.connect(self._show_wording)
        self._show_wording()
        self.text = QLineEdit()
        self.indicator = QLineEdit()
        self.interest, self.difficulty, self.delay = QComboBox(), QComboBox(), QComboBox()
        ratings = (
            (self.interest, Interest, (self.tr("faible"), self.tr("moyen"), self.tr("fort"))),
            (
                self.difficulty,
                Difficulty,
                (self.tr("faible"), self.tr("moyenne"), self.tr("forte")),
            ),
            (self.delay, Delay, (self.tr("court"), self.tr("moyen"), self.tr("long"))),
        )
        for combo, enum, labels in ratings:
            for member, label in zip(enum, labels, strict=True):
                combo.addItem(label, member.value)
            combo.setCurrentIndex(1)
        form = QFormLayout()
        form.addRow(self.tr("Item :"), self.item)
        form.addRow("", self.item_text)
        form.addRow(self.tr("Action :"), self.text)
        form.addRow(self.tr("Intérêt :"), self.interest)
        form.addRow(self.tr("Difficulté :"), self.difficulty)
        form.addRow(self.tr("Délai :"), self.delay)
        form.addRow(self.tr("Indicateur de suivi :"), self.indicator)
        form_dialog(self, form, 640)

    def _show_wording(self) -> None:
        self.item_text.setText(self._wordings.get(self.item.currentData(), ""))

    def values(self) -> tuple[str, str, Interest, Difficulty, Delay, str]:
        return (
            self.item.currentData(),
            self.text.text(),
            Interest(self.interest.currentData()),
            Difficulty(self.difficulty.currentData()),
            Delay(self.delay.currentData()),
            self.indicator.text(),
        )


class PlanView(QWidget):
    changed = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.diagnostic_id: int | None = None
        self.dialog: PlanEntryDialog | NewActionDialog | None = None
        self.template: Template | None = None
        self.model = PlanTableModel(self)
        self.table = record_table(self.model, sortable=False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 70), (1, 95), (3, 150), (4, 170), (5, 120), (6, 85), (7, 75)):
            header.resizeSection(column, width)
        # Row heights follow the wrapped text of the column widths the user sees.
        header.sectionResized.connect(lambda *_args: self.table.resizeRowsToContents())
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.propose_button = QPushButton(self.tr("Proposer les actions des items faibles"))
        self.add_button = QPushButton(self.tr("Ajouter une action…"))
        self.add_button.clicked.connect(self.add_action)
        self.edit_button = QPushButton(self.tr("Suivre / modifier…"))
        self.delete_button = QPushButton(self.tr("Retirer…"))
        self.propose_button.clicked.connect(self.propose)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.summary = QLabel()
        note = QLabel(
            self.tr(
                "Priorité calculée : intérêt fort, difficulté faible et délai court d'abord. "
                "* = priorité modifiée à la main. Le plan reste modifiable après validation."
            )
        )
        note.setObjectName("itemHelp")
        note.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(self.summary, 1)
        for button in (self.propose_button, self.add_button, self.edit_button, self.delete_button):
            tools.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)

    def show_plan(
        self,
        services: Services,
        diagnostic_id: int,
        entries: list[PlanEntry],
        template: Template | None = None,
    ) -> None:
        self._services, self.diagnostic_id = services, diagnostic_id
        self.template = template or self.template
        self.model.set_rows(entries)
        self.table.resizeRowsToContents()
        done = sum(1 for e in entries if e.status is ActionStatus.DONE)
        self.summary.setText(
            self.tr("%1 action(s), dont %2 faite(s)")
            .replace("%1", str(len(entries)))
            .replace("%2", str(done))
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The stretched Action column changes width without a sectionResized signal.
        super().resizeEvent(event)
        self.table.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def reload(self) -> None:
        services, diagnostic_id = self._services, self.diagnostic_id
        if services is None or diagnostic_id is None:
            return
        self._runner.run(
            lambda _p: services.plans.plan(diagnostic_id),
            on_success=lambda entries: self._reloaded(services, diagnostic_id, entries),
        )

    def _reloaded(self, services: Services, diagnostic_id: int, entries: list[PlanEntry]) -> None:
        self.show_plan(services, diagnostic_id, entries)
        self.changed.emit()

    def selected(self) -> PlanEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def propose(self) -> None:
        services, diagnostic_id = self._services, self.diagnostic_id
        assert services is not None and diagnostic_id is not None
        self._runner.run(
            lambda _p: services.plans.propose(diagnostic_id), on_success=lambda _n: self.reload()
        )

    def add_action(self) -> None:
        services, diagnostic_id, template = self._services, self.diagnostic_id, self.template
        if services is None or diagnostic_id is None or template is None:
            return
        dialog = NewActionDialog(template, self)
        self.dialog = dialog

        def accepted() -> None:
            item_id, text, interest, difficulty, delay, indicator = dialog.values()
            self._runner.run(
                lambda _p: services.plans.add(
                    diagnostic_id, item_id, text, interest, difficulty, delay, indicator
                ),
                on_success=lambda _e: self.reload(),
            )

        dialog.accepted.connect(accepted)
        dialog.open()

    def edit_selected(self) -> None:
        entry, services = self.selected(), self._services
        if entry is None or services is None:
            return
        self.dialog = PlanEntryDialog(entry, self)

        def accepted() -> None:
            assert self.dialog is not None
            change = self.dialog.change()
            self._runner.run(
                lambda _p: services.plans.update(entry.id, change),
                on_success=lambda _e: self.reload(),
            )

        self.dialog.accepted.connect(accepted)
        self.dialog.open()

    def delete_selected(self) -> None:
        entry, services = self.selected(), self._services
        if entry is None or services is None:
            return
        question = (
            self.tr(
                "Cette action est proposée par le questionnaire : elle sera marquée "
                "« abandonnée » et ne sera plus proposée.\n\n%1\n\nContinuer ?"
            )
            if entry.action_index is not None
            else self.tr("Retirer cette action du plan ?\n\n%1")
        ).replace("%1", entry.text)
        answer = QMessageBox.question(self, self.tr("Retirer l'action"), question)
        if answer == QMessageBox.StandardButton.Yes:
            self._runner.run(
                lambda _p: services.plans.delete(entry.id), on_success=lambda _n: self.reload()
            )
