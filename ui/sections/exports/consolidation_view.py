"""ARS — consolidation: a consolidation database (an SQLite file or a server URL), its
registry of trusted keys, bundles verified and imported, and the regional views.

Every job opens the consolidation database in the worker and closes it at the end: the GUI
thread touches neither SQLAlchemy, cryptography nor a bundle or key file (only the settings
remembering the last database).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.progress import Progress
from ui.documents import document_written
from ui.file_dialogs import existing_folder, open_path, open_paths, save_path
from ui.sections.exports.ars_boxes import BundlesBox, TrustedKeysBox, ViewsBox
from ui.sections.exports.ars_jobs import (
    SETTINGS_KEY,
    ArsState,
    actor,
    read_state,
    settings,
    verify_with_registry,
    without_password,
)
from ui.sections.exports.common import NOTE_STYLE
from ui.sections.exports.key_dialogs import PassphraseDialog
from ui.status import show_status
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.ars.service import Consolidation, ImportOutcome
    from hospiperf_desktop.bundles.keys import PublicKey
    from hospiperf_desktop.bundles.verify import BundleRejected, VerifiedBundle
    from hospiperf_desktop.services import Services

T = TypeVar("T")


class ConsolidationView(QWidget):
    opened = Signal()  # a consolidation database is open and shown
    refreshed = Signal()  # its keys and views are shown again after a change
    verified = Signal(object)  # the VerifiedBundle, or the BundleRejected
    imported = Signal(list)  # the ImportOutcomes

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.url: str | None = None  # the database open
        self.state: ArsState | None = None
        self._first_show = True
        self.location = QLineEdit(str(settings().value(SETTINGS_KEY, "") or ""))
        self.location.setPlaceholderText(
            self.tr(
                "fichier .sqlite, ou URL d'un serveur : "
                "postgresql+psycopg://utilisateur@serveur/base"
            )
        )
        self.location.returnPressed.connect(self.open_database)
        browse = QPushButton(self.tr("Parcourir…"))
        browse.clicked.connect(self.browse)
        self.open_button = QPushButton(self.tr("Ouvrir"))
        self.open_button.clicked.connect(self.open_database)
        self.database_label = QLabel(
            self.tr(
                "Aucune base de consolidation ouverte : choisissez un fichier SQLite (créé s'il "
                "n'existe pas) ou saisissez l'URL d'un serveur PostgreSQL, puis « Ouvrir ». Le "
                "mot de passe d'une URL n'est jamais mémorisé."
            )
        )
        self.database_label.setWordWrap(True)
        self.database_label.setStyleSheet(NOTE_STYLE)
        self.keys_box = TrustedKeysBox()
        self.keys_box.key_file_action.triggered.connect(self.add_key_file)
        self.keys_box.key_folder_action.triggered.connect(self.add_key_folder)
        self.keys_box.remove_button.clicked.connect(self.remove_key)
        self.bundles_box = BundlesBox()
        self.bundles_box.verify_button.clicked.connect(self.verify)
        self.bundles_box.import_button.clicked.connect(self.import_bundles)
        self.bundles_box.receipts_button.clicked.connect(self.import_with_receipts)
        self.dialog: PassphraseDialog | None = None
        self.views_box = ViewsBox()
        self.views_box.export_button.clicked.connect(self.export_workbook)
        self.views = self.views_box.views
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Base de consolidation :")))
        top.addWidget(self.location, 1)
        top.addWidget(browse)
        top.addWidget(self.open_button)
        upper = QWidget()
        upper_layout = QHBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.keys_box, 1)
        upper_layout.addWidget(self.bundles_box, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.views_box)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 460])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.database_label)
        layout.addWidget(splitter, 1)
        self._enable(False)

    def set_services(self, services: Services) -> None:
        self._services = services

    def status(self, message: str) -> None:
        show_status(self, message)

    def _enable(self, enabled: bool) -> None:
        for box in (self.keys_box, self.bundles_box, self.views_box):
            box.setEnabled(enabled)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time, reopen the SQLite file used last (a server waits for « Ouvrir »)."""
        super().showEvent(event)
        first, self._first_show = self._first_show, False
        remembered = self.location.text().strip()
        if not first or not remembered or "://" in remembered:
            return
        self._runner.run(
            lambda _p: Path(remembered).expanduser().is_file(),
            on_success=lambda exists: self.open_database() if exists else None,
        )

    # Jobs on the consolidation database ---------------------------------------------------

    def _run(
        self,
        work: Callable[[Consolidation, Progress], T],
        done: Callable[[T], None],
        *,
        url: str | None = None,
        refresh: bool = True,
        label: str | None = None,
    ) -> None:
        """Open the database in the worker, `work` on it, read it again when `refresh`,
        close it; then `done(result)` and the tab shown again."""
        target, services = url or self.url, self._services
        if target is None:
            return

        def job(progress: Progress) -> tuple[T, ArsState | None]:
            from hospiperf_desktop.ars.service import Consolidation

            consolidation = Consolidation(target, actor(services))
            try:
                result = work(consolidation, progress)
                return result, read_state(consolidation) if refresh else None
            finally:
                consolidation.close()

        def succeeded(answer: tuple[T, ArsState | None]) -> None:
            result, state = answer
            if state is not None:
                self._show_state(state)
            done(result)
            if state is not None:
                self.refreshed.emit()

        self._runner.run(job, on_success=succeeded, on_cancel=self.refresh, label=label)

    def _show_state(self, state: ArsState) -> None:
        self.state = state
        names = {row["finess"]: row["name"] for row in state.report["establishments"]}
        self.keys_box.show_keys(state.keys, names)
        self.views.show_report(state.report)
        self._describe()

    def _describe(self) -> None:
        """Which database is open, and what it holds."""
        state, url = self.state, self.url
        if state is None or url is None:
            return
        self.database_label.setText(
            self.tr("Base ouverte : %1 — %2 clé(s) de confiance, %3 paquet(s) reçu(s).")
            .replace("%1", without_password(url, "***"))
            .replace("%2", str(len(state.keys)))
            .replace("%3", str(len(state.report["bundles"])))
        )

    def refresh(self) -> None:
        self._run(lambda _c, _p: None, lambda _r: None)

    # The database --------------------------------------------------------------------------

    def browse(self) -> None:
        current = Path(self.location.text().strip())
        chosen = save_path(
            self,
            self.tr("Base de consolidation (fichier SQLite)"),
            current.name if current.suffix in (".sqlite", ".db") else "consolidation-ars.sqlite",
            self.tr("Base SQLite (*.sqlite *.db);;Tous les fichiers (*)"),
            "consolidation",
            confirm_overwrite=False,  # an existing base is opened, not replaced
        )
        if chosen is not None:
            self.location.setText(str(chosen))
            self.open_database()

    def open_database(self) -> None:
        url = self.location.text().strip()
        if not url:
            return

        def opened(_result: None) -> None:
            self.url = url
            settings().setValue(SETTINGS_KEY, without_password(url))
            self._enable(True)
            self._describe()
            self.opened.emit()

        self._run(lambda _c, _p: None, opened, url=url, label=self.tr("Ouverture de la base…"))

    # Trusted keys --------------------------------------------------------------------------

    def add_key_file(self) -> None:
        chosen = open_path(
            self,
            self.tr("Ajouter une clé de confiance"),
            self.tr("Clé publique HospiPerf (*.json);;Tous les fichiers (*)"),
            kind="key",
        )
        if chosen is not None:
            self._read_keys(chosen)

    def add_key_folder(self) -> None:
        chosen = existing_folder(self, self.tr("Ajouter les clés d'un dossier"), kind="key")
        if chosen is not None:
            self._read_keys(chosen)

    def _read_keys(self, path: Path) -> None:
        def read(_progress: Progress) -> list[PublicKey]:
            from hospiperf_desktop.bundles.keys import read_trusted_keys

            return read_trusted_keys(path)

        self._runner.run(read, on_success=self._confirm_keys, on_failure=self._key_file_refused)

    def _key_file_refused(self, err: BaseException) -> None:
        if not isinstance(err, ValueError):  # bundles.keys.KeyFileError
            from ui.tasks import show_error

            show_error(self, err)
            return
        QMessageBox.critical(
            self,
            self.tr("Clé refusée"),
            self.tr(
                "Ce fichier n'est pas une clé publique HospiPerf utilisable (ou ce dossier n'en "
                "contient aucune).\n\nDétail : %1"
            ).replace("%1", str(err)),
        )

    def _confirm_keys(self, keys: list[PublicKey]) -> None:
        lines = "\n".join(f"• {key.finess} : {key.words}" for key in keys)
        answer = QMessageBox.question(
            self,
            self.tr("Faire confiance à ces clés ?"),
            self.tr(
                "%1\n\nAvant d'accepter, lisez chaque empreinte avec l'établissement, au "
                "téléphone : les mots doivent être exactement ceux qu'affiche son application. "
                "Les paquets signés avec ces clés seront ensuite acceptés."
            ).replace("%1", lines),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def added(count: int) -> None:
            text = (
                self.tr("%1 clé(s) ajoutée(s) aux clés de confiance.").replace("%1", str(count))
                if count
                else self.tr("Ces clés étaient déjà des clés de confiance.")
            )
            self.status(text)

        self._run(lambda c, _p: c.trust(keys), added)

    def remove_key(self) -> None:
        key = self.keys_box.selected()
        if key is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Retirer la clé"),
            self.tr(
                "Retirer la clé %1 (FINESS %2) des clés de confiance ? Les paquets signés avec "
                "elle seront refusés. Les paquets déjà importés restent."
            )
            .replace("%1", key.words)
            .replace("%2", key.finess),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            fingerprint = key.fingerprint
            self._run(
                lambda c, _p: c.untrust(fingerprint),
                lambda _r: self.status(self.tr("Clé retirée des clés de confiance.")),
            )

    # Bundles -------------------------------------------------------------------------------

    def verify(self) -> None:
        path = open_path(
            self, self.tr("Vérifier un paquet"), self.tr("Paquet HospiPerf (*.zip)"), "bundle"
        )
        if path is None:
            return

        def shown(result: VerifiedBundle | BundleRejected) -> None:
            self.bundles_box.show_verification(path, result)
            self.verified.emit(result)

        self._run(
            lambda c, _p: verify_with_registry(c, path),
            shown,
            refresh=False,
            label=self.tr("Vérification du paquet…"),
        )

    def import_bundles(self) -> None:
        paths = open_paths(
            self, self.tr("Importer des paquets"), self.tr("Paquets HospiPerf (*.zip)"), "bundle"
        )
        if not paths:
            return
        self._run(
            lambda c, progress: c.import_bundles(paths, progress=progress),
            self._imported,
            label=self.tr("Import des paquets…"),
        )

    def _imported(self, outcomes: list[ImportOutcome]) -> None:
        self.bundles_box.show_outcomes(outcomes)
        refused = sum(1 for o in outcomes if o.status != "imported")
        self.status(
            self.tr("%1 paquet(s) importé(s), %2 refusé(s).")
            .replace("%1", str(len(outcomes) - refused))
            .replace("%2", str(refused))
        )
        self.imported.emit(outcomes)

    def import_with_receipts(self) -> None:
        """Bundles, the ARS key's folder and its passphrase, then where the receipts go."""
        paths = open_paths(
            self, self.tr("Importer des paquets"), self.tr("Paquets HospiPerf (*.zip)"), "bundle"
        )
        if not paths:
            return
        key_folder = existing_folder(
            self, self.tr("Dossier de la clé de l'ARS (ars.key.pem)"), "ars_key_folder"
        )
        if key_folder is None:
            return
        dialog = PassphraseDialog(self.tr("l'ARS"), self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._receipts_to(paths, key_folder, dialog.value()))
        dialog.open()

    def _receipts_to(self, paths: list[Path], key_folder: Path, passphrase: str) -> None:
        folder = existing_folder(
            self, self.tr("Dossier où écrire les accusés de réception"), "ars_receipts_out"
        )
        if folder is None:
            return

        def work(consolidation: Consolidation, progress: Progress) -> list[ImportOutcome]:
            from hospiperf_desktop.ars.receipts import import_with_receipts
            from hospiperf_desktop.bundles.authority import open_ars_signer

            signer = open_ars_signer(key_folder, passphrase)
            issued = import_with_receipts(consolidation, paths, signer, folder, progress=progress)
            return [i.outcome for i in issued]

        self._run(work, self._imported, label=self.tr("Import et accusés de réception…"))

    def export_workbook(self) -> None:
        target = save_path(
            self,
            self.tr("Exporter les vues régionales"),
            "consolidation-ars.xlsx",
            self.tr("Classeur Excel (*.xlsx)"),
        )
        if target is None:
            return

        def write(consolidation: Consolidation, _progress: Progress) -> None:
            from hospiperf_desktop.ars.reports import write_report_workbook

            write_report_workbook(consolidation.report(), target)

        self._run(
            write,
            lambda _r: document_written(self, target),
            refresh=False,
            label=self.tr("Écriture du classeur…"),
        )
