"""Importing a pharmacy-software export: file → column mapping → validation → import.

Every step that reads the file runs in the worker through the TaskRunner, with a progress
dialog (over the wizard) whose Cancel really stops it. Nothing is written before the last
page, and the import itself is all or nothing: a cancel leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
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
    QWizard,
    QWizardPage,
)

from hospiperf_desktop.errors import ConflictError, FileImportError, SourceIssue
from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.number_columns import DotChoice
from hospiperf_desktop.progress import Progress
from hospiperf_desktop.stock.mapping import (
    FIELDS,
    NUMERIC_FIELDS,
    ColumnMapping,
    ImportKind,
    missing_fields,
)
from hospiperf_desktop.stock.records import ImportOptions, ImportResult, MappingRecord, OnOverlap
from hospiperf_desktop.tabular import column_letter, fold
from ui.file_dialogs import open_path
from ui.labels import import_kind_labels
from ui.messages import conflict_text, error_text, field_label, source_issue_text
from ui.sections.stock.common import day_text, number
from ui.sections.stock.import_checks import NumbersPanel, UnusualPanel
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services
    from hospiperf_desktop.stock.reading import Preview

FILE_PATTERN = "*.csv *.xlsx *.xlsm *.xls *.ods"
NO_COLUMN = "—"
SHOWN_ISSUES = 200  # problems listed on the validation page (all are counted)
ERROR_STYLE = "color: #8a1c1c"


def ask_duplicate(parent: QWidget, text: str) -> bool:
    """Import a file whose exact content was imported before? (Tests replace this.)"""
    answer = QMessageBox.question(
        parent,
        parent.tr("Fichier déjà importé"),
        text + "\n\n" + parent.tr("Importer quand même ?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_overlap(parent: QWidget, text: str) -> OnOverlap | None:
    """Replace or add to the data already imported for the same period? None: give up."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("Période déjà importée"))
    box.setText(text)
    box.setInformativeText(
        parent.tr(
            "Remplacer : les lignes déjà importées pour ces dates sont retirées et remplacées "
            "par celles du fichier.\nAjouter : les lignes du fichier s'ajoutent aux précédentes."
        )
    )
    replace_button = box.addButton(parent.tr("Remplacer"), QMessageBox.ButtonRole.AcceptRole)
    append_button = box.addButton(parent.tr("Ajouter"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(parent.tr("Annuler"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if clicked is replace_button:
        return OnOverlap.REPLACE
    if clicked is append_button:
        return OnOverlap.APPEND
    return None


class _Phases:
    """The core reports reading the rows, then inserting them, each from 0 to N: one bar
    going from 0 to 2N shows both in turn."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        total = total or 0
        if message == "inserted":
            done += total
        self._progress.report(done, 2 * total, message)

    def check_cancelled(self) -> None:
        self._progress.check_cancelled()


@dataclass(frozen=True)
class Checked:
    """What the validation step keeps of the file read: counts and problems, not the rows."""

    rows: int
    products: int
    first_date: date | None
    last_date: date | None
    issues: tuple[SourceIssue, ...]
    issue_count: int
    rejected_lines: int
    unusual: tuple[SourceIssue, ...] = ()  # outside their plausible bounds (the first ones)
    unusual_count: int = 0


class ImportWizard(QWizard):
    imported = Signal(object)  # ImportResult, once the import is done

    def __init__(
        self,
        runner: TaskRunner,
        services: Services,
        establishment: Establishment,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = services
        self.establishment = establishment
        self.busy = False
        self.import_result: ImportResult | None = None
        self.setWindowTitle(
            self.tr("Importer un fichier de stock — %1").replace("%1", establishment.name)
        )
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.run_page = RunPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.run_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Importer"))
        # On the last page the import runs (its progress dialog has Annuler) or is done:
        # a Cancel beside Terminer would promise to undo what is already recorded.
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        # 1040×720 where there is room; on a 1366×768 laptop, what is left by the window's
        # title bar and the taskbar (about 90 px).
        room = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1040, room.width() - 40), min(720, room.height() - 90))
        imports = services.stock.imports
        self.run_job(lambda _p: imports.mappings(), self.file_page.set_mappings)

    # What the pages chose ----------------------------------------------------------------

    def path(self) -> Path:
        return Path(self.file_page.path.text().strip())

    def kind(self) -> ImportKind:
        return self.file_page.chosen_kind()

    def import_options(self) -> ImportOptions:
        page = self.file_page
        snapshot_date = page.snapshot_date.date().toPython()
        name = self.mapping_page.save_as.text().strip() or page.profile.currentData() or None
        # The date given applies only when no column holds the date of the count.
        dated = "snapshot_date" in self.mapping_page.mapping().columns
        return ImportOptions(
            snapshot_date=(
                snapshot_date if self.kind() is ImportKind.SNAPSHOT and not dated else None
            ),
            default_category=page.category.currentData(),
            mapping_name=name,
            single_dot=self.mapping_page.dot_choice(),
            confirm_unusual=self.check_page.justification(),
        )

    # Jobs --------------------------------------------------------------------------------

    def run_job(
        self,
        fn: Callable[[Progress], Any],
        on_success: Callable[[Any], None],
        *,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        label: str | None = None,
    ) -> None:
        """A job in the shared worker; the wizard is locked (no Back, no Cancel) meanwhile."""
        self._set_busy(True)

        def ended(then: Callable[..., None] | None, *args: Any) -> None:
            self._set_busy(False)
            if then is not None:
                then(*args)

        self.runner.run(
            fn,
            on_success=lambda result: ended(on_success, result),
            on_failure=lambda err: ended(on_failure or self._show_error, err),
            on_cancel=lambda: ended(on_cancel),
            label=label,
            parent=self,
        )

    def _show_error(self, err: BaseException) -> None:
        QMessageBox.critical(self, self.tr("Erreur"), error_text(err))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        page = self.currentPage()
        if page is not None:
            page.completeChanged.emit()  # Qt recomputes Next/Finish (and Back) from here
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if busy or which == QWizard.WizardButton.CancelButton:
                button.setEnabled(not busy)

    def reject(self) -> None:
        if not self.busy:  # a job's answer must find the wizard alive
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
        else:
            super().closeEvent(event)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._mappings: list[MappingRecord] = []
        self.setTitle(self.tr("Fichier à importer"))
        self.setSubTitle(
            self.tr(
                "Un export de votre logiciel de pharmacie : inventaire (le stock à une date) ou "
                "mouvements (entrées et sorties), en .csv, .xlsx, .xls ou .ods."
            )
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("Chemin du fichier"))
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton(self.tr("Parcourir…"))
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.kind = QComboBox()
        kinds = import_kind_labels()
        self.kind.addItem(kinds["snapshot"], ImportKind.SNAPSHOT)
        self.kind.addItem(kinds["movements"], ImportKind.MOVEMENTS)
        self.profile = QComboBox()
        self.snapshot_date = QDateEdit(calendarPopup=True)
        self.snapshot_date.setDisplayFormat("dd/MM/yyyy")
        self.snapshot_date.setDate(QDate.currentDate())
        self.snapshot_label = QLabel(self.tr("Date de l'inventaire :"))
        date_help = QLabel(self.tr("utilisée quand le fichier n'a pas de colonne de date"))
        date_help.setObjectName("itemHelp")
        date_row = QHBoxLayout()
        date_row.addWidget(self.snapshot_date)
        date_row.addWidget(date_help, 1)
        self.category = QComboBox()
        for category in wizard.services.stock.params.categories:
            self.category.addItem(category.label, category.id)
        self.category.setCurrentIndex(self.category.findData("medicament"))
        category_help = QLabel(
            self.tr("pour les nouveaux produits quand le fichier n'a pas de colonne de catégorie")
        )
        category_help.setObjectName("itemHelp")
        category_help.setWordWrap(True)
        form = QFormLayout()
        self.form = form
        form.addRow(self.tr("Fichier :"), path_row)
        form.addRow(self.tr("Type de fichier :"), self.kind)
        form.addRow(self.tr("Profil de colonnes :"), self.profile)
        form.addRow(self.snapshot_label, date_row)
        self._date_row = form.rowCount() - 1
        form.addRow(self.tr("Catégorie par défaut :"), self.category)
        form.addRow("", category_help)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def browse(self) -> None:
        chosen = open_path(
            self,
            self.tr("Fichier à importer"),
            self.tr("Exports (%1);;Tous les fichiers (*)").replace("%1", FILE_PATTERN),
            kind="stock",
        )
        if chosen is not None:
            self.path.setText(str(chosen))

    def set_mappings(self, mappings: list[MappingRecord]) -> None:
        self._mappings = mappings
        self._kind_changed()

    def chosen_kind(self) -> ImportKind:
        # Qt hands a str subclass back as a plain str: make it the enumeration again.
        return ImportKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.chosen_kind()
        chosen = self.profile.currentData()
        self.profile.clear()
        self.profile.addItem(self.tr("Reconnaissance automatique"), None)
        for record in self._mappings:
            if record.kind == kind.value:
                self.profile.addItem(record.name, record.name)
        self.profile.setCurrentIndex(max(self.profile.findData(chosen), 0))
        self.form.setRowVisible(self._date_row, kind is ImportKind.SNAPSHOT)

    def mapping_record(self) -> MappingRecord | None:
        name = self.profile.currentData()
        return next((m for m in self._mappings if m.name == name), None)

    def isComplete(self) -> bool:
        text = self.path.text().strip()
        return bool(text) and Path(text).is_file() and not self._wizard.busy


class MappingPage(QWizardPage):
    ready = Signal()  # the preview is shown

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.preview: Preview | None = None
        self._loaded_for: tuple[Any, ...] | None = None
        self.combos: dict[str, QComboBox] = {}
        self.setTitle(self.tr("Correspondance des colonnes"))
        self.setSubTitle(
            self.tr(
                "Vérifiez quelle colonne du fichier contient chaque information. Les "
                "colonnes reconnues sont déjà choisies."
            )
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(10)
        self.legend = QLabel()
        self.legend.setObjectName("itemHelp")
        self.legend.setWordWrap(True)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet(ERROR_STYLE)
        self.save_as = QLineEdit()
        self.save_as.setPlaceholderText(self.tr("ex. : Pharma — inventaire mensuel"))
        save_row = QHBoxLayout()
        save_row.addWidget(QLabel(self.tr("Enregistrer ce profil sous :")))
        save_row.addWidget(self.save_as, 1)
        self.numbers = NumbersPanel()
        self.numbers.changed.connect(self.completeChanged.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.fields)
        layout.addWidget(self.legend)
        layout.addWidget(self.missing)
        layout.addWidget(self.numbers)
        layout.addLayout(save_row)

    def initializePage(self) -> None:
        wizard = self._wizard
        record = wizard.file_page.mapping_record()
        wanted = (wizard.path(), wizard.kind(), record.name if record else None)
        if wanted == self._loaded_for:
            return  # back and forth: keep the user's choices
        self._loaded_for = None
        self.preview = None
        self.save_as.setText(record.name if record else "")
        self._clear()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Lecture du fichier…"))
        path, kind = wanted[0], wanted[1]
        saved = ColumnMapping(kind, dict(record.columns)) if record else None
        imports = wizard.services.stock.imports

        def shown(preview: Preview) -> None:
            self._loaded_for = wanted
            self._show(preview, saved)

        def failed(err: BaseException) -> None:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(error_text(err))
            self.completeChanged.emit()

        wizard.run_job(
            lambda _p: imports.preview(path, kind, saved),
            shown,
            on_failure=failed,
            label=self.tr("Lecture du fichier…"),
        )

    def _clear(self) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        while self.fields.count():
            item = self.fields.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.combos = {}
        self.legend.clear()
        self.missing.clear()
        self.numbers.reset()

    def _show(self, preview: Preview, saved: ColumnMapping | None) -> None:
        self.preview = preview
        self.status.setText(
            self.tr("%1 : %2 ligne(s) de données ; titres des colonnes ligne %3. Aperçu :")
            .replace("%1", preview.file)
            .replace("%2", number(preview.row_count))
            .replace("%3", str(preview.header_line))
        )
        self._fill_table(preview)
        self._fill_fields(preview)
        absent = []
        if saved is not None:
            known = {fold(h) for h in preview.headers}
            absent = [
                self.tr("« %1 » (%2)").replace("%1", heading).replace("%2", field_label(name))
                for name, heading in saved.columns.items()
                if fold(heading) not in known
            ]
        if absent:
            self.status.setText(
                self.status.text()
                + "<br><span style='color:#8a1c1c'>"
                + self.tr("Colonnes du profil absentes de ce fichier : %1").replace(
                    "%1", ", ".join(absent)
                )
                + "</span>"
            )
        self._mapping_changed()
        self.ready.emit()

    def _fill_table(self, preview: Preview) -> None:
        headers = preview.headers
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(preview.rows))
        self.table.setVerticalHeaderLabels([str(line) for line, _cells in preview.rows])
        for row, (_line, cells) in enumerate(preview.rows):
            for column in range(len(headers)):
                value = cells[column] if column < len(cells) else ""
                self.table.setItem(row, column, QTableWidgetItem(_cell_text(value)))
        self._label_columns()

    def _label_columns(self) -> None:
        """Each heading of the preview says which field it feeds, if any."""
        if self.preview is None:
            return
        fed: dict[str, list[str]] = {}
        for name, combo in self.combos.items():
            if combo.currentData():
                fed.setdefault(combo.currentData(), []).append(field_label(name))
        labels = []
        for index, heading in enumerate(self.preview.headers):
            text = f"{column_letter(index)} · {heading}"
            if heading in fed:
                text += "\n→ " + ", ".join(fed[heading])
            labels.append(text)
        self.table.setHorizontalHeaderLabels(labels)

    def _fill_fields(self, preview: Preview) -> None:
        kind = preview.mapping.kind
        groups = [m for m in missing_fields(ColumnMapping(kind, {}), True) if "|" in m]
        in_group = {name for group in groups for name in group.split("|")}
        headings = [h for h in preview.headers if h]
        per_column = 3
        for position, spec in enumerate(FIELDS[kind]):
            mark = " *" if spec.required else " °" if spec.name in in_group else ""
            text = field_label(spec.name)
            if kind is ImportKind.MOVEMENTS and spec.name == "quantity":
                text = self.tr("Quantité signée (+ entrée, − sortie)")
            label = QLabel(text + mark + " :")
            combo = QComboBox()
            combo.addItem(NO_COLUMN, None)
            for index, heading in enumerate(preview.headers):
                if heading:
                    combo.addItem(f"{column_letter(index)} · {heading}", heading)
            chosen = preview.mapping.columns.get(spec.name)
            if chosen is not None:
                match = next((h for h in headings if fold(h) == fold(chosen)), None)
                combo.setCurrentIndex(max(combo.findData(match), 0) if match else 0)
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.combos[spec.name] = combo
            row, column = divmod(position, per_column)
            self.fields.addWidget(label, row, 2 * column, Qt.AlignmentFlag.AlignRight)
            self.fields.addWidget(combo, row, 2 * column + 1)
        for column in range(per_column):
            self.fields.setColumnStretch(2 * column + 1, 1)
        alternatives = [field_label(group) for group in groups]
        self.legend.setText(
            self.tr("* obligatoire")
            + (
                self.tr(" ; ° au moins un de : %1").replace("%1", " — ".join(alternatives))
                if alternatives
                else ""
            )
        )

    def dot_choice(self) -> DotChoice | None:
        return self.numbers.choice()

    def _show_numbers(self, preview: Preview) -> None:
        mapping = self.mapping()
        at: dict[str, int] = {}
        for index, heading in enumerate(preview.headers):
            at.setdefault(fold(heading), index)
        fields: dict[int, list[str]] = {}
        for name in NUMERIC_FIELDS:
            index = at.get(fold(mapping.columns.get(name, "")))
            if name in mapping.columns and index is not None:
                fields.setdefault(index, []).append(field_label(name))
        self.numbers.show_columns(
            preview.mapped_numbers(mapping), {i: ", ".join(f) for i, f in fields.items()}
        )

    def mapping(self) -> ColumnMapping:
        kind = self.preview.mapping.kind if self.preview else self._wizard.kind()
        columns = {name: combo.currentData() for name, combo in self.combos.items()}
        return ColumnMapping(kind, {k: v for k, v in columns.items() if v})

    def missing_fields(self) -> list[str]:
        mapping = self.mapping()
        return missing_fields(mapping, has_snapshot_date=mapping.kind is ImportKind.SNAPSHOT)

    def _mapping_changed(self) -> None:
        self._label_columns()
        if self.preview is not None:
            self._show_numbers(self.preview)
        missing = self.missing_fields() if self.preview is not None else []
        self.missing.setText(
            self.tr("Choisissez une colonne pour : %1").replace(
                "%1", ", ".join(field_label(m) for m in missing)
            )
            if missing
            else ""
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (
            self.preview is not None
            and not self.missing_fields()
            and not self.numbers.unresolved()
            and not self._wizard.busy
        )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if not value.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return number(value, 0) if value.is_integer() else str(value).replace(".", ",")
    return str(value)


class CheckPage(QWizardPage):
    checked = Signal()  # the validation ended (ready, refused, failed or cancelled)

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.outcome: Checked | None = None
        self.setTitle(self.tr("Vérification"))
        self.setSubTitle(
            self.tr("Chaque ligne est lue et contrôlée. Rien n'est encore enregistré.")
        )
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.problems = QListWidget()
        self.problems.setAlternatingRowColors(True)
        self.problems.hide()
        self.again = QPushButton(self.tr("Vérifier de nouveau"))
        self.again.clicked.connect(self.start)
        self.again.hide()
        again_row = QHBoxLayout()
        again_row.addWidget(self.again)
        again_row.addStretch(1)
        self.unusual = UnusualPanel()
        self.unusual.changed.connect(self.completeChanged.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.unusual, 1)
        layout.addLayout(again_row)
        layout.addStretch(0)

    def justification(self) -> str:
        return self.unusual.justification()

    def initializePage(self) -> None:
        self.start()

    def start(self) -> None:
        wizard = self._wizard
        self.outcome = None
        self.problems.clear()
        self.problems.hide()
        self.unusual.clear()
        self.again.hide()
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Vérification du fichier…"))
        path, mapping = wizard.path(), wizard.mapping_page.mapping()
        options = wizard.import_options()
        establishment_id = wizard.establishment.id
        imports = wizard.services.stock.imports

        def job(progress: Progress) -> Checked:
            parsed = imports.check(establishment_id, path, mapping, options, progress)
            return Checked(
                rows=len(parsed.records),
                products=len(parsed.products),
                first_date=parsed.first_date,
                last_date=parsed.last_date,
                issues=tuple(parsed.issues[:SHOWN_ISSUES]),
                issue_count=len(parsed.issues),
                rejected_lines=len(parsed.rejected_lines),
                unusual=tuple(parsed.unusual[:SHOWN_ISSUES]),
                unusual_count=len(parsed.unusual),
            )

        wizard.run_job(
            job,
            self._show,
            on_failure=self._failed,
            on_cancel=self._cancelled,
            label=self.tr("Vérification du fichier…"),
        )

    def _show(self, checked: Checked) -> None:
        self.outcome = checked
        if checked.issue_count:
            self._refuse(list(checked.issues), checked.issue_count, checked.rejected_lines)
        else:
            period = (
                self.tr(", période du %1 au %2")
                .replace("%1", day_text(checked.first_date))
                .replace("%2", day_text(checked.last_date))
                if checked.first_date and checked.first_date != checked.last_date
                else self.tr(", au %1").replace("%1", day_text(checked.first_date))
                if checked.first_date
                else ""
            )
            self.summary.setText(
                "<b>"
                + self.tr("%1 ligne(s) prête(s) à importer%2.")
                .replace("%1", number(checked.rows))
                .replace("%2", period)
                + "</b><br>"
                + self.tr(
                    "%1 produit(s) dans le fichier. « Importer » enregistre le tout."
                ).replace("%1", number(checked.products))
            )
            if checked.unusual_count:
                self.unusual.show_values(checked.unusual, checked.unusual_count)
        self.completeChanged.emit()
        self.checked.emit()

    def _refuse(self, issues: list[SourceIssue], count: int, lines: int) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(
            "<b>"
            + self.tr("Le fichier est refusé : %1 problème(s) sur %2 ligne(s).")
            .replace("%1", number(count))
            .replace("%2", number(lines))
            + "</b><br>"
            + self.tr(
                "Rien n'a été importé. Corrigez le fichier (ou revenez à la correspondance des "
                "colonnes), puis vérifiez de nouveau."
            )
        )
        for issue in issues:
            self.problems.addItem(source_issue_text(issue))
        if count > len(issues):
            self.problems.addItem(
                self.tr("… et %1 autre(s) problème(s)").replace("%1", number(count - len(issues)))
            )
        self.problems.show()
        self.again.show()

    def _failed(self, err: BaseException) -> None:
        if isinstance(err, FileImportError):
            lines = len({i.line for i in err.issues if i.line is not None})
            self._refuse(list(err.issues[:SHOWN_ISSUES]), len(err.issues), lines)
        else:
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(error_text(err))
            self.again.show()
        self.completeChanged.emit()
        self.checked.emit()

    def _cancelled(self) -> None:
        self.summary.setText(self.tr("Vérification annulée."))
        self.again.show()
        self.completeChanged.emit()
        self.checked.emit()

    def ready(self) -> bool:
        return self.outcome is not None and self.outcome.issue_count == 0

    def isComplete(self) -> bool:
        return self.ready() and self.unusual.confirmed() and not self._wizard.busy


class RunPage(QWizardPage):
    finished_import = Signal()  # the import ended (done, refused, failed or cancelled)

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.done = False
        self.setTitle(self.tr("Import"))
        self.setSubTitle(
            self.tr("Tout le fichier est enregistré, ou rien : annuler laisse la base inchangée.")
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.again = QPushButton(self.tr("Relancer l'import"))
        self.again.clicked.connect(lambda: self.start(self._wizard.import_options()))
        self.again.hide()
        again_row = QHBoxLayout()
        again_row.addWidget(self.again)
        again_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(again_row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.start(self._wizard.import_options())

    def start(self, options: ImportOptions) -> None:
        wizard = self._wizard
        self.done = False
        self.again.hide()
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Import en cours…"))
        path, mapping = wizard.path(), wizard.mapping_page.mapping()
        establishment_id = wizard.establishment.id
        imports = wizard.services.stock.imports

        def job(progress: Progress) -> ImportResult:
            return imports.run(establishment_id, path, mapping, options, _Phases(progress))

        wizard.run_job(
            job,
            lambda result: self._imported(result, mapping),
            on_failure=lambda err: self._failed(err, options),
            on_cancel=lambda: self._end(
                self.tr("Import annulé : la base de données est inchangée.")
            ),
            label=self.tr("Import en cours…"),
        )

    def _imported(self, result: ImportResult, mapping: ColumnMapping) -> None:
        wizard = self._wizard
        wizard.import_result = result
        lines = [self._result_text(result)]
        name = wizard.mapping_page.save_as.text().strip()
        if not name:
            self._end("<br>".join(lines), imported=True)
            return
        imports = wizard.services.stock.imports

        def saved(_record: MappingRecord) -> None:
            lines.append(self.tr("Profil de colonnes « %1 » enregistré.").replace("%1", name))
            self._end("<br>".join(lines), imported=True)

        def not_saved(err: BaseException) -> None:
            lines.append(
                self.tr("Le profil de colonnes n'a pas été enregistré : %1").replace(
                    "%1", error_text(err)
                )
            )
            self._end("<br>".join(lines), imported=True)

        wizard.run_job(lambda _p: imports.save_mapping(name, mapping), saved, on_failure=not_saved)

    def _result_text(self, result: ImportResult) -> str:
        text = "<b>" + self.tr("%1 ligne(s) importée(s)").replace("%1", number(result.imported))
        if result.first_date and result.last_date and result.first_date != result.last_date:
            text += (
                self.tr(" du %1 au %2")
                .replace("%1", day_text(result.first_date))
                .replace("%2", day_text(result.last_date))
            )
        elif result.first_date:
            text += self.tr(" au %1").replace("%1", day_text(result.first_date))
        text += ".</b>"
        parts = [text]
        if result.products_created:
            parts.append(
                self.tr("%1 nouveau(x) produit(s).").replace("%1", number(result.products_created))
            )
        if result.products_defaulted:
            category = self._wizard.file_page.category.currentText()
            parts.append(
                self.tr(
                    "%1 produit(s) classé(s) dans la catégorie par défaut « %2 » : vérifiez-les "
                    "dans l'onglet Produits."
                )
                .replace("%1", number(result.products_defaulted))
                .replace("%2", category)
            )
        if result.replaced:
            parts.append(
                self.tr("%1 ligne(s) importée(s) auparavant remplacée(s).").replace(
                    "%1", number(result.replaced)
                )
            )
        return "<br>".join(parts)

    def _failed(self, err: BaseException, options: ImportOptions) -> None:
        wizard = self._wizard
        if isinstance(err, ConflictError) and err.reason == "duplicate_file":
            if ask_duplicate(wizard, conflict_text(err)):
                self.start(replace(options, allow_duplicate=True))
                return
        elif isinstance(err, ConflictError) and err.reason == "stock_overlap":
            choice = ask_overlap(wizard, conflict_text(err))
            if choice is not None:
                self.start(replace(options, on_overlap=choice))
                return
        else:
            self._end(error_text(err).replace("\n", "<br>"), failed=True)
            return
        self._end(self.tr("Import abandonné : rien n'a été enregistré."))

    def _end(self, text: str, *, imported: bool = False, failed: bool = False) -> None:
        self.summary.setStyleSheet(ERROR_STYLE if failed else "")
        self.summary.setText(text)
        self.done = True
        self.again.setVisible(not imported)
        if imported:
            # Done: nothing is left to cancel, and "annuler laisse la base inchangée" is past.
            self.setSubTitle(self.tr("L'import est terminé et enregistré."))
        self.completeChanged.emit()
        self.finished_import.emit()
        if imported and self._wizard.import_result is not None:
            self._wizard.imported.emit(self._wizard.import_result)

    def isComplete(self) -> bool:
        return self.done and not self._wizard.busy
