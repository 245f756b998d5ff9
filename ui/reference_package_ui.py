"""*Fichier › Importer un paquet de référence…*: a signed package from the ARS or the OMEDIT
(questionnaires, work-unit tables, rule pack, regional benchmarks…) is verified, what it adds
or replaces is shown, and it is installed only when the user says so.

Verifying and installing run through `Services.library` (library/service.py) in the window's
worker, as `hospiperf library import` does; a refusal is told in French and installs nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.file_dialogs import open_path
from ui.status import show_status

if TYPE_CHECKING:
    from hospiperf_desktop.library.service import Change, Preview
    from hospiperf_desktop.services import Services
    from ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("library", text)


def kind_text(kind: str) -> str:
    return {
        "questionnaire": _tr("Questionnaire"),
        "uo_table": _tr("Table d'unités d'œuvre"),
        "rules": _tr("Règles de contrôle avant envoi"),
        "lead_times": _tr("Délais d'approvisionnement"),
        "benchmarks": _tr("Repères régionaux"),
        "revocations": _tr("Liste de clés révoquées"),
        "sterilisation": _tr("Coefficients des UO de stérilisation"),
    }.get(kind, kind)


def action_text(change: Change) -> str:
    if change.action == "add":
        return _tr("ajouté")
    if change.action == "replace":
        return _tr("remplace la version %1").replace("%1", change.replaces or "")
    return _tr("déjà installé, inchangé")


def package_reason_text(reason: str) -> str:
    """Why a reference package was refused, and what to do (nothing was installed)."""
    texts = {
        "no_ars_key": _tr(
            "Aucune clé de l'ARS n'est enregistrée sur ce poste : ouvrez Exports / ARS › Clé de "
            "l'ARS et faites confiance au fichier de clé que l'ARS vous a remis."
        ),
        "unknown_signer": _tr(
            "Ce paquet n'est pas signé par la clé de l'ARS enregistrée ici (autre clé, ou "
            "fichier modifié après sa signature) : demandez-en une nouvelle copie à l'ARS."
        ),
        "bad_signature": _tr("La signature du paquet est illisible."),
        "revoked_signer": _tr(
            "Ce paquet est signé par une clé de l'ARS révoquée (liste de révocation installée "
            "sur ce poste) : demandez à l'ARS un paquet signé avec sa nouvelle clé."
        ),
        "not_found": _tr("Ce fichier n'existe plus."),
        "not_a_zip": _tr("Ce fichier n'est pas un paquet de référence (zip illisible)."),
        "bad_item": _tr(
            "Un élément du paquet est illisible (questionnaire, table ou règles mal formés)."
        ),
        "bad_payload": _tr("Le contenu du paquet ne respecte pas le format attendu."),
        "changed": _tr("Le fichier a changé depuis qu'il a été vérifié : importez-le de nouveau."),
    }
    default = _tr("Le paquet est incomplet ou altéré (%1).").replace("%1", reason)
    return texts.get(reason, default) + "\n" + _tr("Rien n'a été installé.")


class PackageDialog(QDialog):
    """What the verified package adds or replaces; Installer (the default) or Annuler."""

    def __init__(self, preview: Preview, parent: QWidget | None = None) -> None:
        # Imported when a package is shown: this module is loaded with the window's menus,
        # before the first paint, and the table modules take a third of that time.
        from ui.record_table import record_table
        from ui.sections.stock.common import Column, ColumnsTableModel, fit_columns

        super().__init__(parent)
        self.setWindowTitle(self.tr("Importer un paquet de référence"))
        import html

        package = preview.package
        try:
            created = datetime.fromisoformat(package.created).strftime("%d/%m/%Y")
        except ValueError:
            created = package.created
        self.summary = QLabel(
            self.tr(
                "<b>%1</b> — paquet de <b>%2</b> du %3.<br>Signature vérifiée avec la clé de "
                "l'ARS enregistrée sur ce poste. Voici ce qu'il ajoute ou remplace ; les "
                "diagnostics et résultats déjà faits gardent la version avec laquelle ils ont "
                "été faits."
            )
            .replace("%1", html.escape(preview.file_name))
            .replace("%2", html.escape(package.publisher))
            .replace("%3", created)
        )
        self.summary.setWordWrap(True)
        self.model = ColumnsTableModel(
            [
                Column(self.tr("Élément"), lambda c: kind_text(c.kind)),
                Column(self.tr("Titre"), lambda c: c.title),
                Column(self.tr("Identifiant"), lambda c: c.id),
                Column(self.tr("Version"), lambda c: c.version),
                Column(self.tr("Effet"), action_text),
            ],
            self,
        )
        self.model.tooltips = True
        self.model.set_rows(list(preview.changes))
        self.table = record_table(self.model, sortable=False)
        self.buttons = QDialogButtonBox()
        self.install_button = self.buttons.addButton(
            self.tr("Installer"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.install_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(760, 360)
        fit_columns(self.table, stretch=1)
        self.install_button.setFocus()


class ReferencePackageController(QObject):
    """Owns the menu action of one main window; `installed` carries the Preview installed."""

    installed = Signal(object)
    previewed = Signal()  # the dialog is shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._services: Services | None = None
        self.dialog: PackageDialog | None = None
        self.action = QAction(window.tr("Importer un paquet de &référence…"), window)
        self.action.triggered.connect(self.choose)
        self.action.setEnabled(False)

    def services_ready(self, services: Services) -> None:
        self._services = services
        self.action.setEnabled(services.database.read_only_reason is None)

    def choose(self) -> None:
        services = self._services
        if services is None:
            return
        path = open_path(
            self._window,
            self._window.tr("Importer un paquet de référence"),
            self._window.tr("Paquet de référence HospiPerf (*.zip);;Tous les fichiers (*)"),
            kind="reference-package",
        )
        if path is None:
            return
        self._window.runner.run(
            lambda _p: services.library.preview(path),
            on_success=lambda preview: self._ask(path, preview),
            label=self._window.tr("Vérification du paquet de référence…"),
        )

    def _ask(self, path: Path, preview: Preview) -> None:
        dialog = PackageDialog(preview, self._window)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._install(path, preview))
        dialog.open()
        self.previewed.emit()

    def _install(self, path: Path, preview: Preview) -> None:
        """Install exactly the file shown: changed since, it is refused."""
        services = self._services
        if services is None:
            return
        shown = preview.package.file_sha256

        def done(installed: Preview) -> None:
            changed = sum(1 for c in installed.changes if c.action != "same")
            show_status(
                self._window,
                self._window.tr(
                    "Paquet de référence installé : %1 élément(s) ajouté(s) ou mis à jour."
                ).replace("%1", str(changed)),
            )
            self.installed.emit(installed)

        self._window.runner.run(
            lambda _p: services.library.install(path, expected_sha256=shown),
            on_success=done,
            label=self._window.tr("Installation du paquet de référence…"),
        )
