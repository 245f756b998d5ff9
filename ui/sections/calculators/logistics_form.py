"""One logistics scenario as typed: its form, its table of establishments, and reading both
into the core's `Scenario` with every problem said in French."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.logistics import SINGLE, Scenario, SiteInput, check_scenario
from hospiperf_desktop.calculators.params import parameters
from ui.editable_table import EditableTable
from ui.record_table import fit_height
from ui.sections.activity.texts import EntryProblem
from ui.sections.calculators.texts import (
    amount_text,
    check_problem_text,
    kind_labels,
    read_number,
    scenario_field_labels,
    site_fields,
)
from ui.text_grid import TextColumn, TextGridModel, text_grid_table

AMOUNT_FIELDS = ("investments", "extra_operating_costs", "annualisation_years")
FIELD_WIDTH = 150


def _tr(text: str) -> str:
    return QCoreApplication.translate("logistics", text)


@dataclass
class ScenarioDraft:
    """A scenario as the user typed it (numbers still text), kept while another is shown."""

    name: str
    kind: str = SINGLE
    centralised: bool = True
    construction: bool = False
    ght_class: int = 2
    investments: str = ""
    extra_operating_costs: str = ""
    annualisation_years: str = ""
    sites: list[dict[str, Any]] = field(default_factory=list)  # SiteInput field → text/flag

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioDraft:
        return cls(
            name=scenario.name,
            kind=scenario.kind,
            centralised=scenario.centralised,
            construction=scenario.construction,
            ght_class=scenario.ght_class,
            investments=amount_text(scenario.investments),
            extra_operating_costs=amount_text(scenario.extra_operating_costs),
            annualisation_years=amount_text(scenario.annualisation_years),
            sites=[_site_texts(site) for site in scenario.sites],
        )

    def copy(self, name: str) -> ScenarioDraft:
        return replace(self, name=name, sites=[dict(site) for site in self.sites])


def _site_texts(site: SiteInput) -> dict[str, Any]:
    texts: dict[str, Any] = {}
    for item in fields(SiteInput):
        value = getattr(site, item.name)
        texts[item.name] = value if isinstance(value, bool | str) else amount_text(value)
    return texts


def new_site(name: str, support: bool = False) -> dict[str, Any]:
    return {**_site_texts(SiteInput(name)), "support": support}


def read_draft(draft: ScenarioDraft, number: int) -> tuple[Scenario | None, list[str]]:
    """The scenario typed (the `number`th in the list), or the problems that stop it, each
    naming its place."""
    problems: list[str] = []
    labels = scenario_field_labels()
    if draft.name.strip():
        where = _tr("Scénario « %1 »").replace("%1", draft.name.strip())
    else:
        where = _tr("Scénario n° %1").replace("%1", str(number))
        problems.append(where + _tr(" : donnez-lui un nom."))
    values: dict[str, float | None] = {}
    for name in AMOUNT_FIELDS:
        try:
            values[name] = read_number(getattr(draft, name))
        except EntryProblem as problem:
            problems.append(f"{where}, {labels[name]} : {problem}")
    sites = []
    for number, texts in enumerate(draft.sites, start=1):
        site, site_problems = _read_site(texts, f"{where}, {_site_place(number, texts)}")
        problems += site_problems
        if site is not None:
            sites.append(site)
    if problems:
        return None, problems
    scenario = Scenario(
        name=draft.name.strip(),
        kind=draft.kind,
        centralised=draft.centralised,
        construction=draft.construction,
        ght_class=draft.ght_class,
        investments=values["investments"] or 0.0,
        extra_operating_costs=values["extra_operating_costs"] or 0.0,
        annualisation_years=values["annualisation_years"],
        sites=tuple(sites),
    )
    for field_name, _problem in check_scenario(scenario):
        problems.append(f"{where} : {check_problem_text(field_name)}")
    return (None, problems) if problems else (scenario, [])


def _site_place(number: int, texts: dict[str, Any]) -> str:
    name = str(texts.get("name") or "").strip()
    place = _tr("établissement %1").replace("%1", str(number))
    return f"{place} ({name})" if name else place


def _read_site(texts: dict[str, Any], where: str) -> tuple[SiteInput | None, list[str]]:
    problems = []
    values: dict[str, Any] = {}
    for column in site_fields():
        raw = texts.get(column.name)
        if column.flag:
            values[column.name] = bool(raw)
        elif column.name == "name":
            values["name"] = str(raw or "").strip()
            if not values["name"]:
                problems.append(f"{where} : " + _tr("donnez un nom à l'établissement"))
        else:
            try:
                values[column.name] = read_number(str(raw or "")) or 0.0
            except EntryProblem as problem:
                heading = column.heading.replace("\n", " ")
                problems.append(f"{where}, {heading} : {problem}")
    return (None, problems) if problems else (SiteInput(**values), [])


class ScenarioForm(QWidget):
    """The shown scenario's fields and establishments; `draft()` reads them back."""

    changed = Signal()  # the user changed something
    name_changed = Signal(str)
    refused = Signal(str)  # a value typed in the establishments table, refused: where and why
    refusals_changed = Signal(list)  # every value refused as typed and still shown (texts)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = site_fields()
        self._loading = False
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind, label in kind_labels().items():
            self.kind.addItem(label, kind)
        self.centralised = QCheckBox(self.tr("Centralisé (pharmacie et magasin général)"))
        self.construction = QCheckBox(self.tr("Avec construction"))
        self.ght_class = QComboBox()
        for number, text in parameters("logistics")["ght_classes"].items():
            self.ght_class.addItem(self.tr("Classe %1").replace("%1", number), int(number))
            self.ght_class.setItemData(
                self.ght_class.count() - 1, text, Qt.ItemDataRole.ToolTipRole
            )
        self.investments = self._amount(self.tr("Investissements du projet, en euros"))
        self.extra_operating_costs = self._amount(
            self.tr("Transport, loyers… que le projet ajoute chaque année, en euros")
        )
        years = parameters("logistics")["stock_gain_annualisation_years"]
        self.annualisation_years = self._amount(
            self.tr("Étalement des gains ponctuels (stock, cession de surfaces), en années. ")
            + parameters("logistics")["stock_gain_annualisation_note"]
        )
        self.annualisation_years.setPlaceholderText(
            self.tr("%1 (par défaut)").replace("%1", str(years))
        )
        self.sites = self._sites_table()
        self.add_site_button = QPushButton(self.tr("Ajouter un établissement"))
        self.add_site_button.clicked.connect(self.add_site)
        self.remove_site_button = QPushButton(self.tr("Retirer l'établissement"))
        self.remove_site_button.clicked.connect(self.remove_site)
        self._layout()
        self.name.textChanged.connect(self.name_changed)
        for edit in (self.name, self.investments, self.extra_operating_costs):
            edit.textEdited.connect(lambda _t: self.changed.emit())
        self.annualisation_years.textEdited.connect(lambda _t: self.changed.emit())
        for box in (self.centralised, self.construction):
            box.toggled.connect(lambda _c: self._edited())
        for combo in (self.kind, self.ght_class):
            combo.currentIndexChanged.connect(lambda _i: self._edited())
        self.sites_model.edited.connect(self._edited)
        self.sites_model.refused.connect(
            lambda row, column, why: self.refused.emit(f"{self._place(row, column)} : {why}")
        )
        self.sites_model.marks_changed.connect(
            lambda: self.refusals_changed.emit(
                [f"{self._place(r, c)} : {why}" for r, c, why in self.sites_model.refusals()]
            )
        )

    def _amount(self, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(FIELD_WIDTH)
        edit.setToolTip(tip)
        return edit

    def _sites_table(self) -> EditableTable:
        """Typed as in the activity grid: Enter goes down, Tab across, a refused value stays."""
        columns = [
            TextColumn(
                f.name,
                f.heading,
                flag=f.flag,
                right=not f.flag and f.name != "name",
                tip=f.tip,
                check=None if f.flag or f.name == "name" else read_number,
            )
            for f in self._fields
        ]
        self.sites_model = TextGridModel(columns, self)
        table = text_grid_table(self.sites_model)
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        from ui.table_columns import attach

        attach(table)  # fits a 1366 px screen: columns to choose, cut texts in tooltips
        return table

    def _place(self, row: int, column: int) -> str:
        """`établissement 2 (CH membre), Stock central (€)`, as the computation says it."""
        heading = self._fields[column].heading.replace("\n", " ")
        return f"{_site_place(row + 1, self._site_row(row))}, {heading}"

    def _layout(self) -> None:
        """The fields in a grid; the establishments apart (`sites_panel`), for the page to
        give them its whole width."""
        checks = QHBoxLayout()
        checks.addWidget(self.centralised)
        checks.addWidget(self.construction)
        checks.addStretch(1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        rows: list[list[tuple[str, QWidget | QHBoxLayout, int]]] = [
            [(self.tr("Nom :"), self.name, 3), (self.tr("GHT :"), self.ght_class, 1)],
            [(self.tr("Type :"), self.kind, 3)],
            [("", checks, 5)],
            [
                (self.tr("Investissements (€) :"), self.investments, 1),
                (self.tr("Surcoûts (€/an) :"), self.extra_operating_costs, 1),
                (self.tr("Étalement (ans) :"), self.annualisation_years, 1),
            ],
        ]
        for row, cells in enumerate(rows):
            column = 0
            for label, widget, span in cells:
                if label:
                    grid.addWidget(QLabel(label), row, column)
                if isinstance(widget, QHBoxLayout):
                    grid.addLayout(widget, row, column + 1, 1, span)
                else:
                    grid.addWidget(widget, row, column + 1, 1, span)
                column += span + 1
        grid.setColumnStretch(6, 1)
        grid.setRowStretch(len(rows), 1)
        site_tools = QHBoxLayout()
        site_tools.addWidget(QLabel(self.tr("Établissements du scénario :")))
        site_tools.addStretch(1)
        site_tools.addWidget(self.add_site_button)
        site_tools.addWidget(self.remove_site_button)
        self.sites_panel = QWidget()
        panel = QVBoxLayout(self.sites_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addLayout(site_tools)
        panel.addWidget(self.sites)

    # Showing and reading -----------------------------------------------------------------

    def show_draft(self, draft: ScenarioDraft) -> None:
        self._loading = True
        self.name.setText(draft.name)
        self.kind.setCurrentIndex(max(self.kind.findData(draft.kind), 0))
        self.centralised.setChecked(draft.centralised)
        self.construction.setChecked(draft.construction)
        self.ght_class.setCurrentIndex(max(self.ght_class.findData(draft.ght_class), 0))
        for name in AMOUNT_FIELDS:
            getattr(self, name).setText(getattr(draft, name))
        self.sites_model.set_rows([self._cells(texts) for texts in draft.sites], {})
        self._fit_sites()
        self._loading = False

    def draft(self) -> ScenarioDraft:
        return ScenarioDraft(
            name=self.name.text(),
            kind=self.kind.currentData(),
            centralised=self.centralised.isChecked(),
            construction=self.construction.isChecked(),
            ght_class=self.ght_class.currentData(),
            investments=self.investments.text(),
            extra_operating_costs=self.extra_operating_costs.text(),
            annualisation_years=self.annualisation_years.text(),
            sites=[self._site_row(row) for row in range(self.sites_model.rowCount())],
        )

    def _site_row(self, row: int) -> dict[str, Any]:
        model = self.sites_model
        return {
            f.name: model.checked(row, f.name) if f.flag else model.text(row, f.name)
            for f in self._fields
        }

    def _cells(self, texts: dict[str, Any]) -> list[Any]:
        return [
            bool(texts.get(f.name)) if f.flag else str(texts.get(f.name) or "")
            for f in self._fields
        ]

    def add_site(self) -> None:
        number = self.sites_model.rowCount() + 1
        name = self.tr("Établissement %1").replace("%1", str(number))
        self.sites_model.append_row(self._cells(new_site(name, support=number == 1)))
        self._fit_sites()
        self.sites.setCurrentIndex(self.sites_model.index(number - 1, 0))
        self._edited()

    def remove_site(self) -> None:
        current = self.sites.currentIndex()
        if current.isValid():
            self.sites_model.remove_row(current.row())
            self._fit_sites()
            self._edited()

    def _fit_sites(self) -> None:
        fit_height(self.sites, max_rows=12)

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()
