"""Journal d'audit: the audit trail for the quality officer — filters, one entry's before and
after, the chain verified in words, and the filtered trail exported to PDF or Excel.

Entries come in pages of PAGE_SIZE from the worker (`services.journal`); the table fetches
the next page when it is scrolled to its end, so a trail of 100,000 entries opens at once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.documents import document_written
from ui.labels import actor_text
from ui.record_table import Index, RecordTableModel, record_table
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.audit.journal import JournalEntry, JournalFilter, JournalPage
    from hospiperf_desktop.audit.service import AuditReport
    from hospiperf_desktop.services import Services

PAGE_SIZE = 200
ALL = ""


class JournalModel(RecordTableModel):
    """Rows are `JournalEntry`s, newest first; more are fetched as the table scrolls."""

    fetch_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.total = 0
        self.fetching = False
        self.headers = (
            self.tr("N°"), self.tr("Date et heure"), self.tr("Profil"), self.tr("Établissement"),
            self.tr("Type de modification"), self.tr("Action"), self.tr("Objet"),
        )  # fmt: skip

    def set_page(self, page: JournalPage) -> None:
        self.total = page.total
        self.fetching = False  # a fetch for the previous filter is thrown away
        self.set_rows(page.entries)

    def append_page(self, page: JournalPage) -> None:
        self.fetching = False
        if not page.entries:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
        self.rows.extend(page.entries)
        self.endInsertRows()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.fetching and self.canFetchMore(parent):
            self.fetching = True
            self.fetch_requested.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        from hospiperf_desktop.audit.exports import object_text, when
        from hospiperf_desktop.audit.journal import action_label, entity_label

        entry: JournalEntry = self.rows[index.row()]
        return (
            str(entry.id), when(entry), actor_text(entry.actor), entry.finess or "—",
            entity_label(entry.entity), action_label(entry.action), object_text(entry),
        )[index.column()]  # fmt: skip


class AuditPage(QWidget):
    """The Journal d'audit section."""

    loaded = Signal()
    verified = Signal()

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.runner = runner
        self.services: Services | None = None
        self._token = 0
        title = QLabel(self.tr("Journal d'audit"))
        title.setObjectName("sectionTitle")
        self.period = QComboBox()
        for label, days in (
            (self.tr("Toute la période"), None), (self.tr("Aujourd'hui"), 0),
            (self.tr("7 derniers jours"), 6), (self.tr("30 derniers jours"), 29),
            (self.tr("12 derniers mois"), 364),
        ):  # fmt: skip
            self.period.addItem(label, days)
        self.profile = QComboBox()
        self.establishment = QComboBox()
        self.kind = QComboBox()
        for combo in (self.period, self.profile, self.establishment, self.kind):
            # Long names (establishments) must not widen the window: the list shows them whole.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(self.reload)
        filters = QHBoxLayout()
        for text, combo in (
            (self.tr("Période :"), self.period), (self.tr("Profil :"), self.profile),
            (self.tr("Établissement :"), self.establishment),
            (self.tr("Type :"), self.kind),
        ):  # fmt: skip
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo, 1)
        self.model = JournalModel(self)
        self.model.fetch_requested.connect(self._fetch_more)
        self.table = record_table(self.model, sortable=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((60, 140, 190, 100, 170, 110)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_entry)
        self.details = QTableWidget(0, 3)
        self.details.setHorizontalHeaderLabels(
            [self.tr("Champ"), self.tr("Avant"), self.tr("Après")]
        )
        self.details.verticalHeader().hide()
        self.details.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.details.setWordWrap(True)
        self.details.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.count = QLabel()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verify_button = QPushButton(self.tr("&Vérifier la chaîne"))
        self.verify_button.clicked.connect(self.verify)
        self.pdf_button = QPushButton(self.tr("Exporter en &PDF…"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.xlsx_button = QPushButton(self.tr("Exporter en &Excel…"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        for button in (self.verify_button, self.pdf_button, self.xlsx_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.verdict)
        layout.addWidget(splitter, 1)

    def set_services(self, services: Services) -> None:
        self.services = services
        if self.isVisible():
            self.refresh_choices()

    def showEvent(self, event: QShowEvent) -> None:
        """Each visit shows the trail as it is now (every other section writes to it)."""
        super().showEvent(event)
        self.refresh_choices()

    def refresh_choices(self) -> None:
        """Fill the profile, establishment and kind lists, then load the entries."""
        services = self.services
        if services is None:
            return

        def load(_progress: Any) -> tuple[list[str], list[str], list[Any]]:
            profiles, kinds = services.journal.choices()
            return profiles, kinds, services.establishments.list()

        self.runner.run(load, on_success=self._fill_choices)

    def _fill_choices(self, choices: tuple[list[str], list[str], list[Any]]) -> None:
        from hospiperf_desktop.audit.journal import entity_label

        profiles, kinds, establishments = choices
        lists = (
            (self.profile, self.tr("Tous les profils"), [(p, p) for p in profiles]),
            (self.establishment, self.tr("Tous les établissements"),
             [(f"{e.name} ({e.finess})", e.finess) for e in establishments]),
            (self.kind, self.tr("Tous les types"), [(entity_label(k), k) for k in kinds]),
        )  # fmt: skip
        for combo, everything, entries in lists:
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, ALL)
            for text, value in entries:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(kept), 0))
            combo.blockSignals(False)
        self.reload()

    def current_filter(self) -> JournalFilter:
        from hospiperf_desktop.audit.journal import JournalFilter

        days = self.period.currentData()
        since = date.today() - timedelta(days=days) if days is not None else None
        return JournalFilter(
            since=since,
            profile=self.profile.currentData() or None,
            establishment=self.establishment.currentData() or None,
            entity=self.kind.currentData() or None,
        )

    def reload(self) -> None:
        services = self.services
        if services is None:
            return
        self._token += 1
        token, wanted = self._token, self.current_filter()

        def show(page: JournalPage) -> None:
            if token != self._token:
                return  # a later filter was chosen meanwhile
            self.model.set_page(page)
            self.details.setRowCount(0)
            self._show_count()
            self.loaded.emit()

        self.runner.run(lambda _p: services.journal.page(wanted, limit=PAGE_SIZE), on_success=show)

    def _fetch_more(self) -> None:
        services = self.services
        if services is None:
            return
        token, wanted, offset = self._token, self.current_filter(), len(self.model.rows)

        def add(page: JournalPage) -> None:
            if token == self._token:
                self.model.append_page(page)
                self._show_count()
                bar = self.table.verticalScrollBar()
                if bar.value() == bar.maximum():  # still at the end (or no bar): go on
                    self.model.fetchMore()
            else:
                self.model.fetching = False

        self.runner.run(
            lambda _p: services.journal.page(wanted, offset=offset, limit=PAGE_SIZE),
            on_success=add,
        )

    def _show_count(self) -> None:
        self.count.setText(
            self.tr("%1 entrée(s) affichée(s) sur %2")
            .replace("%1", str(len(self.model.rows)))
            .replace("%2", str(self.model.total))
        )

    def _show_entry(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.setRowCount(0)
        if not current.isValid():
            return
        from hospiperf_desktop.audit.exports import field_value, fields

        entry: JournalEntry = self.model.row_at(current.row())
        before, after = entry.before or {}, entry.after or {}
        for key, name in fields(entry):
            row = self.details.rowCount()
            self.details.insertRow(row)
            old = field_value(entry, key, before.get(key)) if entry.before is not None else ""
            new = field_value(entry, key, after.get(key)) if entry.after is not None else ""
            for column, text in enumerate((name, old, new)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column and old != new and entry.before is not None and entry.after is not None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.details.setItem(row, column, item)
        self.details.resizeRowsToContents()

    def verify(self) -> None:
        services = self.services
        if services is None:
            return
        self.verify_button.setEnabled(False)

        def show(report: AuditReport) -> None:
            self.verify_button.setEnabled(True)
            self.verdict.setText(self.verdict_text(report))
            self.verified.emit()

        self.runner.run(
            lambda _p: services.audit.verify(),
            on_success=show,
            on_failure=lambda _err: self.verify_button.setEnabled(True),
            label=self.tr("Vérification du journal d'audit…"),
        )

    def verdict_text(self, report: AuditReport) -> str:
        if report.ok:
            return self.tr(
                "La chaîne est intacte : %1 entrée(s) vérifiée(s), aucune n'a été modifiée ni "
                "retirée."
            ).replace("%1", str(report.entries_checked))
        problems = "; ".join(
            (self.tr("entrée %1").replace("%1", str(p.entry_id)) if p.entry_id else self.tr("tête"))
            for p in report.problems[:5]
        )
        return (
            self.tr("La chaîne est ROMPUE : %1 anomalie(s) sur %2 entrée(s) (%3).")
            .replace("%1", str(len(report.problems)))
            .replace("%2", str(report.entries_checked))
            .replace("%3", problems)
        )

    def filters_text(self) -> str:
        parts = [
            combo.currentText()
            for combo in (self.period, self.profile, self.establishment, self.kind)
            if combo.currentIndex() > 0
        ]
        return ", ".join(parts) or self.tr("aucun (tout le journal)")

    def export(self, kind: str) -> None:
        services = self.services
        if services is None:
            return
        from ui.file_dialogs import save_path

        title, suggested, pattern = (
            (self.tr("Exporter le journal en PDF"), "journal-audit.pdf",
             self.tr("Documents PDF (*.pdf)"))
            if kind == "pdf"
            else (self.tr("Exporter le journal en Excel"), "journal-audit.xlsx",
                  self.tr("Classeurs Excel (*.xlsx)"))
        )  # fmt: skip
        target = save_path(self, title, suggested, pattern)
        if target is None:
            return
        wanted, filters = self.current_filter(), self.filters_text()

        def write(_progress: Any) -> int:
            from hospiperf_desktop.audit.exports import write_journal_pdf, write_journal_workbook

            entries = services.journal.page(wanted, limit=None).entries
            report = services.audit.verify()
            writer = write_journal_pdf if kind == "pdf" else write_journal_workbook
            writer(entries, target, filters=filters, report=report)
            return len(entries)

        self.runner.run(
            write,
            on_success=lambda n: document_written(
                self,
                target,
                self.tr("%1 entrée(s) exportée(s) dans %2")
                .replace("%1", str(n))
                .replace("%2", str(target)),
            ),
            label=self.tr("Export du journal d'audit…"),
        )
