"""The three boxes of the ARS tab: trusted keys, bundles (verify, import), regional views."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.labels import datetime_text
from ui.messages import bundle_reason_text
from ui.record_table import Index, record_table
from ui.sections.exports.common import (
    ACCEPTED_BACKGROUND,
    REJECTED_BACKGROUND,
    Verdict,
    size_text,
)
from ui.sections.exports.regional_views import RegionalViews
from ui.sections.stock.common import (
    Column,
    ColumnsTableModel,
    RecordFilter,
    fit_columns,
    selected_record,
    stock_table,
)

if TYPE_CHECKING:
    from hospiperf_desktop.ars.service import ImportOutcome
    from hospiperf_desktop.bundles.keys import PublicKey
    from hospiperf_desktop.bundles.verify import BundleRejected, VerifiedBundle

STATUS_COLUMN = 1


class OutcomesModel(ColumnsTableModel):
    """Each bundle's outcome; the core's detail (which names the file) as every cell's tip."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            message = self.rows[index.row()].message
            return QCoreApplication.translate("exports", "Détail : %1").replace("%1", message)
        return super().data(index, role)


def _two_lines(key: PublicKey) -> str:
    """The key's ten words as two lines of five, as narrow as a table half a screen wide."""
    words = key.words.split()
    return " ".join(words[:5]) + "\n" + " ".join(words[5:])


class TrustedKeysBox(QGroupBox):
    """The registry: the establishments whose bundles are accepted, and by which key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Clés de confiance"), parent)
        self._names: dict[str, str] = {}
        self.model = ColumnsTableModel(
            [
                Column(self.tr("FINESS"), lambda k: k.finess),
                Column(self.tr("Empreinte (à vérifier au téléphone)"), _two_lines),
                Column(self.tr("Établissement"), lambda k: self._names.get(k.finess, "")),
            ],
            self,
        )
        self.model.tooltips = True
        self.proxy = RecordFilter(self.model, self)
        self.table = stock_table(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        # Every row two lines high: the ten words read over the phone are never cut.
        lines = self.table.fontMetrics().lineSpacing()
        self.table.verticalHeader().setDefaultSectionSize(2 * lines + 10)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(self.tr("Ajouter des clés…"))
        menu = QMenu(self.add_button)
        self.key_file_action = QAction(self.tr("Un fichier de clé publique…"), self)
        self.key_folder_action = QAction(self.tr("Toutes les clés d'un dossier…"), self)
        menu.addAction(self.key_file_action)
        menu.addAction(self.key_folder_action)
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton(self.tr("Retirer"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def show_keys(self, keys: list[PublicKey], names: dict[str, str]) -> None:
        self._names = names
        self.model.set_rows(keys)
        fit_columns(self.table)
        self._update_buttons()

    def selected(self) -> PublicKey | None:
        return selected_record(self.table, self.proxy)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)


class BundlesBox(QGroupBox):
    """Verify one bundle, import several; the verdict and each bundle's outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Paquets reçus des établissements"), parent)
        self.verify_button = QPushButton(self.tr("Vérifier un paquet…"))
        self.verify_button.setToolTip(
            self.tr("Contrôle complet avec les clés de confiance, sans rien importer")
        )
        self.import_button = QPushButton(self.tr("Importer des paquets…"))
        self.import_button.setToolTip(
            self.tr("Chaque paquet est vérifié ; un paquet refusé n'écrit rien")
        )
        self.receipts_button = QPushButton(self.tr("Importer avec accusés de réception…"))
        self.receipts_button.setToolTip(
            self.tr(
                "Chaque paquet, accepté ou refusé, reçoit un accusé signé avec la clé de l'ARS, "
                "à renvoyer à l'établissement"
            )
        )
        self.verdict = Verdict()
        self.outcomes_model = OutcomesModel(
            [
                Column(self.tr("Fichier"), lambda o: o.file),
                Column(self.tr("Statut"), self._status_text),
                Column(self.tr("Raison"), self._reason_text),
            ],
            self,
        )
        self.outcomes_model.background = self._status_background
        self.outcomes_table = record_table(self.outcomes_model, sortable=False)
        self.outcomes_table.horizontalHeader().setStretchLastSection(True)
        self.outcomes_table.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.receipts_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        layout.addWidget(self.outcomes_table, 1)
        layout.addStretch(0)

    # Verification --------------------------------------------------------------------------

    def show_verification(self, path: Path, result: VerifiedBundle | BundleRejected) -> None:
        if isinstance(result, Exception):
            self.verdict.show_verdict(
                False,
                self.tr("REFUSÉ — %1 : %2")
                .replace("%1", path.name)
                .replace("%2", bundle_reason_text(result.reason)),
                self.tr("Détail : %1").replace("%1", str(result)),
            )
            return
        info = result.info
        self.verdict.show_verdict(
            True,
            self.tr(
                "VALIDE — %1 (FINESS %2), période %3.\nCréé le %4 avec %5 ; %6 fichier(s) de "
                "données, %7.\nSigné avec la clé : %8."
            )
            .replace("%1", info["Establishment-Name"])
            .replace("%2", info["FINESS"])
            .replace("%3", info["Period"])
            .replace("%4", _created(info["Created"]))
            .replace("%5", info["Software-Version"])
            .replace("%6", str(len(result.payload_names)))
            .replace("%7", size_text(result.payload_bytes))
            .replace("%8", result.key.words),
            self.tr("Fichier : %1 — identifiant du paquet : %2")
            .replace("%1", str(path))
            .replace("%2", info["Bundle-UUID"]),
        )

    # Import --------------------------------------------------------------------------------

    def show_outcomes(self, outcomes: list[ImportOutcome]) -> None:
        self.outcomes_model.set_rows(outcomes)
        self.outcomes_table.show()
        fit_columns(self.outcomes_table)
        self.outcomes_table.resizeRowsToContents()

    def _status_text(self, outcome: ImportOutcome) -> str:
        return self.tr("importé") if outcome.status == "imported" else self.tr("refusé")

    def _reason_text(self, outcome: ImportOutcome) -> str:
        if outcome.status != "imported":
            return bundle_reason_text(outcome.reason)
        if outcome.replaced:
            return self.tr("Remplace le paquet précédent de cette période.")
        return ""

    def _status_background(self, outcome: ImportOutcome, column: int) -> str | None:
        if column != STATUS_COLUMN:
            return None
        return ACCEPTED_BACKGROUND if outcome.status == "imported" else REJECTED_BACKGROUND

    def outcome_texts(self) -> list[tuple[str, str, str]]:
        """(file, status, reason) of each outcome shown, in words (for tests)."""
        return [
            (o.file, self._status_text(o), self._reason_text(o)) for o in self.outcomes_model.rows
        ]


class ViewsBox(QGroupBox):
    """The regional views of the current bundles, and their workbook."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Vues régionales (dernier paquet de chaque établissement et période)"), parent
        )
        self.export_button = QPushButton(self.tr("Exporter en Excel…"))
        self.views = RegionalViews()
        note = QLabel(
            self.tr(
                "Cliquez sur un en-tête pour trier. Couverture de stock : les lignes au-dessus "
                "de la cible sont surlignées."
            )
        )
        note.setStyleSheet("color: #555;")
        # The button beside the note, not in the tab bar's corner: the eight tabs and their
        # counts take the whole width of a 1366 px screen.
        top = QHBoxLayout()
        top.addWidget(note, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.views, 1)


def _created(text: str) -> str:
    try:
        return datetime_text(datetime.fromisoformat(text))
    except ValueError:
        return text
