"""Confirming unusual activity values: a value outside its plausible range, or more than ten
times away from N-1, is kept only when the user confirms it and says why (required)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.activity.texts import format_value
from hospiperf_desktop.plausibility import FAR_FROM_PREVIOUS_FACTOR, PlausibleRange

if TYPE_CHECKING:
    from hospiperf_desktop.activity.catalog import Measure
    from hospiperf_desktop.activity.unusual import Key, Place, UnusualValue
    from hospiperf_desktop.plausibility import Unusual

MAX_JUSTIFICATION = 500


def _tr(text: str) -> str:
    return QCoreApplication.translate("activity", text)


def range_text(unit: str, plausible: PlausibleRange | None) -> str:
    """'0 – 30 000 (hypothèse HospiPerf : …)' in French formats."""
    if plausible is None:
        return _tr("aucune plage définie")
    low = "…" if plausible.low is None else format_value(unit, plausible.low)
    high = "…" if plausible.high is None else format_value(unit, plausible.high)
    return (
        _tr("%1 – %2 (source : %3)")
        .replace("%1", low)
        .replace("%2", high)
        .replace("%3", plausible.source)
    )


def why_unusual(measure: Measure, unusual: Unusual | UnusualValue) -> str:
    """Why a value asks for a confirmation, in French."""
    unit = measure.unit
    shown = format_value(unit, unusual.value)
    if unusual.reason == "outside_range":
        return (
            _tr("%1 est en dehors de la plage plausible %2.")
            .replace("%1", shown)
            .replace("%2", range_text(unit, unusual.plausible))
        )
    return (
        _tr("%1 est plus de %2 fois éloigné de la valeur N-1 (%3).")
        .replace("%1", shown)
        .replace("%2", f"{FAR_FROM_PREVIOUS_FACTOR:g}")
        .replace("%3", format_value(unit, unusual.previous))
    )


def place_text(place: Place | None) -> str:
    if place is None:
        return ""
    text = place.file
    if place.line is not None:
        text += _tr(", ligne %1").replace("%1", str(place.line))
    if place.column:
        text += _tr(", colonne %1").replace("%1", place.column)
    return text


def _file_order(unusual: UnusualValue) -> tuple[int, str]:
    place = unusual.place
    return (place.line or 0, place.column or "") if place else (0, "")


def _justification_field() -> QLineEdit:
    field = QLineEdit()
    field.setMaxLength(MAX_JUSTIFICATION)
    field.setPlaceholderText(_tr("Par exemple : ouverture d'un nouveau bloc opératoire"))
    return field


class UnusualValueDialog(QDialog):
    """One typed value: the reason it is unusual, and a justification to keep it."""

    def __init__(
        self, measure: Measure, unusual: Unusual, period: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Valeur inhabituelle"))
        self.explanation = QLabel(
            self.tr("« %1 », %2 : %3")
            .replace("%1", measure.label)
            .replace("%2", period)
            .replace("%3", why_unusual(measure, unusual))
        )
        self.explanation.setWordWrap(True)
        ask = QLabel(
            self.tr(
                "Confirmez-vous cette valeur ? Dites brièvement pourquoi : la justification est "
                "gardée avec la valeur, dans le journal d'audit et dans le paquet envoyé à l'ARS."
            )
        )
        ask.setWordWrap(True)
        self.justification = _justification_field()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Confirmer la valeur"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("Annuler (garder l'ancienne valeur)")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.justification.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(ask)
        layout.addWidget(QLabel(self.tr("Justification (obligatoire) :")))
        layout.addWidget(self.justification)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self._update()
        self.justification.setFocus()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.text()))
        self.ok_button.setDefault(True)

    def text(self) -> str:
        return " ".join(self.justification.text().split())

    def accept(self) -> None:
        if self.text():  # Enter in an empty field does not confirm
            super().accept()


class UnusualImportDialog(QDialog):
    """An imported file's unusual values, each with a box to tick to keep it."""

    def __init__(
        self,
        values: list[UnusualValue],
        measures: dict[str, Measure],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Valeurs inhabituelles dans le fichier"))
        intro = QLabel(
            self.tr(
                "Ces valeurs sont valides mais inhabituelles. Cochez celles que vous confirmez "
                "et dites pourquoi ; les autres ne seront pas importées (la valeur déjà "
                "enregistrée est gardée). Le reste du fichier est importé."
            )
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)  # each value on two lines: where and what, then why
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        for unusual in sorted(values, key=_file_order):
            measure = measures[unusual.measure_id]
            item = QListWidgetItem(
                self.tr("%1 : « %2 »\n%3")
                .replace("%1", place_text(unusual.place))
                .replace("%2", measure.label)
                .replace("%3", why_unusual(measure, unusual))
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, f"{unusual.measure_id}|{unusual.month}")
            self.list.addItem(item)
        self.justification = _justification_field()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Importer"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(lambda _i: self._update())
        self.justification.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel(self.tr("Justification des valeurs cochées :")))
        layout.addWidget(self.justification)
        layout.addWidget(buttons)
        self.resize(900, 460)
        self._update()

    def confirmed(self) -> frozenset[Key]:
        keys = set()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                measure_id, month = str(item.data(Qt.ItemDataRole.UserRole)).rsplit("|", 1)
                keys.add((measure_id, int(month)))
        return frozenset(keys)

    def text(self) -> str:
        return " ".join(self.justification.text().split())

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.text()) or not self.confirmed())
