"""The Activité et UO section: one establishment's activity values for a year (or a month),
typed in a grid or imported, and the work units they give."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.after_paint import after_paint
from ui.documents import document_written
from ui.file_dialogs import open_path, save_path
from ui.sections.activity.chooser import EstablishmentChooser, year_spin
from ui.sections.activity.dot_dialog import DotChoiceBox, is_ambiguous
from ui.sections.activity.entry_view import EntryView
from ui.sections.activity.grid_model import ActivityGridModel
from ui.sections.activity.tab import ActivityTab
from ui.sections.activity.texts import period_labels
from ui.sections.activity.unusual_dialog import UnusualImportDialog
from ui.sections.activity.uo_view import WorkUnitsView
from ui.status import show_status
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.activity.service import ActivityImportResult
    from hospiperf_desktop.activity.unusual import Confirmation, UnusualValuesError
    from hospiperf_desktop.errors import FileImportError
    from hospiperf_desktop.number_columns import DotChoice
    from hospiperf_desktop.services import Services


class ActivityPage(QWidget):
    loaded = Signal()  # the establishments are listed

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.unusual_dialog: UnusualImportDialog | None = None
        self.dot_dialog: DotChoiceBox | None = None
        title = QLabel(self.tr("Activité et unités d'œuvre"))
        title.setObjectName("sectionTitle")
        self.establishment = EstablishmentChooser()
        self.establishment.chosen.connect(self._context_changed)
        self.year = year_spin()
        self.year.valueChanged.connect(lambda _y: self._context_changed())
        self.period = QComboBox()
        for month, label in enumerate(period_labels()):
            self.period.addItem(label, month)
        self.period.setToolTip(self.tr("Saisir les valeurs de l'année entière ou d'un mois"))
        self.period.currentIndexChanged.connect(lambda _i: self._context_changed())
        self.import_button = QPushButton(self.tr("Importer…"))
        self.import_button.setToolTip(
            self.tr("Lire les valeurs de l'année dans un classeur (xlsx, xls, ods) ou un CSV")
        )
        self.import_button.clicked.connect(self.import_file)
        self.export_button = QPushButton(self.tr("Exporter Excel…"))
        self.export_button.setToolTip(
            self.tr("Le classeur de l'année, à compléter puis à importer de nouveau")
        )
        self.export_button.clicked.connect(self.export)
        self.hint = QLabel(self.tr("Ajoutez d'abord un établissement (section Établissements)."))
        self.hint.setObjectName("comingSoonBadge")
        self.hint.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Établissement :")))
        top.addWidget(self.establishment, 1)
        top.addWidget(QLabel(self.tr("Année :")))
        top.addWidget(self.year)
        top.addWidget(QLabel(self.tr("Période :")))
        top.addWidget(self.period)

        self.entry = EntryView(runner)
        self.work_units = WorkUnitsView(runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.entry, self.tr("Saisie"))
        self.tabs.addTab(self.work_units, self.tr("Unités d'œuvre"))
        files = QWidget()
        files_layout = QHBoxLayout(files)
        files_layout.setContentsMargins(0, 0, 0, 2)
        files_layout.addWidget(self.import_button)
        files_layout.addWidget(self.export_button)
        self.tabs.setCornerWidget(files)
        # A value typed changes the work units; a table changed may bring new measures.
        self.entry.changed.connect(self._data_changed)
        self.work_units.changed.connect(self._data_changed)
        # The tab not shown loads once the shown one is on screen (`_loaded`): loaded beside
        # it, its work (the work units of every peer) held the GUI thread back while the grid
        # was painted.
        self._after_shown: set[ActivityTab] = set()
        for view in self.views():
            view.loaded.connect(lambda v=view: self._loaded(v))
        self.tabs.currentChanged.connect(lambda _index: self._tab_shown())

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def views(self) -> tuple[ActivityTab, ...]:
        return (self.entry, self.work_units)

    # What tests and other pages read ------------------------------------------------------

    @property
    def grid_model(self) -> ActivityGridModel:
        return self.entry.model

    @property
    def uo_total_label(self) -> QLabel:
        return self.work_units.total_label

    @property
    def uo_delta_label(self) -> QLabel:
        return self.work_units.delta_label

    def measure_row(self, measure_id: str) -> int:
        """The grid row of a measure (-1 if the grid does not list it)."""
        return self.grid_model.index_of(measure_id).row()

    # Establishments ----------------------------------------------------------------------

    def set_services(self, services: Services) -> None:
        self._services = services
        self.setEnabled(True)
        self.reload()

    def reload(self) -> None:
        """List the establishments again (one was added, renamed or removed)."""
        services = self._require()
        self._runner.run(lambda _p: services.establishments.list(), on_success=self._show_list)

    def _show_list(self, establishments: list[Establishment]) -> None:
        self.establishment.show_list(establishments)
        self.hint.setVisible(not establishments)
        self._context_changed(reload=True)  # after a demo load, values may be new too
        self.loaded.emit()

    def current_establishment(self) -> Establishment | None:
        return self.establishment.current()

    def select_establishment(self, establishment_id: int) -> None:
        self.establishment.select(establishment_id)

    def _context_changed(self, reload: bool = False) -> None:
        """Establishment, year or period changed: both tabs show the new choice."""
        if self._services is None:
            return
        establishment = self.current_establishment()
        for button in (self.import_button, self.export_button):
            button.setEnabled(establishment is not None)
        self.tabs.setEnabled(establishment is not None)
        year, month = self.year.value(), self.period.currentData()
        changed = [
            view
            for view in self.views()
            if view.show_context(self._services, establishment, year, month) or reload
        ]
        self._refresh(changed)

    def _data_changed(self) -> None:
        """Values or tables were stored: both tabs show them (the dashboard, built again each
        time it is shown, needs no telling)."""
        self._refresh(self.views())

    def _refresh(self, views: Sequence[ActivityTab]) -> None:
        """The tab shown loads first; the other one once that is painted (`_loaded`)."""
        current = self.tabs.currentWidget()
        if not any(view is current for view in views):
            for view in views:
                view.refresh()
            return
        self._after_shown.update(view for view in views if view is not current)
        for view in views:
            if view is current:
                view.refresh()

    def _loaded(self, view: ActivityTab) -> None:
        if view is not self.tabs.currentWidget() or not self._after_shown:
            return
        waiting = tuple(self._after_shown)
        self._after_shown.clear()
        after_paint(self, lambda: self._refresh(waiting))  # ui/after_paint.py

    def _tab_shown(self) -> None:
        view = self.tabs.currentWidget()
        if isinstance(view, ActivityTab) and view in self._after_shown:
            self._after_shown.discard(view)
            view.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again: values computed from other sections (stock, shortages) may differ."""
        super().showEvent(event)
        if not event.spontaneous() and self.current_establishment() is not None:
            self._refresh(self.views())

    # Files -------------------------------------------------------------------------------

    def import_file(self) -> None:
        services, establishment = self._require(), self.current_establishment()
        if establishment is None:
            return
        year = self.year.value()
        path = open_path(
            self,
            self.tr("Importer les valeurs d'activité de %1").replace("%1", str(year)),
            self.tr("Classeurs et CSV (*.xlsx *.xls *.ods *.csv)"),
            kind="activity",
        )
        if path is None:
            return
        self._import(services, establishment, year, path, None)

    def _import(
        self,
        services: Services,
        establishment: Establishment,
        year: int,
        path: Path,
        confirm: Confirmation | None,
        single_dot: DotChoice | None = None,
    ) -> None:
        def job(progress: Progress) -> ActivityImportResult:
            return services.activity.values.import_file(
                path, establishment.id, year, progress, confirm, single_dot
            )

        def failed(err: BaseException) -> None:
            from hospiperf_desktop.activity.unusual import UnusualValuesError

            if isinstance(err, UnusualValuesError) and confirm is None:
                self._confirm_unusual(err, lambda c: self._import(*again, c, single_dot))
            elif is_ambiguous(err) and single_dot is None:
                self._choose_dot(err, lambda d: self._import(*again, confirm, d))
            else:
                show_error(self, err)

        again = (services, establishment, year, path)
        self._runner.run(
            job,
            on_success=self._imported,
            on_failure=failed,
            on_cancel=lambda: self._status(self.tr("Import annulé : la base est inchangée.")),
            label=self.tr("Import des valeurs d'activité…"),
        )

    def _choose_dot(self, err: FileImportError, rerun: Callable[[DotChoice], None]) -> None:
        """The file's "1.500" could be 1,5 or 1 500: the user says which, or cancels."""
        box = DotChoiceBox(err, self)
        self.dot_dialog = box

        def done(_result: int) -> None:
            self.dot_dialog = None
            choice = box.choice()
            box.deleteLater()
            if choice is None:
                self._status(self.tr("Import annulé : la base est inchangée."))
            else:
                rerun(choice)

        box.finished.connect(done)
        box.open()

    def _confirm_unusual(
        self, err: UnusualValuesError, rerun: Callable[[Confirmation], None]
    ) -> None:
        """The file holds unusual values: the user ticks those to keep and says why."""
        from hospiperf_desktop.activity.unusual import Confirmation

        measures = self._require().activity.values.catalog().measures
        dialog = UnusualImportDialog(list(err.values), measures, self)
        self.unusual_dialog = dialog

        def done(result: int) -> None:
            self.unusual_dialog = None
            dialog.deleteLater()
            if result == UnusualImportDialog.DialogCode.Accepted:
                rerun(Confirmation(dialog.text(), dialog.confirmed()))
            else:
                self._status(self.tr("Import annulé : la base est inchangée."))

        dialog.finished.connect(done)
        dialog.open()

    def _imported(self, result: ActivityImportResult) -> None:
        self._data_changed()
        QMessageBox.information(
            self,
            self.tr("Import terminé"),
            self.tr(
                "%1 : %2 indicateur(s) lu(s) ; %3 valeur(s) enregistrée(s), %4 effacée(s), "
                "%5 inchangée(s)."
            )
            .replace("%1", result.file)
            .replace("%2", str(result.rows))
            .replace("%3", str(result.changed))
            .replace("%4", str(result.cleared))
            .replace("%5", str(result.unchanged))
            + self._unusual_text(result),
        )

    def _unusual_text(self, result: ActivityImportResult) -> str:
        if not (result.justified or result.skipped):
            return ""
        return (
            self.tr("\n%1 valeur(s) inhabituelle(s) confirmée(s), %2 non importée(s).")
            .replace("%1", str(result.justified))
            .replace("%2", str(result.skipped))
        )

    def export(self) -> None:
        services, establishment = self._require(), self.current_establishment()
        if establishment is None:
            return
        year = self.year.value()
        target = save_path(
            self,
            self.tr("Exporter les valeurs d'activité"),
            f"activite-{establishment.finess}-{year}.xlsx",
            "Excel (*.xlsx)",
        )
        if target is None:
            return

        def job(progress: Progress) -> None:
            services.activity.values.export_workbook(establishment.id, year, target, progress)

        self._runner.run(
            job,
            on_success=lambda _r: document_written(self, target),
            on_cancel=lambda: self._status(self.tr("Export annulé : aucun fichier écrit.")),
            label=self.tr("Export des valeurs d'activité…"),
        )

    def _status(self, message: str) -> None:
        show_status(self, message)

    def _require(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services
