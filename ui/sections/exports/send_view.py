"""Envoyer à l'ARS: the establishment's signing key, the contents chosen, every file listed
before signing, then the signed bundle written where the user says.

Preparing, signing, reading and writing keys all run in the worker. A bundle prepared is
signed exactly as listed: any change of choice discards it until it is prepared again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.progress import Progress
from ui.file_dialogs import save_path
from ui.labels import datetime_text
from ui.record_table import record_table
from ui.sections.activity.chooser import EstablishmentChooser
from ui.sections.exports.checks_dialog import ChecksDialog, needs_dialog, summary_text
from ui.sections.exports.common import NOTE_STYLE, VALID_STYLE, size_text
from ui.sections.exports.content_box import ContentBox
from ui.sections.exports.key_dialogs import NewKeyDialog, PassphraseDialog
from ui.sections.exports.key_panel import KeyPanel
from ui.sections.stock.common import Column, ColumnsTableModel, fit_columns
from ui.status import show_status
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.bundles.contents import PlannedFile, PreparedBundle
    from hospiperf_desktop.bundles.keys import KeyInfo
    from hospiperf_desktop.bundles.service import WrittenBundle
    from hospiperf_desktop.diagnostics.records import DiagnosticSummary
    from hospiperf_desktop.library.revocations import RevokedKey
    from hospiperf_desktop.services import Services


def _path_lines(path: str) -> str:
    """A file's folder above its name: the whole path, in half the width of one line."""
    folder, _, name = path.rpartition("/")
    return f"{folder}/\n{name}" if folder else name


@dataclass(frozen=True)
class _Context:
    """What the tab shows of one establishment."""

    key: KeyInfo | None
    revoked: RevokedKey | None  # the key is on a revocation list installed here
    years: list[int]
    diagnostics: list[DiagnosticSummary]


