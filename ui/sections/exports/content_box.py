"""What goes into the bundle: modules, activity years, diagnostics and their PDF reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.bundles.contents import MODULES, Selection

if TYPE_CHECKING:
    from hospiperf_desktop.diagnostics.records import DiagnosticSummary


def _check_list() -> QListWidget:
    widget = QListWidget()
    widget.setWordWrap(True)
    return widget


def _year_list() -> QListWidget:
    """Years side by side, on as many lines as needed."""
    widget = QListWidget()
    widget.setFlow(QListView.Flow.LeftToRight)
    widget.setWrapping(True)
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setSpacing(2)
    widget.setFixedHeight(48)
    return widget


def _checked_data(widget: QListWidget) -> list[int]:
    return [
        int(item.data(Qt.ItemDataRole.UserRole))
        for item in (widget.item(row) for row in range(widget.count()))
        if item.flags() & Qt.ItemFlag.ItemIsUserCheckable
        and item.checkState() == Qt.CheckState.Checked
    ]


def _placeholder(widget: QListWidget, text: str) -> None:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    widget.addItem(item)


class ContentBox(QGroupBox):
    """The user's choice of contents; `changed` on every change."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setTitle(self.tr("Contenu du paquet"))
        self._diagnostics: list[DiagnosticSummary] = []
        labels = {
            "diagnostics": self.tr("Diagnostics (scores et plans d'actions)"),
            "activity": self.tr("Activité, unités d'œuvre et tableau de bord"),
            "stock": self.tr("Indicateurs de stock (couverture)"),
            "calculators": self.tr("Scénarios des calculateurs"),
        }
        self.modules = {module: QCheckBox(labels[module]) for module in MODULES}
        self.with_pdf = QCheckBox(self.tr("Inclure les rapports PDF des diagnostics validés"))
        self.with_pdf.setChecked(True)
        self.years = _year_list()
        self.diagnostics = _check_list()
        modules = QGridLayout()
        for index, box in enumerate(self.modules.values()):
            box.setChecked(True)
            box.toggled.connect(self._modules_changed)
            modules.addWidget(box, index // 2, index % 2)
        self.with_pdf.toggled.connect(self._pdf_changed)
        self.years.itemChanged.connect(lambda _i: self.changed.emit())
        self.diagnostics.itemChanged.connect(lambda _i: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.addLayout(modules)
        layout.addWidget(self.with_pdf)
        years = QLabel(self.tr("Années envoyées (elles nomment la période du paquet) :"))
        years.setToolTip(self.tr("Activité, unités d'œuvre et tableau de bord de ces années"))
        layout.addWidget(years)
        layout.addWidget(self.years)
        layout.addWidget(QLabel(self.tr("Diagnostics envoyés :")))
        layout.addWidget(self.diagnostics, 1)

    def show_choices(self, years: list[int], diagnostics: list[DiagnosticSummary]) -> None:
        """List an establishment's years (the last one checked) and diagnostics (all)."""
        self._diagnostics = diagnostics
        for widget in (self.years, self.diagnostics):
            widget.blockSignals(True)
            widget.clear()
        for year in years:
            item = QListWidgetItem(str(year))
            item.setData(Qt.ItemDataRole.UserRole, year)
            item.setCheckState(
                Qt.CheckState.Checked if year == years[-1] else Qt.CheckState.Unchecked
            )
            self.years.addItem(item)
        if not years:
            _placeholder(self.years, self.tr("Aucune activité saisie pour cet établissement."))
        for summary in diagnostics:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            # Only validated diagnostics go by default: one in progress is sent on purpose.
            item.setCheckState(Qt.CheckState.Checked if summary.locked else Qt.CheckState.Unchecked)
            self.diagnostics.addItem(item)
        if not diagnostics:
            _placeholder(self.diagnostics, self.tr("Aucun diagnostic pour cet établissement."))
        self._name_diagnostics()
        for widget in (self.years, self.diagnostics):
            widget.blockSignals(False)
        self._modules_changed()

    def _name_diagnostics(self) -> None:
        """A validated diagnostic says whether its PDF report goes with it."""
        for row, summary in enumerate(self._diagnostics):
            item = self.diagnostics.item(row)
            item.setToolTip(summary.template_title)
            text = summary.label
            if not summary.locked:
                text += self.tr(" (en cours)")
            elif self.with_pdf.isChecked():
                text += self.tr(" (validé : son rapport PDF est inclus)")
            else:
                text += self.tr(" (validé)")
            item.setText(text)

    def _pdf_changed(self) -> None:
        self.diagnostics.blockSignals(True)
        self._name_diagnostics()
        self.diagnostics.blockSignals(False)
        self.changed.emit()

    def _modules_changed(self) -> None:
        diagnostics = self.modules["diagnostics"].isChecked()
        self.diagnostics.setEnabled(diagnostics)
        self.with_pdf.setEnabled(diagnostics)
        self.changed.emit()

    def selection(self, establishment_id: int) -> Selection:
        modules = frozenset(m for m, box in self.modules.items() if box.isChecked())
        return Selection(
            establishment_id,
            tuple(sorted(_checked_data(self.years))),
            tuple(_checked_data(self.diagnostics)),
            modules,
            self.with_pdf.isChecked(),
        )

    def problem(self) -> str:
        """Why nothing can be prepared yet ('' when something can)."""
        if not any(box.isChecked() for box in self.modules.values()):
            return self.tr("Cochez au moins un module.")
        return ""
