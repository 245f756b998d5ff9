"""The local table of the UO Sté category coefficients, typed once and saved as a new local
version (calculators/sterilisation_tables.py). Only the fields the user typed in are sent:
a typed coefficient is no longer provisional, even when it keeps the shipped value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.sterilisation import CategoryTable
from hospiperf_desktop.stock.cells import CellError, parse_number
from ui.sections.activity.texts import decimal_text
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class SterilisationTableDialog(QDialog):
    saved = Signal(object)  # the local table as saved (CategoryTable)
    loaded = Signal()

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Coefficients des UO de stérilisation"))
        self._services = services
        self._runner = runner
        self.edits: dict[str, QLineEdit] = {}
        self.marks: dict[str, QLabel] = {}
        self.touched: set[str] = set()
        self.origin_label = QLabel()
        self.origin_label.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setObjectName("problem")
        self.problem_label.hide()
        self.grid = QGridLayout()
        inner = QWidget()
        inner.setLayout(self.grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.save_button = QPushButton(self.tr("Enregistrer une nouvelle version"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.origin_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.resize(640, 560)
        self._load()

    def _load(self) -> None:
        tables = self._services.sterilisation_tables

        def job(_progress: Any) -> tuple[CategoryTable, CategoryTable | None]:
            return tables.local() or tables.shipped, tables.packaged()

        self._runner.run(job, on_success=self._show, parent=self)

    def _show(self, found: tuple[CategoryTable, CategoryTable | None]) -> None:
        base, packaged = found
        text = (
            self.tr("Table locale, version %1.").replace("%1", base.version)
            if base.origin == "local"
            else self.tr(
                "Table livrée, version %1 : les coefficients marqués « provisoire » valent 1 en "
                "attendant les vôtres."
            ).replace("%1", base.version)
        )
        if packaged is not None:
            text += " " + self.tr(
                "Un référentiel ARS (%1, version %2) est en vigueur : les études l'utilisent, la "
                "table locale ne sert qu'en son absence."
            ).replace("%1", packaged.publisher).replace("%2", packaged.version)
        self.origin_label.setText(text)
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.edits.clear()
        self.marks.clear()
        self.touched.clear()
        for row, category in enumerate(base.categories):
            label = QLabel(f"{category.id} — {category.label}")
            label.setWordWrap(True)
            edit = QLineEdit(decimal_text(category.coefficient, 4).replace("\u00a0", " "))
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(90)
            edit.textEdited.connect(lambda _t, key=category.id: self._edited(key))
            mark = QLabel(self.tr("provisoire") if category.provisional else "")
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(edit, row, 1)
            self.grid.addWidget(mark, row, 2)
            self.edits[category.id] = edit
            self.marks[category.id] = mark
        self.grid.setColumnStretch(0, 1)
        self.save_button.setEnabled(False)
        self.loaded.emit()

    def _edited(self, key: str) -> None:
        self.touched.add(key)
        self.save_button.setEnabled(True)

    def values(self) -> dict[str, float] | None:
        """The typed coefficients, or None (and the problems shown) when one is not a number."""
        values: dict[str, float] = {}
        problems = []
        for key in sorted(self.touched):
            try:
                value = parse_number(self.edits[key].text())
            except CellError:
                value = None
            if value is None or value < 0:
                problems.append(
                    self.tr("%1 : un nombre de 0 ou plus est attendu.").replace("%1", key)
                )
            else:
                values[key] = value
        self.problem_label.setText("\n".join(problems))
        self.problem_label.setVisible(bool(problems))
        return None if problems else values

    def save(self) -> None:
        values = self.values()
        if not values:
            return
        tables = self._services.sterilisation_tables

        def saved(table: CategoryTable) -> None:
            self._show((table, None))
            self.origin_label.setText(
                self.tr("Enregistrée : table locale, version %1.").replace("%1", table.version)
            )
            self.saved.emit(table)

        def failed(err: BaseException) -> None:
            self.problem_label.setText(
                self.tr("Table non enregistrée : une valeur a été refusée ; rien n'a changé.")
            )
            self.problem_label.show()

        self._runner.run(
            lambda _p: tables.set_coefficients(values),
            on_success=saved,
            on_failure=failed,
            parent=self,
        )
