"""The Establishments section: a searchable list with add, edit and delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.errors import FieldIssue, ValidationError
from hospiperf_desktop.establishments.model import (
    DeletedEstablishment,
    Establishment,
    EstablishmentContents,
    EstablishmentInput,
)
from ui.record_table import record_table
from ui.sections.establishment_delete_dialog import DeleteEstablishmentDialog
from ui.sections.establishment_dialog import EstablishmentDialog
from ui.sections.establishment_model import EstablishmentTableModel
from ui.status import show_status
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class EstablishmentsView(QWidget):
    """Lists establishments; every change goes through EstablishmentService in the worker.

    At start-up the list may first come from `show_preview()` (read without the services,
    establishments/peek.py): it can be read and searched, and its buttons wait for the
    services."""

    changed = Signal()
    listed = Signal()  # rows on screen, from the services or the start-up preview
    loaded = Signal()  # rows on screen from the services

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.dialog: EstablishmentDialog | None = None
        self.delete_dialog: DeleteEstablishmentDialog | None = None
        self.model = EstablishmentTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        # The model's sort role gives French collation keys (accents among their letter).
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self._build()
        self.setEnabled(False)

    def _build(self) -> None:
        title = QLabel(self.tr("Établissements"))
        title.setObjectName("sectionTitle")
        self.search = QLineEdit(placeholderText=self.tr("Rechercher (nom, FINESS, région, GHT…)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.add_button = QPushButton(self.tr("Ajouter…"))
        self.edit_button = QPushButton(self.tr("Modifier…"))
        self.delete_button = QPushButton(self.tr("Supprimer…"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        self.table = record_table(self.proxy)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.count_label = QLabel()

        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            tools.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._update_buttons()

    def set_services(self, services: Services, rows: list[Establishment] | None = None) -> None:
        """Attach the opened services; `rows`, when the caller already listed them, are shown
        without another trip to the database."""
        self._services = services
        self.setEnabled(True)
        if rows is None:
            self.reload()
        elif rows == self.model.rows:  # as previewed: the user's selection stays
            self._update_buttons()
            self.listed.emit()
            self.loaded.emit()
        else:
            self._show_rows(rows)

    def show_preview(self, rows: list[Establishment]) -> None:
        """The list read before the services are open; ignored once they are."""
        if self._services is not None:
            return
        self.setEnabled(True)
        self._list(rows)

    def reload(self) -> None:
        services = self._require_services()
        self._runner.run(lambda _p: services.establishments.list(), on_success=self._show_rows)

    def _show_rows(self, rows: list[Establishment]) -> None:
        self._list(rows)
        self.loaded.emit()

    def _list(self, rows: list[Establishment]) -> None:
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("%n établissement(s)", "", len(rows)))
        self._update_buttons()
        self.listed.emit()

    def selected(self) -> Establishment | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def _update_buttons(self) -> None:
        has_selection = self.table.selectionModel().hasSelection()
        is_open = self._services is not None
        self.add_button.setEnabled(is_open)
        self.edit_button.setEnabled(has_selection and is_open)
        self.delete_button.setEnabled(has_selection and is_open)

    def add(self) -> None:
        services = self._require_services()
        self._open_dialog(None, lambda data: services.establishments.add(data))

    def edit_selected(self) -> None:
        record = self.selected()
        if record is None or self._services is None:  # a double-click on the preview
            return
        services = self._require_services()
        self._open_dialog(record, lambda data: services.establishments.update(record.id, data))

    def _open_dialog(
        self, existing: Establishment | None, save: Callable[[EstablishmentInput], Establishment]
    ) -> None:
        def submit(data: EstablishmentInput, done: Callable[[list[FieldIssue]], None]) -> None:
            def failed(err: BaseException) -> None:
                if isinstance(err, ValidationError):
                    done(list(err.issues))
                else:
                    done([])
                    show_error(self, err)

            def succeeded(_record: Establishment) -> None:
                done([])
                self.changed.emit()
                self.reload()

            self._runner.run(lambda _p: save(data), on_success=succeeded, on_failure=failed)

        self.dialog = EstablishmentDialog(self, submit, existing)
        self.dialog.open()

    def delete_selected(self) -> None:
        """An empty establishment is deleted after a yes; one that holds data through
        DeleteEstablishmentDialog (what goes, its name typed, a copy of the base first)."""
        record = self.selected()
        if record is None:
            return
        services = self._require_services()

        def decide(contents: EstablishmentContents) -> None:
            if contents.empty:
                self._delete_empty(record)
            else:
                self._delete_with_data(record, contents)

        self._runner.run(lambda _p: services.establishments.contents(record.id), on_success=decide)

    def _delete_empty(self, record: Establishment) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Supprimer l'établissement"),
            self.tr(
                "Supprimer « %1 » (FINESS %2) ?\n\nLa suppression est tracée dans le "
                "journal d'audit et ne peut pas être annulée."
            )
            .replace("%1", record.name)
            .replace("%2", record.finess),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        services = self._require_services()
        self._runner.run(
            lambda _p: services.establishments.delete(record.id), on_success=self._deleted
        )

    def _delete_with_data(self, record: Establishment, contents: EstablishmentContents) -> None:
        services = self._require_services()
        folder = str(services.database_path.parent / "backups")
        self.delete_dialog = DeleteEstablishmentDialog(self, record, contents, folder)

        def confirmed() -> None:
            typed = self.delete_dialog.typed_name() if self.delete_dialog else ""
            self._runner.run(
                lambda _p: services.establishments.delete_with_data(record.id, typed),
                on_success=self._deleted_with_data,
                label=self.tr("Copie de la base puis suppression…"),
            )

        self.delete_dialog.accepted.connect(confirmed)
        self.delete_dialog.open()

    def _deleted(self, _result: object) -> None:
        self.changed.emit()
        self.reload()

    def _deleted_with_data(self, deleted: DeletedEstablishment) -> None:
        show_status(
            self,
            self.tr("« %1 » supprimé ; copie de la base avant suppression : %2")
            .replace("%1", deleted.establishment.name)
            .replace("%2", deleted.backup or ""),
        )
        self._deleted(deleted)

    def _require_services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services
