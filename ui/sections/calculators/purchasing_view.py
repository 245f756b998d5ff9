"""Gains achats (PAAT): a purchasing plan sheet checked line by line as a DGOS reviewer would,
each line retained or rejected with its reason, totals by family and the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.calculators.purchasing import (
    ACCEPTED,
    FamilyTotal,
    PaatLine,
    PurchasingResult,
    evaluate,
)
from hospiperf_desktop.calculators.texts import euros, percent
from hospiperf_desktop.progress import Progress
from ui.file_dialogs import open_path
from ui.record_table import Index, fit_height, record_table
from ui.sections.calculators.common import (
    ACCEPTED_BACKGROUND,
    ACCEPTED_FOREGROUND,
    REJECTED_BACKGROUND,
    REJECTED_FOREGROUND,
    TOTAL_STYLE,
    CalculatorView,
    Snapshot,
    fit_rows,
)
from ui.sections.calculators.texts import status_labels
from ui.sections.stock.common import TOTAL_BACKGROUND, Column, ColumnsTableModel, fit_columns
from ui.tasks import TaskRunner

STATUS_COLUMN = 8
LINE_COLUMN_CAPS = {1: 170, 2: 230, 3: 170, 5: 130}  # long texts wrap; whole in tooltips


class PaatLinesModel(ColumnsTableModel):
    """Checked lines; the status is written and coloured (green retained, red rejected)."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        accepted = self.rows[index.row()].status == ACCEPTED
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            return QBrush(QColor(ACCEPTED_FOREGROUND if accepted else REJECTED_FOREGROUND))
        if role == Qt.ItemDataRole.FontRole and column == STATUS_COLUMN:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class PurchasingView(CalculatorView):
    calculator = "purchasing"

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.lines: list[PaatLine] = []
        self.source = ""  # the file the lines were read from
        self.result: PurchasingResult | None = None
        self.lines_model = PaatLinesModel(self._line_columns(), self)
        self.lines_model.background = lambda line, column: (
            None
            if column < STATUS_COLUMN
            else ACCEPTED_BACKGROUND
            if line.status == ACCEPTED
            else REJECTED_BACKGROUND
        )
        self.lines_model.tooltips = True
        self.families_model = ColumnsTableModel(self._family_columns(), self)
        self.families_model.bold = lambda family: family.famille == self._total_name()
        self.families_model.background = lambda family, _c: (
            TOTAL_BACKGROUND if family.famille == self._total_name() else None
        )
        self._build()
        self._show(None)

    def _build(self) -> None:
        self.import_button = QPushButton(self.tr("Importer une feuille PAAT…"))
        self.import_button.setToolTip(
            self.tr(
                "Une feuille CSV ou un classeur avec les colonnes famille, domaine, categorie, "
                "montant_reference, type_effet, montant_gain"
            )
        )
        self.import_button.clicked.connect(self.import_file)
        self.excel_button.setText(self.tr("Exporter la feuille annotée…"))
        self.excel_button.clicked.connect(self.export_workbook)
        self.pdf_button.clicked.connect(self.export_pdf)

        self.empty_label = QLabel(
            self.tr(
                "Importez la feuille PAAT de l'établissement : chaque ligne est contrôlée "
                "(montant de référence, périmètre, performance, bornes de contrôle) et les "
                "totaux ne comptent que les lignes retenues."
            )
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("itemHelp")
        self.source_label = QLabel()
        self.source_label.setObjectName("itemHelp")
        self.total_label = QLabel()
        self.total_label.setStyleSheet(TOTAL_STYLE)
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.families_table = record_table(self.families_model, sortable=False)
        self.families_table.setWordWrap(False)
        self.lines_table = record_table(self.lines_model, sortable=False)
        self.lines_table.setWordWrap(True)  # a long reason takes two lines, not a scroll
        lines_box = QGroupBox(self.tr("Lignes de la feuille"))
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.insertWidget(0, self.total_label)
        lines_layout.addWidget(self.summary_label)
        lines_layout.addWidget(self.lines_table)
        families_box = QGroupBox(self.tr("Synthèse par famille (lignes retenues)"))
        families_layout = QHBoxLayout(families_box)
        families_layout.addWidget(self.families_table, 1, Qt.AlignmentFlag.AlignTop)
        families_layout.addWidget(self.chart_holder, 1, Qt.AlignmentFlag.AlignTop)
        self.result_widgets = (lines_box, families_box, self.source_label)

        self.lay_out(
            (self.import_button,),
            self.empty_label,
            self.problem_label,
            self.source_label,
            lines_box,
            families_box,
        )

    def _line_columns(self) -> list[Column]:
        statuses = status_labels()
        return [
            Column(self.tr("Ligne"), lambda c: str(c.source.line), right=True),
            Column(self.tr("Famille"), lambda c: c.source.famille),
            Column(self.tr("Domaine"), lambda c: c.source.domaine),
            Column(self.tr("Catégorie"), lambda c: c.source.categorie),
            Column(self.tr("Référence"), lambda c: euros(c.source.montant_reference), right=True),
            Column(self.tr("Type d'effet"), lambda c: c.source.type_effet),
            Column(self.tr("Gain"), lambda c: euros(c.source.montant_gain), right=True),
            Column(
                self.tr("Performance"),
                lambda c: percent(c.performance),
                right=True,
                tip=self.tr("Gain / montant de référence annuel"),
            ),
            Column(self.tr("Statut"), lambda c: statuses[c.status]),
            Column(self.tr("Motif"), lambda c: c.reason),
        ]

    def _family_columns(self) -> list[Column]:
        return [
            Column(self.tr("Famille"), lambda f: f.famille),
            Column(self.tr("Lignes"), lambda f: str(f.lines), right=True),
            Column(self.tr("Retenues"), lambda f: str(f.accepted), right=True),
            Column(self.tr("Référence retenue"), lambda f: euros(f.reference), right=True),
            Column(self.tr("Gain retenu"), lambda f: euros(f.gain), right=True),
            Column(self.tr("Performance"), lambda f: percent(f.performance), right=True),
        ]

    def _total_name(self) -> str:
        return self.tr("Total")

    # Showing -----------------------------------------------------------------------------

    def evaluate_lines(self, lines: list[PaatLine], source: str) -> None:
        self.lines, self.source = lines, source
        self._show(evaluate(lines))

    def _show(self, result: PurchasingResult | None) -> None:
        self.result = result
        for widget in self.result_widgets:
            widget.setVisible(result is not None)
        self.empty_label.setVisible(result is None)
        self.excel_button.setEnabled(result is not None)
        self.pdf_button.setEnabled(result is not None)
        if result is None:
            self.lines_model.set_rows([])
            self.families_model.set_rows([])
            self.clear_chart()
            return
        self.source_label.setText(
            self.tr("Feuille : %1 — %2 ligne(s)")
            .replace("%1", self.source)
            .replace("%2", str(len(result.lines)))
        )
        self.total_label.setText(
            self.tr("Gain retenu : %1 (%2)")
            .replace("%1", euros(result.gain))
            .replace("%2", percent(result.performance))
        )
        self.summary_label.setText(self._summary_text(result))
        total = FamilyTotal(
            self._total_name(),
            result.accepted + result.rejected,
            result.accepted,
            result.reference,
            result.gain,
            result.performance,
        )
        self.families_model.set_rows([*result.families, total])
        fit_columns(self.families_table, stretch=0)
        fit_height(self.families_table, max_rows=30)
        self.lines_model.set_rows(list(result.lines))
        fit_columns(self.lines_table, LINE_COLUMN_CAPS)
        fit_rows(self.lines_table)
        self.draw_chart("purchasing_figure", result)
        self.computed.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The reasons wrap at the new width: rows change height."""
        super().resizeEvent(event)
        if self.result is not None:
            fit_rows(self.lines_table)

    def _summary_text(self, result: PurchasingResult) -> str:
        return (
            self.tr(
                "%1 ligne(s) retenue(s), %2 rejetée(s). Référence retenue : %3. Gains déclarés "
                "sur des lignes rejetées, non comptés : %4."
            )
            .replace("%1", str(result.accepted))
            .replace("%2", str(result.rejected))
            .replace("%3", euros(result.reference))
            .replace("%4", euros(result.rejected_gain))
        )

    def status_of(self, line: int) -> tuple[str, str]:
        """(status, reason) shown for the file's line `line`."""
        for row, checked in enumerate(self.lines_model.rows):
            if checked.source.line == line:
                model = self.lines_model
                return model.index(row, STATUS_COLUMN).data(), model.index(row, 9).data()
        raise KeyError(line)

    # Files -------------------------------------------------------------------------------

    def import_file(self) -> None:
        path = open_path(
            self,
            self.tr("Importer une feuille PAAT"),
            self.tr("Classeurs et CSV (*.xlsx *.xls *.ods *.csv)"),
            kind="calculator",
        )
        if path is None:
            return

        def read() -> list[PaatLine]:
            from hospiperf_desktop.calculators.files import read_paat

            return read_paat(path)

        def imported(lines: list[PaatLine]) -> None:
            self.origin_label.hide()
            self.evaluate_lines(lines, path.name)

        self.read_file(
            read,
            imported,
            self.tr("Lecture de la feuille PAAT…"),
            self.tr(
                "Colonnes attendues : famille, domaine, categorie, montant_reference, type_effet, "
                "montant_gain (ou les intitulés usuels du PAAT : « Famille d'achat », « Montant "
                "de référence », « Montant du gain »…)."
            ),
        )

    def export_workbook(self) -> None:
        result = self.result
        if result is None:
            return

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import write_purchasing_workbook

            progress.check_cancelled()
            write_purchasing_workbook(result, target)

        self.edition(
            self.tr("Exporter la feuille PAAT annotée"),
            self.file_name("paat-annote", "xlsx"),
            "Excel (*.xlsx)",
            write,
            self.tr("Export de la feuille annotée…"),
        )

    def export_pdf(self) -> None:
        result = self.result
        if result is None:
            return
        subtitle = self.subtitle(self.source)

        def write(target: Path, progress: Progress) -> None:
            from hospiperf_desktop.calculators.outputs import purchasing_pdf

            purchasing_pdf(result, target, subtitle, progress)

        self.edition(
            self.tr("Imprimer le contrôle PAAT en PDF"),
            self.file_name("paat-controle", "pdf"),
            "PDF (*.pdf)",
            write,
            self.tr("Préparation du PDF…"),
        )

    # Kept scenarios ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        if self.result is None:
            self.show_problems([self.tr("Importez d'abord une feuille PAAT.")])
            return None
        self.show_problems([])
        return Snapshot(
            Path(self.source).stem,
            {"lines": self.lines, "source": self.source},
            self.result,
            self.result.version,
        )

    @staticmethod
    def rebuild(inputs: dict[str, Any]) -> tuple[list[PaatLine], str]:
        from hospiperf_desktop.calculators.inputs import purchasing_inputs

        return purchasing_inputs(inputs), str(inputs.get("source", ""))

    def restore(self, inputs: Any) -> None:
        lines, source = inputs
        self.evaluate_lines(lines, source)
