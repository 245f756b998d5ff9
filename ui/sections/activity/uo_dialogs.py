"""The small dialogs of the Unités d'œuvre tab: copy a table, change or add one of its lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from hospiperf_desktop.activity.uo_tables import UoItem, UoTable
from ui.forms import FormDialog, form_dialog

TABLE_ID = r"[a-z0-9][a-z0-9._-]{1,59}"  # as the core's table store accepts them
ITEM_ID = r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}"
MAX_COEFFICIENT = 100_000.0


class CopyTableDialog(FormDialog):
    """The identifier and title of a local copy of `base`."""

    def __init__(self, base: UoTable, taken: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Copier la table « %1 »").replace("%1", base.title))
        self._taken = taken
        self.table_id = QLineEdit(_free_id(f"{base.base_id or base.id}-local", taken))
        self.table_id.setValidator(QRegularExpressionValidator(QRegularExpression(TABLE_ID)))
        self.table_id.setToolTip(
            self.tr("2 à 60 caractères : minuscules sans accent, chiffres, « . », « _ » ou « - »")
        )
        self.title = QLineEdit(self.tr("%1 — copie locale").replace("%1", base.title))
        self.hint = QLabel()
        self.hint.setObjectName("itemHelp")
        explain = QLabel(
            self.tr(
                "La copie part de la version %1. Ses coefficients et ses lignes se modifient ; "
                "la table d'origine reste intacte et chaque résultat garde la version qui l'a "
                "produit."
            ).replace("%1", base.version)
        )
        explain.setWordWrap(True)
        form = QFormLayout()
        form.addRow(explain)
        form.addRow(self.tr("Identifiant :"), self.table_id)
        form.addRow(self.tr("Titre :"), self.title)
        form.addRow(self.hint)
        self.buttons = form_dialog(self, form, 520)
        self.table_id.textChanged.connect(self._check)
        self.title.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        table_id = self.table_id.text()
        problem = ""
        if len(table_id) < 2:
            problem = self.tr("L'identifiant compte au moins 2 caractères.")
        elif table_id in self._taken:
            problem = self.tr("Une table porte déjà cet identifiant.")
        elif not self.title.text().strip():
            problem = self.tr("Donnez un titre à la copie.")
        self.hint.setText(problem)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)

    def value(self) -> tuple[str, str]:
        return self.table_id.text(), self.title.text().strip()


@dataclass(frozen=True)
class LineChange:
    item_id: str
    label: str
    coefficient: float
    group: str
    measure: str | None  # a new line: the measure that counts it (None: its own count)


class LineDialog(FormDialog):
    """Change a line of a local table (`line` given) or add one."""

    def __init__(
        self,
        table: UoTable,
        line: UoItem | None,
        measures: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        adding = line is None
        title = self.tr("Ajouter une ligne") if adding else self.tr("Modifier la ligne")
        self.setWindowTitle(title)
        self.item_id = QLineEdit(_next_item_id(table) if line is None else line.id)
        self.item_id.setValidator(QRegularExpressionValidator(QRegularExpression(ITEM_ID)))
        self.item_id.setReadOnly(not adding)
        self.label = QLineEdit("" if line is None else line.label)
        self.coefficient = QDoubleSpinBox()
        self.coefficient.setRange(0.0, MAX_COEFFICIENT)
        self.coefficient.setDecimals(2)
        self.coefficient.setValue(0.0 if line is None else line.coefficient)
        self.group = QComboBox()
        for group in table.groups:
            self.group.addItem(group.label, group.id)
        if line is not None:
            self.group.setCurrentIndex(self.group.findData(line.group))
        self.measure = QComboBox()
        self.measure.addItem(self.tr("Un comptage propre à cette ligne (saisi dans la Saisie)"))
        for measure_id, label in measures:
            self.measure.addItem(label, measure_id)
        form = QFormLayout()
        form.addRow(self.tr("N° :"), self.item_id)
        form.addRow(self.tr("Libellé :"), self.label)
        form.addRow(self.tr("Coefficient :"), self.coefficient)
        form.addRow(self.tr("Groupe :"), self.group)
        if adding:
            form.addRow(self.tr("Comptage :"), self.measure)
        self.hint = QLabel()
        self.hint.setObjectName("itemHelp")
        form.addRow(self.hint)
        self._taken = {i.id for i in table.items} if adding else set()
        self.buttons = form_dialog(self, form, 620)
        self.item_id.textChanged.connect(self._check)
        self.label.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        problem = ""
        if not self.item_id.text():
            problem = self.tr("Donnez un numéro à la ligne.")
        elif self.item_id.text() in self._taken:
            problem = self.tr("Une ligne porte déjà ce numéro.")
        elif not self.label.text().strip():
            problem = self.tr("Donnez un libellé à la ligne.")
        self.hint.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def value(self) -> LineChange:
        return LineChange(
            self.item_id.text(),
            self.label.text().strip(),
            self.coefficient.value(),
            self.group.currentData(),
            self.measure.currentData(),
        )


def _free_id(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def _next_item_id(table: UoTable) -> str:
    """After lines 1 to 7, line 8; after S1 to S6, S7."""
    numbers = [
        (match.group(1), int(match.group(2)))
        for item in table.items
        if (match := re.fullmatch(r"(\D*)(\d+)", item.id))
    ]
    if not numbers:
        return str(len(table.items) + 1)
    prefix, last = max(numbers, key=lambda pair: pair[1])
    return f"{prefix}{last + 1}"
