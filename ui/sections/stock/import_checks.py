"""Two panels of the import wizard: how the numbers were read, and the unusual values.

`NumbersPanel` (mapping page) shows, for each column feeding a numeric field, a few cells as
the file writes them next to the number read, and asks what a dot means when a column
cannot tell ("1.500"). `UnusualPanel` (validation page) lists the values outside their
plausible bounds, each to be ticked, with one justification for all.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.errors import SourceIssue
from hospiperf_desktop.number_columns import ColumnNumbers, DotChoice, NumberSample, Reading
from hospiperf_desktop.tabular import column_letter
from ui.messages import french_number, source_issue_text
from ui.sections.stock.common import number

ERROR_STYLE = "color: #8a1c1c"
ROW_HEIGHT = 22


class NumbersPanel(QWidget):
    changed = Signal()  # the dot choice changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: list[ColumnNumbers] = []
        self.fields: dict[int, str] = {}
        title = QLabel(self.tr("Lecture des nombres (texte du fichier → nombre lu) :"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Colonne"), self.tr("Exemples"), self.tr("Lecture")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(4 * ROW_HEIGHT + 28)
        self.decimal = QRadioButton(self.tr("un point décimal (1.500 = 1,5)"))
        self.thousands = QRadioButton(self.tr("un séparateur de milliers (1.500 = 1 500)"))
        self.group = QButtonGroup(self)
        self.group.addButton(self.decimal)
        self.group.addButton(self.thousands)
        self.group.buttonToggled.connect(self._toggled)
        self.question = QLabel(self.tr("Dans les colonnes ambiguës, le point de « 1.500 » est :"))
        self.question.setStyleSheet(ERROR_STYLE)
        self.choice_row = QWidget()
        row = QHBoxLayout(self.choice_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.question)
        row.addWidget(self.decimal)
        row.addWidget(self.thousands)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addWidget(self.choice_row)
        self.hide()

    def choice(self) -> DotChoice | None:
        if self.decimal.isChecked():
            return DotChoice.DECIMAL
        if self.thousands.isChecked():
            return DotChoice.THOUSANDS
        return None

    def unresolved(self) -> bool:
        choice = self.choice()
        return any(c.needs_choice(choice) for c in self.columns)

    def reset(self) -> None:
        """A new file: no columns, and no choice made for it yet."""
        self.group.setExclusive(False)  # lets both be unchecked
        self.decimal.setChecked(False)
        self.thousands.setChecked(False)
        self.group.setExclusive(True)
        self.show_columns([], {})

    def show_columns(self, columns: Sequence[ColumnNumbers], fields: dict[int, str]) -> None:
        """The numeric columns the mapping uses; `fields` names what each feeds (by index)."""
        self.columns = list(columns)
        self.fields = dict(fields)
        choice = self.choice()
        self.table.setRowCount(len(self.columns))
        for row, column in enumerate(self.columns):
            samples = " ; ".join(self._sample_text(column, s, choice) for s in column.samples)
            state, unresolved = self._reading_text(column, choice)
            target = self.fields.get(column.index, "")
            cells = [f"{column_letter(column.index)} · {column.heading} → {target}", samples, state]
            for position, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if unresolved:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, position, item)
        self.setVisible(bool(self.columns))
        self.choice_row.setVisible(any(c.reading is Reading.AMBIGUOUS for c in self.columns))

    def _sample_text(
        self, column: ColumnNumbers, sample: NumberSample, choice: DotChoice | None
    ) -> str:
        """« 1.500 » → 1 500; both readings while the user has not chosen."""
        if sample.ambiguous and column.needs_choice(choice):
            read = (
                self.tr("%1 ou %2")
                .replace("%1", french_number(sample.as_decimal))
                .replace("%2", french_number(sample.as_thousands))
            )
        else:
            read = french_number(column.value(sample, choice))
        return f"« {sample.text} » → {read}"

    def _toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self.show_columns(self.columns, self.fields)
            self.changed.emit()

    def _reading_text(self, column: ColumnNumbers, choice: DotChoice | None) -> tuple[str, bool]:
        """What the reading column says, and whether the user still has to choose."""
        if column.reading is Reading.AMBIGUOUS:
            if choice is None:
                return self.tr("ambiguë : choisissez ci-dessous"), True
            chosen = (
                self.tr("point décimal")
                if choice is DotChoice.DECIMAL
                else self.tr("séparateur de milliers")
            )
            return self.tr("ambiguë → %1 (votre choix)").replace("%1", chosen), False
        texts = {
            Reading.PLAIN: self.tr("sans ambiguïté"),
            Reading.DECIMAL: self.tr("point décimal (d'après la colonne)"),
            Reading.THOUSANDS: self.tr("séparateur de milliers (d'après la colonne)"),
        }
        return texts[column.reading], False


class UnusualPanel(QWidget):
    changed = Signal()  # a value ticked or the justification edited

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        # Each value with its bound and source, whole: wrapped, never scrolled sideways.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        self.justification_edit = QLineEdit()
        self.justification_edit.setPlaceholderText(
            self.tr("ex. : inventaire annuel, quantités comptées à l'unité")
        )
        self.justification_edit.textChanged.connect(lambda _t: self.changed.emit())
        reason = QLabel(self.tr("&Justification :"))
        reason.setBuddy(self.justification_edit)
        reason_row = QHBoxLayout()
        reason_row.addWidget(reason)
        reason_row.addWidget(self.justification_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.help)
        layout.addWidget(self.list, 1)
        layout.addLayout(reason_row)
        self.hide()

    def clear(self) -> None:
        self.list.clear()
        self.justification_edit.clear()
        self.hide()

    def show_values(self, shown: Sequence[SourceIssue], count: int) -> None:
        self.list.clear()
        self.help.setText(
            self.tr(
                "%1 valeur(s) hors de la plage plausible. Elles ne sont importées que si vous "
                "les confirmez : cochez chacune, et dites pourquoi elles sont justes (la "
                "justification est conservée dans le journal d'audit)."
            ).replace("%1", number(count))
        )
        for issue in shown:
            self._add(source_issue_text(issue))
        if count > len(shown):
            self._add(
                self.tr("… et %1 autre(s) valeur(s) hors de la plage plausible").replace(
                    "%1", number(count - len(shown))
                )
            )
        self.setVisible(bool(count))

    def _add(self, text: str) -> None:
        item = QListWidgetItem(text)
        flags = Qt.ItemFlag
        item.setFlags(flags.ItemIsEnabled | flags.ItemIsSelectable | flags.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setToolTip(text)
        self.list.addItem(item)

    def confirmed(self) -> bool:
        """Every unusual value ticked, and a justification given (True when there are none)."""
        items = [self.list.item(i) for i in range(self.list.count())]
        return not items or (
            all(item.checkState() == Qt.CheckState.Checked for item in items)
            and bool(self.justification_edit.text().strip())
        )

    def justification(self) -> str:
        """The justification of the unusual values, once they are all confirmed."""
        if self.list.count() and self.confirmed():
            return self.justification_edit.text().strip()
        return ""
