"""Unités d'œuvre: the year's work units by a coefficient table, N-1, ratios, other
establishments, and the local copies of a table a pharmacy may change."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.activity.texts import format_delta, format_pct, format_value
from hospiperf_desktop.activity.uo_tables import UoGroupTotal, UoItem, UoLine, UoTable
from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.plausibility import Unusual
from ui.editable_table import EditableTable
from ui.labels import actor_text, datetime_text
from ui.messages import error_text
from ui.record_table import fit_height, record_table
from ui.sections.activity.counts_model import COUNT, CountsContext, CountsModel
from ui.sections.activity.tab import ActivityTab
from ui.sections.activity.texts import decimal_text
from ui.sections.activity.unusual_dialog import UnusualValueDialog
from ui.sections.activity.uo_dialogs import CopyTableDialog, LineDialog
from ui.sections.stock.common import (
    ABOVE_TARGET_BACKGROUND,
    Column,
    ColumnsTableModel,
    RecordFilter,
    sort_number,
    stock_table,
)
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.activity.module import ActivityModule
    from hospiperf_desktop.activity.work_units import PeerRow, RecordedResult, UoReport
    from hospiperf_desktop.library.benchmarks import Position
    from hospiperf_desktop.library.positions import Peers
    from hospiperf_desktop.services import Services

DEFAULT_TABLE = "uo-pharma"
TOTAL_STYLE = "font-size: 28px; font-weight: 600;"
NOTE_STYLE = "background: #fff4d6; color: #6b4e00; padding: 6px 10px; border-radius: 4px;"


@dataclass(frozen=True)
class UoLoaded:
    tables: list[UoTable]
    table: UoTable
    report: UoReport
    peers: list[PeerRow]
    recorded: list[RecordedResult]  # of this year and table, latest first
    fte_label: str | None  # the staff measure UO per FTE divides by
    count_measures: list[tuple[str, str]]  # what a new line may count: (id, label)
    counts: CountsContext  # what typing a count in the lines needs
    # "per_fte" / "per_bed" → the regional quartile (empty without benchmarks or peers)
    benchmarks: dict[str, Position] = field(default_factory=dict)


def read_work_units(
    module: ActivityModule,
    establishment_id: int,
    year: int,
    table_id: str | None,
    regional: Peers | None = None,
) -> UoLoaded:
    """Run in the worker: the tables, the chosen one's result, peers and recorded results,
    and where the ratios stand among the regional benchmarks (`regional`)."""
    tables = module.tables.all()
    table = next((t for t in tables if t.id == table_id), None) or module.tables.get(DEFAULT_TABLE)
    work_units = module.work_units
    catalog = module.values.catalog()
    measures = catalog.measures
    fte = table.fte_measure
    counted = {item.measure for item in table.items}
    resolved = module.values.resolved(establishment_id, year, with_stock=False)
    previous = module.values.resolved(establishment_id, year - 1, with_stock=False)
    entered = module.values.entered(establishment_id, year)
    counts = CountsContext(
        owner=(establishment_id, year, table.id),
        measures={m: measures[m] for m in counted if m in measures},
        entered={m: entered[m][0] for m in counted if 0 in entered.get(m, {})},
        computed=frozenset(m for m in counted if m in resolved and resolved[m].computed),
        previous={m: previous[m].value for m in counted if m in previous},
    )
    from hospiperf_desktop.library.positions import work_unit_positions

    report = work_units.compute(establishment_id, year, table.id)
    benchmarks = {}
    if regional is not None and regional.items:
        benchmarks = work_unit_positions(
            regional.items,
            table.id,
            {"per_fte": report.per_fte, "per_bed": report.per_bed},
            kind=regional.kind,
            finess=regional.finess,
            year=year,
        )
    return UoLoaded(
        tables=tables,
        table=table,
        report=report,
        peers=work_units.peers(year, table.id),
        recorded=[
            r
            for r in work_units.recorded(establishment_id)
            if r.year == year and r.table_id == table.id
        ],
        fte_label=measures[fte].label if fte in measures else None,
        count_measures=[
            (m.id, m.label) for m in measures.values() if m.unit == "count" and not m.local
        ],
        counts=counts,
        benchmarks=benchmarks,
    )


def _regional(placed: Position | None) -> str:
    """' — 3ᵉ quartile régional des CH, 38 établissements, données 2026' (rich text)."""
    return "" if placed is None else f" — <i>{html.escape(placed.text)}</i>"


def uo_text(value: float | None) -> str:
    return "—" if value is None else decimal_text(value, 1)


class WorkUnitsView(ActivityTab):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.shown: UoLoaded | None = None
        self.dialog: CopyTableDialog | LineDialog | UnusualValueDialog | None = None
        self._table_id: str | None = None
        self.lines_model = CountsModel(self._line_columns(), self)
        self.lines_model.background = lambda line, _c: (
            ABOVE_TARGET_BACKGROUND if line.count is None else None
        )
        self.lines_model.edited.connect(self._save_count)
        self.lines_model.refused.connect(lambda _measure, why: self.status(why))
        self.lines_model.unusual.connect(self._ask_confirmation)
        self.groups_model = ColumnsTableModel(self._group_columns(), self)
        self.peers_model = ColumnsTableModel(self._peer_columns(), self)
        self.peers_model.bold = lambda peer: (
            self.establishment is not None and peer.establishment_id == self.establishment.id
        )
        self.peers_proxy = RecordFilter(self.peers_model, self)
        self._build()

    def _build(self) -> None:
        self.table_choice = QComboBox()
        self.table_choice.setMinimumContentsLength(30)
        self.table_choice.currentIndexChanged.connect(self._table_chosen)
        self.copy_button = QPushButton(self.tr("Copier la table…"))
        self.copy_button.clicked.connect(self.copy_table)
        self.record_button = QPushButton(self.tr("Enregistrer le résultat"))
        self.record_button.setToolTip(
            self.tr("Garder ce total, avec la version de la table qui l'a produit")
        )
        self.record_button.clicked.connect(self.record)
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Table :")))
        tools.addWidget(self.table_choice, 1)
        tools.addWidget(self.copy_button)
        tools.addWidget(self.record_button)

        self.table_label = QLabel()
        self.table_label.setWordWrap(True)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.source_label.setObjectName("itemHelp")
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)
        self.note_label.hide()
        self.total_label = QLabel()
        self.total_label.setStyleSheet(TOTAL_STYLE)
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.delta_label = QLabel()
        self.delta_label.setWordWrap(True)
        self.ratio_label = QLabel()
        self.ratio_label.setWordWrap(True)
        self.recorded_label = QLabel()
        self.recorded_label.setWordWrap(True)
        self.recorded_label.setObjectName("itemHelp")
        self.total_box = QGroupBox()
        total_layout = QVBoxLayout(self.total_box)
        for label in (self.total_label, self.delta_label, self.ratio_label, self.recorded_label):
            total_layout.addWidget(label)
        total_layout.addStretch(1)
        self.groups_table = _ordered_table(RecordFilter(self.groups_model, self), stretch=0)
        groups_box = QGroupBox(self.tr("Par groupe"))
        groups_layout = QVBoxLayout(groups_box)
        groups_layout.addWidget(self.groups_table)
        groups_layout.addStretch(1)
        summary = QHBoxLayout()
        summary.addWidget(self.total_box, 1)
        summary.addWidget(groups_box, 1)

        self.lines_box = QGroupBox(self.tr("Lignes de la table"))
        # Counts are typed in place (Enter: the next one), as in the Saisie tab.
        self.lines_table = EditableTable(self.lines_model)
        self.lines_table.setWordWrap(False)
        self.lines_table.verticalHeader().hide()
        self.lines_table.setAlternatingRowColors(True)
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lines_table.selectionModel().currentChanged.connect(self._update_buttons)
        self.lines_table.doubleClicked.connect(
            lambda index: self.edit_line() if index.column() != COUNT else None
        )
        self.edit_line_button = QPushButton(self.tr("Modifier la ligne…"))
        self.edit_line_button.clicked.connect(self.edit_line)
        self.add_line_button = QPushButton(self.tr("Ajouter une ligne…"))
        self.add_line_button.clicked.connect(self.add_line)
        self.remove_line_button = QPushButton(self.tr("Supprimer la ligne"))
        self.remove_line_button.clicked.connect(self.remove_line)
        line_tools = QHBoxLayout()
        line_tools.addStretch(1)
        for button in (self.edit_line_button, self.add_line_button, self.remove_line_button):
            line_tools.addWidget(button)
        lines_layout = QVBoxLayout(self.lines_box)
        lines_layout.addLayout(line_tools)
        lines_layout.addWidget(self.lines_table)

        self.peers_box = QGroupBox(self.tr("Comparer aux autres établissements"))
        self.peers_table = stock_table(self.peers_proxy, stretch=0)
        self.peers_table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        peers_help = QLabel(
            self.tr(
                "Établissements de la base ayant des comptages pour cette table la même année, "
                "avec la même table."
            )
        )
        peers_help.setObjectName("itemHelp")
        peers_help.setWordWrap(True)
        peers_layout = QVBoxLayout(self.peers_box)
        peers_layout.addWidget(peers_help)
        peers_layout.addWidget(self.peers_table)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.table_label)
        body_layout.addWidget(self.source_label)
        body_layout.addWidget(self.note_label)
        body_layout.addLayout(summary)
        body_layout.addWidget(self.lines_box)
        body_layout.addWidget(self.peers_box)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(scroll, 1)
        self._update_buttons()

    # Columns ---------------------------------------------------------------------------

    def _line_columns(self) -> list[Column]:
        return [
            Column(self.tr("N°"), lambda line: line.item_id),
            Column(self.tr("Libellé"), lambda line: line.label),
            Column(
                self.tr("Comptage"),
                lambda line: format_value("count", line.count),
                lambda line: sort_number(line.count),
                right=True,
                tip=self.tr(
                    "Comptage de l'année, à taper ici ou dans l'onglet Saisie ; « — » : aucun, "
                    "compté 0"
                ),
            ),
            Column(
                self.tr("Coefficient"),
                lambda line: decimal_text(line.coefficient, 3),
                lambda line: line.coefficient,
                right=True,
            ),
            Column(self.tr("UO"), lambda line: uo_text(line.uo), lambda line: line.uo, right=True),
        ]

    def _group_columns(self) -> list[Column]:
        return [
            Column(self.tr("Groupe"), lambda group: group.label),
            Column(self.tr("UO"), lambda group: uo_text(group.uo), right=True),
            Column(self.tr("Part"), lambda group: _share(group), right=True),
        ]

    def _peer_columns(self) -> list[Column]:
        return [
            Column(self.tr("Établissement"), lambda peer: peer.name),
            Column(self.tr("FINESS"), lambda peer: peer.finess),
            Column(self.tr("UO"), lambda peer: uo_text(peer.total), lambda p: p.total, right=True),
            Column(
                self.tr("UO par ETP"),
                lambda peer: uo_text(peer.per_fte),
                lambda peer: sort_number(peer.per_fte),
                right=True,
            ),
            Column(
                self.tr("UO par lit"),
                lambda peer: uo_text(peer.per_bed),
                lambda peer: sort_number(peer.per_bed),
                right=True,
            ),
            Column(
                self.tr("Comptages"),
                lambda peer: self.tr("complets") if peer.complete else self.tr("incomplets"),
                tip=self.tr("Incomplets : des lignes de la table n'ont pas de comptage"),
            ),
        ]

    # Loading ---------------------------------------------------------------------------

    def show_context(
        self, services: Services, establishment: Establishment | None, year: int, month: int
    ) -> bool:
        """Work units are yearly: the month chosen for typing does not change them."""
        return super().show_context(services, establishment, year, 0)

    def _table_chosen(self) -> None:
        chosen = self.table_choice.currentData()
        if chosen is not None and chosen != self._table_id:
            self._table_id = chosen
            self.refresh()

    def load(self, services: Services, establishment: Establishment) -> None:
        year, table_id = self.year, self._table_id
        self.run_current(
            lambda _p: read_work_units(
                services.activity,
                establishment.id,
                year,
                table_id,
                services.library.peers(establishment.kind, establishment.finess),
            ),
            self._show,
        )

    def _show(self, loaded: UoLoaded) -> None:
        self.shown = loaded
        self._table_id = loaded.table.id
        self._show_tables(loaded.tables, loaded.table)
        self._show_table_text(loaded.table)
        self._show_totals(loaded)
        self.groups_model.set_rows(list(loaded.report.result.groups))
        fit_height(self.groups_table)
        self.lines_model.show_lines(list(loaded.report.result.lines), loaded.counts)
        fit_height(self.lines_table, max_rows=40)
        self.lines_table.resizeColumnToContents(0)
        self.peers_box.setTitle(
            self.tr("Comparer aux autres établissements (%1, même table)").replace(
                "%1", str(loaded.report.year)
            )
        )
        self.peers_model.set_rows(loaded.peers)
        fit_height(self.peers_table)
        self._update_buttons()
        self.loaded.emit()

    def _show_tables(self, tables: list[UoTable], chosen: UoTable) -> None:
        self.table_choice.blockSignals(True)
        self.table_choice.clear()
        for table in tables:
            kind = self.tr("copie locale") if table.local else self.tr("publiée")
            if table.status == "provisional":
                kind = self.tr("provisoire")
            if table.origin is not None:
                kind = self.tr("%1, paquet de référence").replace("%1", table.origin.publisher)
            self.table_choice.addItem(
                self.tr("%1 — version %2 (%3)")
                .replace("%1", table.title)
                .replace("%2", table.version)
                .replace("%3", kind),
                table.id,
            )
        self.table_choice.setCurrentIndex(self.table_choice.findData(chosen.id))
        self.table_choice.blockSignals(False)

    def _show_table_text(self, table: UoTable) -> None:
        if table.local:
            origin = (
                self.tr(
                    "Copie locale de %1 version %2 : ses coefficients et ses lignes se modifient."
                )
                .replace("%1", table.base_id or "")
                .replace("%2", table.base_version or "")
            )
        elif table.origin is not None:
            origin = (
                self.tr(
                    "Table reçue de %1 (paquet de référence %2), version %3 : elle ne se "
                    "modifie pas ; un résultat enregistré garde la version qui l'a calculé."
                )
                .replace("%1", table.origin.publisher)
                .replace("%2", table.origin.file_name)
                .replace("%3", table.version)
            )
        else:
            origin = self.tr("Table livrée avec l'application : elle ne se modifie pas.")
        self.table_label.setText(f"<b>{table.title}</b> — {origin}")
        self.source_label.setText(table.source)
        self.source_label.setVisible(bool(table.source))

    def _show_totals(self, loaded: UoLoaded) -> None:
        report = loaded.report
        result = report.result
        self.total_box.setTitle(self.tr("Total de l'année %1").replace("%1", str(report.year)))
        self.total_label.setText(self.tr("%1 UO").replace("%1", uo_text(result.total)))
        if report.previous_total is None:
            self.delta_label.setText(
                self.tr("N-1 (%1) : aucun comptage pour cette table.").replace(
                    "%1", str(report.year - 1)
                )
            )
        else:
            self.delta_label.setText(
                self.tr("N-1 (%1) : %2 UO — écart : %3 UO (%4)")
                .replace("%1", str(report.year - 1))
                .replace("%2", uo_text(report.previous_total))
                .replace("%3", format_delta("count", report.delta))
                .replace("%4", format_pct(report.delta_pct))
            )
        self.ratio_label.setText(self._ratio_text(loaded))
        self.recorded_label.setText(self._recorded_text(loaded.recorded))
        notes = []
        if loaded.table.status == "provisional":
            notes.append(
                self.tr(
                    "Table provisoire : ses coefficients ne sont pas encore publiés, le total "
                    "est indicatif."
                )
            )
        if result.missing:
            notes.append(
                self.tr(
                    "%1 ligne(s) sans comptage, comptée(s) pour 0 : n° %2. Saisissez leurs "
                    "comptages dans l'onglet Saisie."
                )
                .replace("%1", str(len(result.missing)))
                .replace("%2", ", ".join(result.missing))
            )
        self.note_label.setText("\n".join(notes))
        self.note_label.setVisible(bool(notes))

    def _ratio_text(self, loaded: UoLoaded) -> str:
        report = loaded.report
        if report.per_fte is not None:
            per_fte = self.tr("%1 UO par ETP (%2 ETP)").replace("%1", uo_text(report.per_fte))
            per_fte = per_fte.replace("%2", decimal_text(report.fte or 0.0, 2))
            per_fte += _regional(loaded.benchmarks.get("per_fte"))
        else:
            per_fte = self.tr("UO par ETP : effectif non renseigné (%1, onglet Saisie)").replace(
                "%1", loaded.fte_label or self.tr("aucun effectif prévu par la table")
            )
        if report.per_bed is not None:
            per_bed = self.tr("%1 UO par lit (%2 lits)").replace("%1", uo_text(report.per_bed))
            per_bed = per_bed.replace("%2", str(report.beds))
            per_bed += _regional(loaded.benchmarks.get("per_bed"))
        else:
            per_bed = self.tr("UO par lit : lits non renseignés (fiche de l'établissement)")
        return f"{per_fte}<br>{per_bed}"

    def _recorded_text(self, recorded: list[RecordedResult]) -> str:
        if not recorded:
            return self.tr("Aucun résultat enregistré pour cette année avec cette table.")
        last = recorded[0]
        return (
            self.tr("Dernier résultat enregistré : %1 UO (version %2), le %3 par %4.")
            .replace("%1", uo_text(last.total))
            .replace("%2", last.table_version)
            .replace("%3", datetime_text(last.recorded_at))
            .replace("%4", actor_text(last.recorded_by))
        )

    def clear(self) -> None:
        self.shown = None
        self.lines_model.show_lines([], CountsContext())
        for model in (self.groups_model, self.peers_model):
            model.set_rows([])
        for label in (self.total_label, self.delta_label, self.ratio_label, self.recorded_label):
            label.clear()
        self.note_label.hide()
        self._update_buttons()

    # Changes ---------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        loaded = self.shown
        local = loaded is not None and loaded.table.local
        selected = self._selected_line() is not None
        self.copy_button.setEnabled(loaded is not None)
        self.record_button.setEnabled(loaded is not None)
        self.add_line_button.setEnabled(local)
        self.edit_line_button.setEnabled(local and selected)
        self.remove_line_button.setEnabled(local and selected)
        tip = (
            ""
            if local or loaded is None
            else self.tr(
                "Table livrée avec l'application ou par l'ARS : copiez-la d'abord "
                "(« Copier la table… ») pour changer ses coefficients ou ses lignes."
            )
        )
        for button in (self.add_line_button, self.edit_line_button, self.remove_line_button):
            button.setToolTip(tip)

    def _selected_line(self) -> UoLine | None:
        index = self.lines_table.currentIndex()
        line: UoLine | None = self.lines_model.row_at(index.row()) if index.isValid() else None
        return line

    def select_line(self, item_id: str) -> None:
        for row, line in enumerate(self.lines_model.rows):
            if line.item_id == item_id:
                self.lines_table.setCurrentIndex(self.lines_model.index(row, 1))
                return

    # Counts typed in the lines -----------------------------------------------------------

    def _save_count(self, measure_id: str, value: float | None, justification: str | None) -> None:
        establishment, year, services = self.establishment, self.year, self.services
        if establishment is None:
            return
        model = self.lines_model

        def saved(_count: int) -> None:
            model.saved(measure_id, value)
            self.changed.emit()  # the page shows both tabs again

        def failed(err: BaseException) -> None:
            if isinstance(err, ValidationError):
                model.refuse(measure_id, "" if value is None else f"{value:g}", error_text(err))
            else:
                model.drop_pending(measure_id)
                show_error(self, err)

        self._runner.run(
            lambda _p: services.activity.values.set_values(
                establishment.id, year, {(measure_id, 0): value}, justification
            ),
            on_success=saved,
            on_failure=failed,
        )

    def _ask_confirmation(self, measure_id: str, unusual: Unusual) -> None:
        QTimer.singleShot(0, lambda: self._open_confirmation(measure_id, unusual))

    def _open_confirmation(self, measure_id: str, unusual: Unusual) -> None:
        model = self.lines_model
        measure = model.context.measures.get(measure_id)
        if measure is None or measure_id not in model.awaiting:
            return
        dialog = UnusualValueDialog(measure, unusual, str(self.year), self)
        self.dialog = dialog

        def done(result: int) -> None:
            self.dialog = None
            index = model.index_of(measure_id)
            if result == UnusualValueDialog.DialogCode.Accepted:
                model.confirm(measure_id, dialog.text())
                self.lines_table.move_on(index)
            else:
                model.unconfirmed(measure_id)
                self.lines_table.setCurrentIndex(index)
            self.lines_table.setFocus()
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    def copy_table(self) -> None:
        loaded = self.shown
        if loaded is None:
            return
        base = loaded.table
        services = self.services
        dialog = CopyTableDialog(base, {t.id for t in loaded.tables}, self)
        self.dialog = dialog

        def accepted() -> None:
            new_id, title = dialog.value()

            def copied(table: UoTable) -> None:
                self._table_id = table.id
                self.changed.emit()  # the page shows both tabs again
                self.status(self.tr("Table « %1 » créée.").replace("%1", table.title))

            self._runner.run(
                lambda _p: services.activity.tables.copy(base.id, new_id, title),
                on_success=copied,
            )

        dialog.accepted.connect(accepted)
        dialog.open()

    def edit_line(self) -> None:
        loaded, line = self.shown, self._selected_line()
        if loaded is None or line is None or not loaded.table.local:
            return
        self._line_dialog(loaded, loaded.table.item(line.item_id))

    def add_line(self) -> None:
        loaded = self.shown
        if loaded is None or not loaded.table.local:
            return
        self._line_dialog(loaded, None)

    def _line_dialog(self, loaded: UoLoaded, item: UoItem | None) -> None:
        table, services = loaded.table, self.services
        dialog = LineDialog(table, item, loaded.count_measures, self)
        self.dialog = dialog

        def accepted() -> None:
            change = dialog.value()
            self._runner.run(
                lambda _p: services.activity.tables.set_line(
                    table.id,
                    change.item_id,
                    label=change.label,
                    coefficient=change.coefficient,
                    group=change.group,
                    measure=change.measure if item is None else None,
                ),
                on_success=lambda _t: self._table_changed(
                    self.tr("Ligne %1 enregistrée.").replace("%1", change.item_id)
                ),
            )

        dialog.accepted.connect(accepted)
        dialog.open()

    def remove_line(self) -> None:
        loaded, line = self.shown, self._selected_line()
        if loaded is None or line is None or not loaded.table.local:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Supprimer la ligne"),
            self.tr("Supprimer la ligne %1 « %2 » de la table « %3 » ?")
            .replace("%1", line.item_id)
            .replace("%2", line.label)
            .replace("%3", loaded.table.title),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        services, table_id, item_id = self.services, loaded.table.id, line.item_id
        self._runner.run(
            lambda _p: services.activity.tables.remove_line(table_id, item_id),
            on_success=lambda _t: self._table_changed(
                self.tr("Ligne %1 supprimée.").replace("%1", item_id)
            ),
        )

    def _table_changed(self, message: str) -> None:
        self.changed.emit()  # the page shows both tabs again: a line may count a new measure
        self.status(message)

    def record(self) -> None:
        loaded = self.shown
        if loaded is None:
            return
        report, services = loaded.report, self.services

        def recorded(result: RecordedResult) -> None:
            self.refresh()
            self.status(
                self.tr("Résultat enregistré : %1 UO, table %2 version %3.")
                .replace("%1", uo_text(result.total))
                .replace("%2", result.table_id)
                .replace("%3", result.table_version)
            )

        self._runner.run(
            lambda _p: services.activity.work_units.record(report), on_success=recorded
        )


def _ordered_table(proxy: RecordFilter, stretch: int) -> QTableView:
    """A table in the work-unit table's own order (its line numbers), not sortable."""
    table = record_table(proxy, sortable=False)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _share(group: UoGroupTotal) -> str:
    return "—" if group.share is None else decimal_text(group.share * 100, 1) + "\u00a0%"
