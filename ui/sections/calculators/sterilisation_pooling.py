"""Pooling several sterilisation units, in the window: the study on the screen and other
units' study files, with the stated assumptions typed; the units side by side before and
the pooled unit after (`pooling_rows`), the capacity and the assumptions written out."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.sterilisation import (
    PoolingAssumptions,
    PoolingResult,
    Study,
    StudyError,
    pool,
)
from hospiperf_desktop.calculators.sterilisation_outputs import capacity_lines, pooling_rows
from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.progress import Progress
from hospiperf_desktop.stock.cells import CellError, blank, parse_number
from ui.tasks import TaskRunner, show_error

# field → (label, default text, whole number)
FIELDS = {
    "transport": ("Transport ajouté entre les sites (€ par an) :", "0", False),
    "hours_per_day": ("Temps de fonctionnement (h par jour) :", "10", False),
    "days": ("Jours de fonctionnement par an :", "250", True),
    "steriliser_cycle_minutes": ("Durée d'un cycle de stérilisateur (min) :", "60", False),
    "washer_cycle_minutes": ("Durée d'un cycle de laveur (min) :", "60", False),
}


class PoolingDialog(QDialog):
    """The study on the screen pooled with the units' studies added from files."""

    def __init__(self, study: Study, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mutualisation de la stérilisation"))
        self._runner = runner
        self.studies: list[Study] = [study]
        self.result: PoolingResult | None = None
        self.units = QListWidget()
        self.units.setMaximumHeight(90)
        add = QPushButton(self.tr("Ajouter l'étude d'une autre unité…"))
        add.clicked.connect(self.choose_file)
        remove = QPushButton(self.tr("Retirer l'unité choisie"))
        remove.clicked.connect(self.remove_selected)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, (label, default, _whole) in FIELDS.items():
            edit = QLineEdit(default)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(120)
            edit.textEdited.connect(lambda _t: self.calculate())
            self.fields[name] = edit
            form.addRow(self.tr(label), edit)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #a00000;")
        self.table = QTableWidget()
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        unit_buttons = QHBoxLayout()
        unit_buttons.addWidget(add)
        unit_buttons.addWidget(remove)
        unit_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Unités mutualisées</b>")))
        layout.addWidget(self.units)
        layout.addLayout(unit_buttons)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes_label)
        layout.addWidget(buttons)
        self.resize(900, 640)
        self._list_units()
        self.calculate()

    # Units -------------------------------------------------------------------------------

    def _list_units(self) -> None:
        self.units.clear()
        for index, study in enumerate(self.studies):
            name = study.unit or self.tr("Unité %1").replace("%1", str(index + 1))
            where = self.tr(" (étude à l'écran)") if index == 0 else ""
            self.units.addItem(f"{name} — {study.year}{where}")

    def choose_file(self) -> None:
        from ui.file_dialogs import open_path

        path = open_path(
            self,
            self.tr("Étude d'une autre unité"),
            self.tr("Étude (*.xlsx *.xls *.ods *.json)"),
            kind="sterilisation",
        )
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        from hospiperf_desktop.calculators.sterilisation_files import read_study

        def job(_progress: Progress) -> Study:
            return read_study(path)

        def failed(err: BaseException) -> None:
            if not isinstance(err, FileImportError):
                show_error(self, err)
                return
            from ui.messages import import_text

            QMessageBox.critical(self, self.tr("Fichier refusé"), import_text(err))

        self._runner.run(
            job, on_success=self.add_study, on_failure=failed, label=self.tr("Lecture de l'étude…")
        )

    def add_study(self, study: Study) -> None:
        self.studies.append(study)
        self._list_units()
        self.calculate()

    def remove_selected(self) -> None:
        row = self.units.currentRow()
        if row <= 0:  # the study on the screen stays
            return
        del self.studies[row]
        self._list_units()
        self.calculate()

    # Result ------------------------------------------------------------------------------

    def assumptions(self) -> PoolingAssumptions | None:
        values: dict[str, float] = {}
        for name, (label, _default, whole) in FIELDS.items():
            text = self.fields[name].text().replace("€", "").strip()
            try:
                value = 0.0 if blank(text) and name == "transport" else parse_number(text)
            except CellError:
                self.show_problem(
                    self.tr("« %1 » n'est pas un nombre : %2")
                    .replace("%1", text)
                    .replace("%2", self.tr(label).rstrip(" :"))
                )
                return None
            if whole and not value.is_integer():
                self.show_problem(
                    self.tr("%1 : un nombre entier est attendu.").replace(
                        "%1", self.tr(label).rstrip(" :")
                    )
                )
                return None
            values[name] = value
        return PoolingAssumptions(
            transport=values["transport"],
            hours_per_day=values["hours_per_day"],
            days=int(values["days"]),
            steriliser_cycle_minutes=values["steriliser_cycle_minutes"],
            washer_cycle_minutes=values["washer_cycle_minutes"],
        )

    def calculate(self) -> None:
        self.result = None
        assumptions = self.assumptions()
        if assumptions is None:
            self._show(None)
            return
        try:
            self.result = pool(self.studies, assumptions)
        except StudyError as err:
            self.show_problem(self._problem_text(err))
            self._show(None)
            return
        self.show_problem("")
        self._show(self.result)

    def _problem_text(self, err: StudyError) -> str:
        if err.code == "too_few":
            return self.tr("Ajoutez l'étude d'au moins une autre unité.")
        if err.where == "year":
            return self.tr("Les études des unités ne sont pas de la même année.")
        if err.where.startswith("coefficients."):
            return self.tr(
                "Les unités donnent des coefficients différents à la catégorie %1."
            ).replace("%1", err.where.partition(".")[2])
        if err.where in FIELDS:
            return self.tr(
                "%1 : une valeur au-dessus de 0 est attendue (24 h au plus, 366 jours au plus)."
            ).replace("%1", self.tr(FIELDS[err.where][0]).rstrip(" :"))
        return self.tr("Une étude ne peut pas être calculée (%1).").replace("%1", err.where)

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def _show(self, result: PoolingResult | None) -> None:
        if result is None:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.notes_label.clear()
            return
        rows = pooling_rows(result)
        self.table.setColumnCount(len(rows[0]))
        self.table.setHorizontalHeaderLabels(rows[0])
        self.table.setRowCount(len(rows) - 1)
        for r, row in enumerate(rows[1:]):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lines = [self.tr("<b>Capacité de l'unité mutualisée</b>")]
        lines += [escape(line) for line in capacity_lines(result)]
        lines += [self.tr("<b>Hypothèses</b>"), *(escape(s) for s in result.statements)]
        self.notes_label.setText("<br>".join(lines))