class SendView(QWidget):
    loaded = Signal()  # the establishments are listed and the chosen one's context shown
    key_shown = Signal()  # a new key's fingerprint is shown
    prepared_shown = Signal()  # the files of a prepared bundle are listed
    written = Signal(object)  # the WrittenBundle

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        # Bumped by every change, so that late answers are ignored.
        self._context_token = 0  # the establishment shown
        self._prepare_token = 0  # the contents chosen
        self.prepared: PreparedBundle | None = None
        self.dialog: NewKeyDialog | PassphraseDialog | ChecksDialog | None = None
        self.establishment = EstablishmentChooser()
        self.establishment.chosen.connect(self.load_context)
        self.hint = QLabel(self.tr("Ajoutez d'abord un établissement (section Établissements)."))
        self.hint.setObjectName("comingSoonBadge")
        self.hint.hide()
        self.key_panel = KeyPanel()
        self.key_panel.create_button.clicked.connect(self.create_key)
        self.key_panel.export_button.clicked.connect(self.export_public_key)
        self.content = ContentBox()
        self.content.changed.connect(self._content_changed)
        self.prepare_button = QPushButton(self.tr("Préparer le paquet"))
        self.prepare_button.clicked.connect(self.prepare)
        self.files_box = self._files_box()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Établissement :")))
        top.addWidget(self.establishment, 1)
        left = QVBoxLayout()
        left.addWidget(self.key_panel)
        left.addWidget(self.content, 1)
        prepare_row = QHBoxLayout()
        prepare_row.addStretch(1)
        prepare_row.addWidget(self.prepare_button)
        left.addLayout(prepare_row)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addWidget(self.files_box, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addLayout(columns, 1)

    def _files_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Fichiers du paquet, avant signature"))
        self.summary_label = QLabel(self._waiting_text())
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet(NOTE_STYLE)
        self.files_model = ColumnsTableModel(
            [
                Column(self.tr("Fichier"), lambda f: _path_lines(f.path)),
                Column(self.tr("Description"), lambda f: f.description),
                Column(self.tr("Taille"), lambda f: size_text(f.size), lambda f: f.size, True),
            ],
            self,
        )
        self.files_table = record_table(self.files_model, sortable=False)
        # The description takes the room the path and size leave, on as many lines as it
        # needs: a bundle lists a few dozen files at most, so rows fit their contents.
        self.files_table.setWordWrap(True)
        self.files_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.files_model.tooltips = True
        self.sign_button = QPushButton(self.tr("Signer et enregistrer…"))
        self.sign_button.clicked.connect(self.sign)
        self.sign_button.setEnabled(False)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet(VALID_STYLE)
        self.result_label.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.sign_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.files_table, 1)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        return box

    def _waiting_text(self) -> str:
        return self.tr(
            "Choisissez le contenu puis cliquez sur « Préparer le paquet » : chaque fichier est "
            "listé ici avant que vous ne signiez."
        )

    # Context -----------------------------------------------------------------------------

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services

    def status(self, message: str) -> None:
        show_status(self, message)

    def show_list(self, services: Services, establishments: list[Establishment]) -> None:
        self._services = services
        self.establishment.show_list(establishments)
        self.hint.setVisible(not establishments)
        for widget in (self.key_panel, self.content, self.prepare_button):
            widget.setEnabled(bool(establishments))
        self.load_context()

    def load_context(self) -> None:
        """The chosen establishment's key, activity years and diagnostics."""
        self._discard()
        self.summary_label.setText(self._waiting_text())
        self.result_label.hide()
        self._context_token += 1
        establishment = self.establishment.current()
        if establishment is None:
            self.key_panel.show_key(None)
            self.content.show_choices([], [])
            self.loaded.emit()
            return
        services, token = self.services, self._context_token

        def job(_progress: Progress) -> _Context:
            return _Context(
                services.bundles.key_info(establishment.id),
                services.bundles.key_revocation(establishment.id),
                services.activity.values.years(establishment.id),
                services.diagnostics.list(establishment.id),
            )

        def shown(context: _Context) -> None:
            if token != self._context_token:
                return
            self.key_panel.show_key(context.key, context.revoked)
            self.content.show_choices(context.years, context.diagnostics)
            self.loaded.emit()

        self._runner.run(job, on_success=shown)

    def _content_changed(self) -> None:
        if self.prepared is not None:
            self.summary_label.setText(
                self.tr("Le contenu a changé : préparez de nouveau le paquet avant de le signer.")
            )
        self._discard()
        self.prepare_button.setEnabled(not self.content.problem())
        self.prepare_button.setToolTip(self.content.problem())

    def _discard(self) -> None:
        """Forget the prepared bundle: what would be signed is no longer what is listed."""
        self._prepare_token += 1
        self.prepared = None
        self.files_model.set_rows([])
        self.sign_button.setEnabled(False)

    # Key ---------------------------------------------------------------------------------

    def create_key(self) -> None:
        establishment = self.establishment.current()
        if establishment is None:
            return
        dialog = NewKeyDialog(establishment.name, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._generate(establishment, dialog.value()))
        dialog.open()

    def _generate(self, establishment: Establishment, passphrase: str) -> None:
        services = self.services

        def made(info: KeyInfo) -> None:
            if self.establishment.current() == establishment:
                self.key_panel.show_key(info)
                self._update_sign_button()
            self.status(
                self.tr("Clé de signature créée pour %1.").replace("%1", establishment.name)
            )
            self.key_shown.emit()

        self._runner.run(
            lambda _p: services.bundles.generate_key(establishment.id, passphrase),
            on_success=made,
            label=self.tr("Création de la clé de signature…"),
        )

    def export_public_key(self) -> None:
        info = self.key_panel.info
        if info is None:
            return
        target = save_path(
            self,
            self.tr("Exporter la clé publique"),
            f"cle-publique-{info.finess}.json",
            self.tr("Clé publique HospiPerf (*.json)"),
        )
        if target is None:
            return
        services = self.services
        self._runner.run(
            lambda _p: services.bundles.keys.export_public(info.finess, target),
            on_success=lambda done: self.status(
                self.tr("Clé publique enregistrée : %1 — empreinte : %2")
                .replace("%1", str(target))
                .replace("%2", done.words)
            ),
        )

    # Prepare, sign -----------------------------------------------------------------------

    def prepare(self) -> None:
        establishment = self.establishment.current()
        if establishment is None or self.content.problem():
            return
        self._discard()
        self.result_label.hide()
        selection = self.content.selection(establishment.id)
        services, token = self.services, self._prepare_token

        def shown(prepared: PreparedBundle) -> None:
            if token == self._prepare_token:
                self._show_prepared(prepared)

        self._runner.run(
            lambda progress: services.bundles.prepare(selection, progress),
            on_success=shown,
            on_cancel=lambda: self.status(self.tr("Préparation annulée.")),
            label=self.tr("Préparation du paquet…"),
        )

    def _show_prepared(self, prepared: PreparedBundle) -> None:
        self.prepared = prepared
        listing: list[PlannedFile] = prepared.listing()
        self.files_model.set_rows(listing)
        fit_columns(self.files_table, stretch=1)
        self.summary_label.setText(self._prepared_text(prepared))
        self._update_sign_button()
        self.prepared_shown.emit()

    def _prepared_text(self, prepared: PreparedBundle) -> str:
        listing = prepared.listing()
        return (
            self.tr(
                "%1 fichier(s), %2 au total — %3 (FINESS %4), période %5.\nC'est exactement "
                "ce qui sera signé et envoyé : vérifiez-le avant de signer."
            )
            .replace("%1", str(len(listing)))
            .replace("%2", size_text(sum(f.size for f in listing)))
            .replace("%3", prepared.name)
            .replace("%4", prepared.finess)
            .replace("%5", prepared.period)
            + "\n"
            + summary_text(prepared.checks)
        )

    def _update_sign_button(self) -> None:
        has_key = self.key_panel.info is not None
        self.sign_button.setEnabled(self.prepared is not None and has_key)
        self.sign_button.setToolTip(
            "" if has_key else self.tr("Créez d'abord la clé de signature de l'établissement.")
        )

    def sign(self) -> None:
        """The checks' warnings to justify first (when there are some), then the passphrase."""
        prepared = self.prepared
        if prepared is None:
            return
        if not needs_dialog(prepared.checks):
            self._ask_passphrase(prepared)
            return
        dialog = ChecksDialog(prepared.checks, prepared.rules, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._justify(prepared, dialog.texts()))
        dialog.open()

    def _justify(self, prepared: PreparedBundle, texts: dict[str, str]) -> None:
        services, token = self.services, self._prepare_token

        def justified(done: PreparedBundle) -> None:
            if token != self._prepare_token:
                return
            self.prepared = done  # the texts come back if the signing is tried again
            self.files_model.set_rows(done.listing())  # data/checks.json's new size
            self.summary_label.setText(self._prepared_text(done))
            self._ask_passphrase(done)

        self._runner.run(lambda _p: services.bundles.justify(prepared, texts), on_success=justified)

    def _ask_passphrase(self, prepared: PreparedBundle) -> None:
        dialog = PassphraseDialog(prepared.name, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._check(prepared, dialog.value()))
        dialog.open()

    def _check(self, prepared: PreparedBundle, passphrase: str) -> None:
        """The passphrase is checked first: a wrong one is said before the save dialog."""
        services = self.services
        self._runner.run(
            lambda _p: services.bundles.check_passphrase(prepared.finess, passphrase),
            on_success=lambda _none: self._write(prepared, passphrase),
        )

    def _write(self, prepared: PreparedBundle, passphrase: str) -> None:
        period = prepared.period.replace(" ", "-")
        target = save_path(
            self,
            self.tr("Enregistrer le paquet signé"),
            f"hospiperf-{prepared.finess}-{period}.zip",
            self.tr("Paquet HospiPerf (*.zip)"),
        )
        if target is None:
            return
        services = self.services
        self._runner.run(
            lambda progress: services.bundles.sign_and_write(
                prepared, passphrase, target, progress
            ),
            on_success=self._show_written,
            on_cancel=lambda: self.status(self.tr("Signature annulée : aucun fichier écrit.")),
            label=self.tr("Signature et écriture du paquet…"),
        )

    def _show_written(self, written: WrittenBundle) -> None:
        self.result_label.setText(
            self.tr(
                "Paquet signé et enregistré : %1\nIdentifiant du paquet : %2\nSigné avec la "
                "clé : %3\n%4 fichier(s), %5, créé le %6."
            )
            .replace("%1", str(written.path))
            .replace("%2", written.uuid)
            .replace("%3", written.words)
            .replace("%4", str(written.files))
            .replace("%5", size_text(written.payload_bytes))
            .replace("%6", datetime_text(written.created))
        )
        self.result_label.show()
        self.status(self.tr("Paquet enregistré : %1").replace("%1", str(written.path)))
        self.written.emit(written)
