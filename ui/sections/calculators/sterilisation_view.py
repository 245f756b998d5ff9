"""Autodiagnostic Stérilisation: the unit's cost study in UO Sté. The form's sections (activity
by category in the simplified and the detailed list, staff, equipment, other costs, cycles)
on the left; the result (total cost and its structure, cost per UO, UO per FTE, cycles) on the
right, recomputed as the user types; a study workbook or JSON file can be imported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.sterilisation import (
    STRUCTURE_PARTS,
    ActivityLine,
    Category,
    Cycles,
    EquipmentLine,
    Premises,
    StaffLine,
    Study,
    StudyError,
    StudyResult,
    compute,
    shipped_table,
)
from hospiperf_desktop.calculators.texts import euros, percent
from hospiperf_desktop.progress import Progress
from hospiperf_desktop.stock.cells import CellError, blank, parse_number
from ui.sections.activity.texts import decimal_text
from ui.sections.calculators.common import TOTAL_STYLE, CalculatorView, Snapshot
from ui.tasks import TaskRunner

FIELD_WIDTH = 110
CHART_DELAY_MS = 300
STAFF_ROWS = ("Pharmacien", "Cadre de santé", "Infirmiers", "Agents de stérilisation", "Logistique")
EQUIPMENT_ROWS = (
    "Laveur-désinfecteur",
    "Stérilisateur vapeur",
    "Stérilisateur basse température",
    "Soudeuse",
)
DEFAULT_YEAR = 2026


def _field(tip: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setMaximumWidth(FIELD_WIDTH)
    edit.setToolTip(tip)
    return edit


def _number_text(value: float | None) -> str:
    return "" if value is None else decimal_text(value, 4).replace("\u00a0", " ")


@dataclass
class _CategoryRow:
    category: Category
    count: QLineEdit
    coefficient: QLineEdit


class SterilisationView(CalculatorView):
    calculator = "sterilisation"
    table_changed = Signal()
    placed = Signal()  # the regional positions are shown

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.table = shipped_table()
        self.study: Study | None = None
        self.result: StudyResult | None = None
        self.chart_timer = QTimer(self)
        self.chart_timer.setSingleShot(True)
        self.chart_timer.setInterval(CHART_DELAY_MS)
        self.chart_timer.timeout.connect(self._draw)
        self.category_rows: dict[str, _CategoryRow] = {}
        self._build()
        self.calculate()

    # Form --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.excel_button.clicked.connect(self.export_workbook)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.import_button = QPushButton(self.tr("Importer une étude…"))
        self.import_button.setToolTip(
            self.tr(
                "Classeur de l'étude (modèle : hospiperf calc sterilisation --template) ou JSON"
            )
        )
        self.import_button.clicked.connect(self.import_study)
        self.extraction_button = QPushButton(self.tr("Importer une extraction…"))
        self.extraction_button.setToolTip(
            self.tr(
                "Export du logiciel de traçabilité (CSV ou Excel) : une ligne par composition "
                "ou lot, avec date, composition ou catégorie, procédé et quantité"
            )
        )
        self.extraction_button.clicked.connect(self.import_extraction)
        self.template_button = QPushButton(self.tr("Modèle Excel…"))
        self.template_button.clicked.connect(self.export_template)
        self.table_button = QPushButton(self.tr("Table des coefficients…"))
        self.table_button.setToolTip(
            self.tr(
                "La table locale des coefficients des catégories, saisie une fois pour toutes "
                "les études (une nouvelle version à chaque enregistrement)"
            )
        )
        self.table_button.setEnabled(False)
        self.table_button.clicked.connect(self.open_table)
        self.table_dialog: Any = None

        self.year = _field()
        self.year.setText(str(DEFAULT_YEAR))
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("Stérilisation centrale"))
        head = QFormLayout()
        # The category table is an input of every study: its button sits with the study's
        # head, which leaves the tab's buttons room at 1366 px.
        year_row = QHBoxLayout()
        year_row.addWidget(self.year)
        year_row.addStretch(1)
        year_row.addWidget(self.table_button)
        head.addRow(self.tr("Année de l'étude :"), year_row)
        head.addRow(self.tr("Unité :"), self.unit)
        self.period = QComboBox()
        for month, name in self.month_names().items():
            self.period.addItem(name, month)
        self.period.setToolTip(
            self.tr("Saisie détaillée : les compositions de chaque mois, ou le total de l'année")
        )
        self.shown_period: int | None = None
        self.entries: dict[int | None, dict[str, str]] = {None: {}}
        self.period.currentIndexChanged.connect(self._period_changed)
        head.addRow(self.tr("Activité saisie pour :"), self.period)

        self.form_tabs = QTabWidget()
        # Short titles: the six tabs fit the form's width on a 1366 px screen.
        self.form_tabs.addTab(self._activity_tab(("simplified", "other")), self.tr("Simplifiée"))
        self.form_tabs.setTabToolTip(
            0, self.tr("Activité : liste simplifiée des catégories, et les autres lignes")
        )
        self.form_tabs.addTab(self._activity_tab(("detailed",)), self.tr("Détaillée"))
        self.form_tabs.setTabToolTip(1, self.tr("Activité : liste détaillée des catégories"))
        self.form_tabs.addTab(self._staff_tab(), self.tr("Personnel"))
        self.form_tabs.addTab(self._equipment_tab(), self.tr("Équipements"))
        self.form_tabs.addTab(self._costs_tab(), self.tr("Autres coûts"))
        self.form_tabs.addTab(self._cycles_tab(), self.tr("Cycles"))
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.form_tabs, 1)

        self.total_label = QLabel()
        self.total_label.setStyleSheet(TOTAL_STYLE)
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures_label = QLabel()
        self.figures_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.structure_label = QLabel()
        self.structure_label.setTextFormat(Qt.TextFormat.RichText)
        self.table_label = QLabel()
        self.table_label.setWordWrap(True)
        self.table_label.setObjectName("itemHelp")
        self.comparisons_label = QLabel()
        self.comparisons_label.setWordWrap(True)
        self.comparisons_label.setTextFormat(Qt.TextFormat.RichText)
        self.regional_label = QLabel()
        self.regional_label.setWordWrap(True)
        self.regional_label.setTextFormat(Qt.TextFormat.RichText)
        self.positions: list[tuple[str, str]] = []  # (indicator, regional position) shown
        self.pooling_button = QPushButton(self.tr("Mutualiser avec d'autres unités…"))
        self.pooling_button.setToolTip(
            self.tr(
                "Cette étude et celles d'autres unités, regroupées en une seule : coût par UO "
                "avant et après, capacité des machines, hypothèses"
            )
        )
        self.pooling_button.clicked.connect(self.open_pooling)
        self.pooling_dialog: Any = None
        result_box = QGroupBox(self.tr("Coût de production de la stérilisation"))
        result_layout = QVBoxLayout(result_box)
        for widget in (
            self.total_label,
            self.figures_label,
            self.structure_label,
            self.comparisons_label,
            self.regional_label,
            self.pooling_button,
            self.table_label,
            self.chart_holder,
        ):
            result_layout.addWidget(widget)
        result_layout.setAlignment(self.pooling_button, Qt.AlignmentFlag.AlignLeft)
        result_layout.addStretch(1)
        result_scroll = QScrollArea()
        result_scroll.setWidgetResizable(True)
        result_scroll.setFrameShape(QFrame.Shape.NoFrame)
        result_scroll.setWidget(result_box)

        body = QHBoxLayout()
        body.addLayout(left, 6)
        body.addWidget(result_scroll, 5)
        layout = QVBoxLayout(self)
        layout.addLayout(
            self.tools(self.import_button, self.extraction_button, self.template_button)
        )
        layout.addWidget(self.origin_label)
        layout.addWidget(self.problem_label)
        layout.addLayout(body, 1)
        own_rows = {id(e) for row in (*self.staff_rows, *self.equipment_rows) for e in row}
        for edit in self.findChildren(QLineEdit):
            if id(edit) not in own_rows:
                edit.textEdited.connect(lambda _t: self.calculate())

    # The table in force -------------------------------------------------------------------

    def set_context(self, services: Any, establishment: Any) -> None:
        super().set_context(services, establishment)
        self.table_button.setEnabled(True)
        self.reload_table()

    def reload_table(self) -> None:
        """Read the category table in force (ARS package, local copy, shipped) in the worker."""
        tables = self.services.sterilisation_tables
        self._runner.run(lambda _p: tables.in_force(), on_success=self.use_table)

    def use_table(self, table: Any) -> None:
        if table == self.table:
            return  # unchanged: what is on screen (perhaps a file just read) is left alone
        self.table = table
        for category_id, row in self.category_rows.items():
            known = table.get(category_id)
            if known is None:
                row.coefficient.setPlaceholderText("")
                row.coefficient.setToolTip(self.tr("Catégorie absente de la table en vigueur"))
                continue
            value = decimal_text(known.coefficient)
            row.coefficient.setPlaceholderText(value + (" ?" if known.provisional else ""))
            row.coefficient.setToolTip(
                (
                    self.tr("Vide : coefficient provisoire de la table (%1)")
                    if known.provisional
                    else self.tr("Vide : coefficient de la table (%1)")
                ).replace("%1", value)
            )
        self.calculate()
        self.table_changed.emit()

    def open_table(self) -> None:
        from ui.sections.calculators.sterilisation_table_dialog import SterilisationTableDialog

        self.table_dialog = SterilisationTableDialog(self.services, self._runner, self)
        self.table_dialog.saved.connect(lambda _t: self.reload_table())
        self.table_dialog.open()

    def month_names(self) -> dict[int | None, str]:
        names = (
            self.tr("janvier"), self.tr("février"), self.tr("mars"), self.tr("avril"),
            self.tr("mai"), self.tr("juin"), self.tr("juillet"), self.tr("août"),
            self.tr("septembre"), self.tr("octobre"), self.tr("novembre"), self.tr("décembre"),
        )  # fmt: skip
        return {None: self.tr("l'année entière"), **dict(enumerate(names, start=1))}

    def _keep_period(self) -> None:
        """The counts on screen belong to the period shown."""
        self.entries[self.shown_period] = {
            category_id: row.count.text()
            for category_id, row in self.category_rows.items()
            if row.count.text().strip()
        }

    def _show_period(self, period: int | None) -> None:
        shown = self.entries.get(period, {})
        for category_id, row in self.category_rows.items():
            row.count.blockSignals(True)
            row.count.setText(shown.get(category_id, ""))
            row.count.blockSignals(False)
        self.shown_period = period

    def _period_changed(self, _index: int) -> None:
        self._keep_period()
        self._show_period(self.period.currentData())
        self.calculate()

    def _scrolled(self, inner: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        return scroll

    def _activity_tab(self, lists: tuple[str, ...]) -> QScrollArea:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.addWidget(QLabel(self.tr("<b>Catégorie</b>")), 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Compositions</b>")), 0, 1)
        grid.addWidget(QLabel(self.tr("<b>Coefficient</b>")), 0, 2)
        row = 1
        for category in self.table.categories:
            if category.list not in lists:
                continue
            process = self.tr("vapeur") if category.process == "vapeur" else self.tr("basse temp.")
            # Labels naming their process already ("Sachet unitaire (vapeur)") keep it once.
            named = category.label.endswith(("(vapeur)", "(basse température)"))
            text = category.label if named else f"{category.label} ({process})"
            label = QLabel(f"{category.id} — {text}")
            label.setWordWrap(True)
            count = _field()
            coefficient = _field(
                self.tr("Vide : coefficient provisoire de la table (%1)").replace(
                    "%1", decimal_text(category.coefficient)
                )
            )
            coefficient.setPlaceholderText(decimal_text(category.coefficient) + " ?")
            grid.addWidget(label, row, 0)
            grid.addWidget(count, row, 1)
            grid.addWidget(coefficient, row, 2)
            self.category_rows[category.id] = _CategoryRow(category, count, coefficient)
            row += 1
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(row, 1)
        return self._scrolled(inner)

    def _staff_tab(self) -> QScrollArea:
        inner = QWidget()
        grid = QGridLayout(inner)
        for column, text in enumerate(
            (self.tr("<b>Grade</b>"), self.tr("<b>ETP</b>"), self.tr("<b>Coût annuel par ETP</b>"))
        ):
            grid.addWidget(QLabel(text), 0, column)
        self.staff_grid = grid
        self.staff_rows: list[tuple[QLineEdit, QLineEdit, QLineEdit]] = []
        for grade in STAFF_ROWS:
            self._add_staff_row(grade)
        grid.setColumnStretch(0, 1)
        outer = QWidget()
        outer_layout = QVBoxLayout(outer)
        outer_layout.addWidget(inner)
        outer_layout.addStretch(1)
        return self._scrolled(outer)

    def _add_staff_row(self, grade: str) -> None:
        row = len(self.staff_rows) + 1
        edits = (QLineEdit(grade), _field(), _field())
        for column, edit in enumerate(edits):
            self.staff_grid.addWidget(edit, row, column)
            edit.textEdited.connect(lambda _t: self.calculate())
        self.staff_rows.append(edits)

    def _equipment_tab(self) -> QScrollArea:
        inner = QWidget()
        grid = QGridLayout(inner)
        headings = (
            self.tr("<b>Équipement</b>"),
            self.tr("<b>Valeur d'achat</b>"),
            self.tr("<b>Année d'achat</b>"),
            self.tr("<b>Amortissement (ans)</b>"),
            self.tr("<b>Maintenance par an</b>"),
        )
        for column, text in enumerate(headings):
            heading = QLabel(text)
            heading.setWordWrap(True)  # two lines rather than a scroll bar at 1366 px
            grid.addWidget(heading, 0, column)
        self.equipment_grid = grid
        self.equipment_rows: list[tuple[QLineEdit, ...]] = []
        for kind in EQUIPMENT_ROWS:
            self._add_equipment_row(kind)
        grid.setColumnStretch(0, 1)
        outer = QWidget()
        outer_layout = QVBoxLayout(outer)
        outer_layout.addWidget(inner)
        outer_layout.addStretch(1)
        return self._scrolled(outer)

    def _add_equipment_row(self, kind: str) -> None:
        row = len(self.equipment_rows) + 1
        edits = (QLineEdit(kind), _field(), _field(), _field(), _field())
        for column, edit in enumerate(edits):
            self.equipment_grid.addWidget(edit, row, column)
            edit.textEdited.connect(lambda _t: self.calculate())
        self.equipment_rows.append(edits)

    def _costs_tab(self) -> QScrollArea:
        inner = QWidget()
        form = QFormLayout(inner)
        self.consumables = _field()
        self.energy = _field()
        self.premises_m2 = _field()
        self.premises_cost = _field()
        self.software = _field()
        self.transport = _field()
        self.overhead = _field(self.tr("En pourcentage du coût direct"))
        form.addRow(
            self.tr("Consommables (emballages, tests, détergents), €/an :"), self.consumables
        )
        form.addRow(self.tr("Énergie, eau et vapeur, €/an :"), self.energy)
        form.addRow(self.tr("Surface des locaux, m² :"), self.premises_m2)
        form.addRow(self.tr("Coût annuel par m², € :"), self.premises_cost)
        form.addRow(self.tr("Logiciel de traçabilité, €/an :"), self.software)
        form.addRow(self.tr("Transport entre sites et services, €/an :"), self.transport)
        form.addRow(self.tr("Frais de structure, % :"), self.overhead)
        return self._scrolled(inner)

    def _cycles_tab(self) -> QScrollArea:
        inner = QWidget()
        form = QFormLayout(inner)
        self.sterilisers = _field()
        self.cycles = _field()
        self.days = _field()
        self.loaded = _field()
        self.per_cycle = _field()
        self.washers = _field()
        self.washer_cycles = _field()
        form.addRow(self.tr("Stérilisateurs :"), self.sterilisers)
        form.addRow(self.tr("Cycles de stérilisation dans l'année :"), self.cycles)
        form.addRow(self.tr("Jours de fonctionnement :"), self.days)
        form.addRow(self.tr("Paniers chargés dans l'année :"), self.loaded)
        form.addRow(self.tr("Paniers par cycle (capacité) :"), self.per_cycle)
        form.addRow(self.tr("Laveurs-désinfecteurs :"), self.washers)
        form.addRow(self.tr("Cycles de lavage dans l'année :"), self.washer_cycles)
        return self._scrolled(inner)

    # Reading -----------------------------------------------------------------------------

    def read(self) -> Study | None:
        problems: list[str] = []

        def number(edit: QLineEdit | str, where: str, whole: bool = False) -> float | None:
            typed = edit if isinstance(edit, str) else edit.text()
            text = typed.strip().replace("€", "").replace("%", "").strip()
            if blank(text):
                return None
            try:
                value = parse_number(text)
            except CellError:
                problems.append(
                    self.tr("%1 : « %2 » n'est pas un nombre")
                    .replace("%1", where)
                    .replace("%2", typed.strip())
                )
                return None
            if value < 0 or (whole and value != int(value)):
                problems.append(
                    self.tr("%1 : « %2 » n'est pas accepté (nombre positif%3)")
                    .replace("%1", where)
                    .replace("%2", typed.strip())
                    .replace("%3", self.tr(", entier") if whole else "")
                )
                return None
            return value

        year = number(self.year, self.tr("Année"), whole=True)
        if year is None or not 1990 <= year <= 2100:
            problems.append(self.tr("Année : une année entre 1990 et 2100"))
        self._keep_period()
        activity, coefficients = [], {}
        months = self.month_names()
        for row in self.category_rows.values():
            where = row.category.id
            own = number(row.coefficient, self.tr("coefficient %1").replace("%1", where))
            if own is not None:
                coefficients[row.category.id] = own
            periods = [p for p in self.entries if self.entries[p].get(where, "").strip()]
            if None in periods and len(periods) > 1:
                problems.append(
                    self.tr("%1 : saisi à la fois pour l'année entière et par mois").replace(
                        "%1", where
                    )
                )
                continue
            for period in sorted(periods, key=lambda p: p or 0):
                label = where if period is None else f"{where} ({months[period]})"
                count = number(self.entries[period][where], label)
                if count:
                    activity.append(
                        ActivityLine(row.category.id, row.category.process, count, period)
                    )
        staff = []
        for index, (name, fte_edit, cost_edit) in enumerate(self.staff_rows, start=1):
            where = self.tr("Personnel, ligne %1").replace("%1", str(index))
            fte, cost = number(fte_edit, where), number(cost_edit, where)
            if fte or cost:
                staff.append(StaffLine(name.text().strip(), fte or 0.0, cost or 0.0))
        equipment = []
        for index, (kind, value_edit, year_edit, years_edit, upkeep_edit) in enumerate(
            self.equipment_rows, start=1
        ):
            where = self.tr("Équipements, ligne %1").replace("%1", str(index))
            value = number(value_edit, where)
            bought = number(year_edit, where, whole=True)
            years = number(years_edit, where, whole=True)
            upkeep = number(upkeep_edit, where)
            if value is None and upkeep is None:
                continue
            if value and (bought is None or not years):
                problems.append(
                    self.tr(
                        "%1 : l'année d'achat et la durée d'amortissement sont requises"
                    ).replace("%1", where)
                )
                continue
            equipment.append(
                EquipmentLine(
                    kind.text().strip(),
                    value or 0.0,
                    int(bought or year or DEFAULT_YEAR),
                    int(years or 1),
                    upkeep or 0.0,
                )
            )
        amounts = {
            name: number(getattr(self, name), label) or 0.0
            for name, label in (
                ("consumables", self.tr("Consommables")),
                ("energy", self.tr("Énergie")),
                ("premises_m2", self.tr("Surface")),
                ("premises_cost", self.tr("Coût par m²")),
                ("software", self.tr("Logiciel")),
                ("transport", self.tr("Transport")),
                ("overhead", self.tr("Frais de structure")),
            )
        }
        cycle_values = {
            name: number(getattr(self, name), label, whole=name != "per_cycle")
            for name, label in (
                ("sterilisers", self.tr("Stérilisateurs")),
                ("cycles", self.tr("Cycles")),
                ("days", self.tr("Jours")),
                ("loaded", self.tr("Paniers chargés")),
                ("per_cycle", self.tr("Paniers par cycle")),
                ("washers", self.tr("Laveurs")),
                ("washer_cycles", self.tr("Cycles de lavage")),
            )
        }
        cycles = None
        if any(cycle_values[k] is not None for k in ("sterilisers", "cycles", "days")):
            if any(cycle_values[k] is None for k in ("sterilisers", "cycles", "days")):
                problems.append(
                    self.tr(
                        "Cycles : le nombre de stérilisateurs, de cycles et de jours vont ensemble"
                    )
                )
            else:
                cycles = Cycles(
                    int(cycle_values["sterilisers"] or 0),
                    int(cycle_values["cycles"] or 0),
                    int(cycle_values["days"] or 0),
                    cycle_values["loaded"],
                    cycle_values["per_cycle"],
                    None if cycle_values["washers"] is None else int(cycle_values["washers"]),
                    None
                    if cycle_values["washer_cycles"] is None
                    else int(cycle_values["washer_cycles"]),
                )
        if problems or year is None:
            self.show_problems(problems)
            return None
        study = Study(
            year=int(year),
            unit=self.unit.text().strip(),
            activity=tuple(activity),
            staff=tuple(staff),
            equipment=tuple(equipment),
            consumables=amounts["consumables"],
            energy=amounts["energy"],
            premises=Premises(amounts["premises_m2"], amounts["premises_cost"]),
            software=amounts["software"],
            transport=amounts["transport"],
            overhead_rate=amounts["overhead"] / 100,
            coefficients=coefficients,
            cycles=cycles,
        )
        return study

    def calculate(self) -> bool:
        study = self.read()
        if study is None:
            self._clear()
            return False
        try:
            result = compute(study, self.table)
        except StudyError as err:
            self.show_problems([err.message])
            self._clear()
            return False
        self.show_problems([])
        self.study, self.result = study, result
        self._show(result)
        return True

    # Showing -----------------------------------------------------------------------------

    def _clear(self) -> None:
        """No result while a value is wrong: nothing stale stays on screen."""
        self.study = self.result = None
        self.total_label.setText("—")
        for label in (
            self.figures_label,
            self.structure_label,
            self.comparisons_label,
            self.regional_label,
        ):
            label.clear()
        self.positions = []
        self.clear_chart()

    def _show(self, result: StudyResult) -> None:
        self.total_label.setText(self.tr("%1 par an").replace("%1", euros(result.total_cost)))
        cost_per_uo = (
            "—" if result.cost_per_uo is None else decimal_text(result.cost_per_uo, 2) + "\u00a0€"
        )
        lines = [
            self.tr("Activité : %1 UO Sté (vapeur %2, basse température %3)")
            .replace("%1", decimal_text(result.uo_total, 0))
            .replace("%2", decimal_text(result.uo_by_process["vapeur"], 0))
            .replace("%3", decimal_text(result.uo_by_process["basse_temperature"], 0)),
            self.tr("Coût par UO Sté : %1").replace("%1", cost_per_uo),
            self.tr("UO Sté par ETP : %1 (%2 ETP)")
            .replace("%1", "—" if result.uo_per_fte is None else decimal_text(result.uo_per_fte, 0))
            .replace("%2", decimal_text(result.fte, 2)),
        ]
        if result.cycles_per_steriliser_day is not None:
            lines.append(
                self.tr("Cycles par stérilisateur et par jour : %1").replace(
                    "%1", decimal_text(result.cycles_per_steriliser_day, 1)
                )
            )
        if result.load_rate is not None:
            lines.append(
                self.tr("Taux de charge des stérilisateurs : %1").replace(
                    "%1", percent(result.load_rate)
                )
            )
        self.figures_label.setText("\n".join(lines))
        labels = _structure_labels()
        rows = "".join(
            f"<tr><td>{labels[p]}</td><td align='right'>&nbsp;&nbsp;{euros(result.structure[p])}"
            f"</td><td align='right'>&nbsp;&nbsp;"
            f"{percent(result.structure[p] / result.total_cost if result.total_cost else None)}"
            "</td></tr>"
            for p in STRUCTURE_PARTS
        )
        self.structure_label.setText(self.tr("<b>Structure du coût</b>") + f"<table>{rows}</table>")
        origin = {
            "package": self.tr("référentiel ARS (%1)").replace("%1", result.table_publisher),
            "local": self.tr("table locale"),
        }.get(result.table_origin, self.tr("table livrée"))
        note = (
            self.tr("Table des UO Sté : %1, version %2.")
            .replace("%1", origin)
            .replace("%2", result.table_version)
        )
        if result.provisional:
            note += " " + self.tr(
                "Résultat PROVISOIRE : coefficient de la table non confirmé pour %1 ; saisissez "
                "vos coefficients dans la colonne « Coefficient »."
            ).replace("%1", ", ".join(result.provisional_categories))
        if any(period is not None and counts for period, counts in self.entries.items()):
            note += " " + self.tr(
                "Activité saisie par mois : le résultat porte sur l'année (somme des mois)."
            )
        self.table_label.setText(note)
        self.comparisons_label.clear()
        self.regional_label.clear()
        self.positions = []
        if self.isVisible():  # the chart and the comparisons once typing pauses
            self.chart_timer.start()
        self.computed.emit()

    def _compare(self, result: StudyResult) -> None:
        establishment = self.establishment
        if establishment is None or self._services is None:
            return
        services, year = self.services, result.year

        def shown(found: list[dict[str, Any]]) -> None:
            if self.result is not result or not found:
                return
            rows = "".join(
                f"<li>{c['label']} ({c['year']}) : "
                + (
                    "—"
                    if c["cost_per_uo"] is None
                    else decimal_text(c["cost_per_uo"], 2) + "&nbsp;€"
                )
                + self.tr(" par UO")
                + "</li>"
                for c in found
            )
            self.comparisons_label.setText(self.tr("<b>Comparaisons</b>") + f"<ul>{rows}</ul>")

        self._runner.run(
            lambda _p: services.calculators.sterilisation_comparisons(establishment.id, year),
            on_success=shown,
        )

    def _place_regionally(self, result: StudyResult) -> None:
        """Cost per UO Sté and UO Sté per FTE against an installed benchmarks file."""
        establishment = self.establishment
        if establishment is None or self._services is None:
            return
        library = self.services.library

        def job(_progress: Progress) -> list[Any]:
            return library.sterilisation_positions(result, establishment)

        def shown(placed: list[Any]) -> None:
            if self.result is not result or not placed:
                return
            labels = {
                "cost_per_uo": self.tr("Coût par UO Sté"),
                "per_fte": self.tr("UO Sté par ETP"),
            }
            self.positions = [(labels[p.id], p.position.text) for p in placed]
            rows = "".join(f"<li>{label} : {text}</li>" for label, text in self.positions)
            self.regional_label.setText(self.tr("<b>Position régionale</b>") + f"<ul>{rows}</ul>")
            self.placed.emit()

        self._runner.run(job, on_success=shown)

    def _draw(self) -> None:
        result = self.result
        if result is None:
            return
        token = result
        self._compare(result)
        self._place_regionally(result)

        def job(_progress: Progress) -> bytes:
            from hospiperf_desktop.activity.dashboard_outputs import chart_png
            from hospiperf_desktop.calculators.sterilisation_outputs import structure_figure
            from ui.sections.diagnostics.charts import SCREEN_DPI

            return chart_png(structure_figure(token), SCREEN_DPI)

        def shown(png: bytes) -> None:
            from ui.sections.diagnostics.charts import ChartLabel

            if self.result is token:
                self._set_chart(ChartLabel(png))
                self.chart_shown.emit()

        self._runner.run(job, on_success=shown)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.result is not None and self.chart is None:
            self.chart_timer.start()

    # Files -------------------------------------------------------------------------------

    def import_study(self) -> None:
        from ui.file_dialogs import open_path

        path = open_path(
            self,
            self.tr("Importer une étude de stérilisation"),
            self.tr("Étude (*.xlsx *.xls *.ods *.json)"),
            kind="sterilisation",
        )
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        from hospiperf_desktop.calculators.sterilisation_files import read_study

        self.read_file(
            lambda: read_study(path),
            self._loaded,
            self.tr("Lecture de l'étude…"),
            self.tr(
                "Attendu : le classeur de l'étude (feuilles Étude, Activité, Coefficients, "
                "Personnel, Équipements) ou le JSON décrit dans docs/sterilisation.md."
            ),
        )

    def import_extraction(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from ui.file_dialogs import open_path

        export = open_path(
            self,
            self.tr("Importer l'extraction du logiciel de traçabilité"),
            self.tr("Extraction (*.csv *.xlsx *.xls *.ods)"),
            kind="sterilisation-export",
        )
        if export is None:
            return
        mapping = None
        answer = QMessageBox.question(
            self,
            self.tr("Profil de correspondance"),
            self.tr(
                "Les compositions de l'extraction portent-elles les noms du logiciel ? Si oui, "
                "choisissez le profil de correspondance (JSON) qui les rattache aux catégories."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            mapping = open_path(
                self,
                self.tr("Profil de correspondance"),
                self.tr("Profil (*.json)"),
                kind="sterilisation-mapping",
            )
            if mapping is None:
                return
        self.load_extraction(export, mapping)

    def load_extraction(self, export: Path, mapping: Path | None = None) -> None:
        """Replace the activity by the export's, for the year in the form."""
        from hospiperf_desktop.calculators.sterilisation_extraction import (
            ExtractionMapping,
            read_extraction,
            read_mapping,
        )

        study = self.read()
        if study is None:
            return
        year = study.year

        def read() -> Any:
            profile = read_mapping(mapping) if mapping is not None else ExtractionMapping()
            return read_extraction(export, year, profile)

        self.read_file(
            read,
            self._extracted,
            self.tr("Lecture de l'extraction…"),
            self.tr(
                "Attendu : une ligne par composition ou lot, avec les colonnes Date, "
                "Composition (ou Catégorie), Procédé et, si besoin, Quantité ; toutes les dates "
                "dans l'année de l'étude (%1)."
            ).replace("%1", str(year)),
        )

    def _extracted(self, extraction: Any) -> None:
        study = self.study or self.read()
        if study is None:
            return
        from dataclasses import replace

        self.restore(replace(study, activity=extraction.activity))
        self.status(
            self.tr("Extraction importée : %1 lignes, du %2 au %3.")
            .replace("%1", decimal_text(extraction.lines, 0))
            .replace("%2", f"{extraction.first:%d/%m/%Y}")
            .replace("%3", f"{extraction.last:%d/%m/%Y}")
        )

    def _loaded(self, study: Study) -> None:
        self.restore(study)
        self.status(self.tr("Étude importée."))

    def open_pooling(self) -> None:
        """The pooling of this study with other units' (the study must compute first)."""
        from PySide6.QtWidgets import QMessageBox

        from ui.sections.calculators.sterilisation_pooling import PoolingDialog

        if not self.calculate() or self.study is None:
            QMessageBox.information(
                self,
                self.tr("Mutualisation"),
                self.tr(
                    "Complétez d'abord l'étude de cette unité : elle doit pouvoir être calculée."
                ),
            )
            return
        self.pooling_dialog = PoolingDialog(self.study, self._runner, self)
        self.pooling_dialog.open()

    def export_template(self) -> None:
        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.sterilisation_outputs import write_study_workbook

            progress.check_cancelled()
            write_study_workbook(None, target)

        self.edition(
            self.tr("Enregistrer le modèle de l'étude"),
            "etude-sterilisation-modele.xlsx",
            "Excel (*.xlsx)",
            write,
            self.tr("Écriture du modèle…"),
        )

    def export_workbook(self) -> None:
        if not self.calculate() or self.study is None or self.result is None:
            return
        study, result = self.study, self.result

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.sterilisation_outputs import write_study_workbook

            progress.check_cancelled()
            write_study_workbook(study, target, result)

        self.edition(
            self.tr("Exporter l'étude de stérilisation"),
            self.file_name(f"etude-sterilisation-{study.year}", "xlsx"),
            "Excel (*.xlsx)",
            write,
            self.tr("Export de l'étude…"),
        )

    def export_pdf(self) -> None:
        if not self.calculate() or self.study is None or self.result is None:
            return
        study, result = self.study, self.result
        subtitle = self.subtitle(study.unit or self.tr("Étude de stérilisation"))
        positions = tuple(self.positions)

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.sterilisation_outputs import study_pdf

            study_pdf(study, result, target, subtitle, progress=progress, positions=positions)

        self.edition(
            self.tr("Imprimer l'étude de stérilisation en PDF"),
            self.file_name(f"etude-sterilisation-{study.year}", "pdf"),
            "PDF (*.pdf)",
            write,
            self.tr("Préparation du PDF…"),
        )

    # Kept scenarios ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        from hospiperf_desktop.calculators.sterilisation_files import study_to_data

        if not self.calculate() or self.study is None or self.result is None:
            return None
        return Snapshot(
            self.tr("Étude %1").replace("%1", str(self.study.year)),
            study_to_data(self.study),
            self.result,
            self.result.table_version,
        )

    @staticmethod
    def rebuild(inputs: dict[str, Any]) -> Study:
        from hospiperf_desktop.calculators.sterilisation_files import study_from_data

        return study_from_data(inputs, "scenario")

    def restore(self, inputs: Any) -> None:
        study: Study = inputs
        while len(self.staff_rows) < len(study.staff):
            self._add_staff_row("")
        while len(self.equipment_rows) < len(study.equipment):
            self._add_equipment_row("")
        for edit in self.findChildren(QLineEdit):
            edit.blockSignals(True)
        self.year.setText(str(study.year))
        self.unit.setText(study.unit)
        totals: dict[tuple[int | None, str], float] = {}
        for line in study.activity:
            key = (line.month, line.category)
            totals[key] = totals.get(key, 0.0) + line.count
        self.entries = {None: {}}
        for (month, category_id), count in totals.items():
            self.entries.setdefault(month, {})[category_id] = _number_text(count)
        first = min((m for m in self.entries if m is not None and self.entries[m]), default=None)
        self.period.blockSignals(True)
        self.period.setCurrentIndex(max(self.period.findData(first), 0))
        self.period.blockSignals(False)
        self._show_period(first)
        for category_id, row in self.category_rows.items():
            row.coefficient.setText(_number_text(study.coefficients.get(category_id)))
        for index, (name, fte, cost) in enumerate(self.staff_rows):
            line = study.staff[index] if index < len(study.staff) else None
            name.setText(
                line.grade if line else (STAFF_ROWS[index] if index < len(STAFF_ROWS) else "")
            )
            fte.setText(_number_text(line.fte if line else None))
            cost.setText(_number_text(line.cost_per_fte if line else None))
        for index, edits in enumerate(self.equipment_rows):
            item = study.equipment[index] if index < len(study.equipment) else None
            edits[0].setText(
                item.kind
                if item
                else (EQUIPMENT_ROWS[index] if index < len(EQUIPMENT_ROWS) else "")
            )
            values = (
                (item.purchase_value, item.purchase_year, item.depreciation_years,
                 item.maintenance_per_year)
                if item
                else (None, None, None, None)
            )  # fmt: skip
            for edit, value in zip(edits[1:], values, strict=True):
                edit.setText(_number_text(value))
        self.consumables.setText(_number_text(study.consumables or None))
        self.energy.setText(_number_text(study.energy or None))
        self.premises_m2.setText(_number_text(study.premises.m2 or None))
        self.premises_cost.setText(_number_text(study.premises.cost_per_m2 or None))
        self.software.setText(_number_text(study.software or None))
        self.transport.setText(_number_text(study.transport or None))
        self.overhead.setText(_number_text(study.overhead_rate * 100 or None))
        c = study.cycles
        for edit, value in (
            (self.sterilisers, c.sterilisers if c else None),
            (self.cycles, c.cycles if c else None),
            (self.days, c.days if c else None),
            (self.loaded, c.loaded_units if c else None),
            (self.per_cycle, c.units_per_cycle if c else None),
            (self.washers, c.washers if c else None),
            (self.washer_cycles, c.washer_cycles if c else None),
        ):
            edit.setText(_number_text(value))
        for edit in self.findChildren(QLineEdit):
            edit.blockSignals(False)
        self.calculate()


def _structure_labels() -> dict[str, str]:
    from hospiperf_desktop.calculators.params import parameters

    return dict(parameters("sterilisation")["structure_labels"])
