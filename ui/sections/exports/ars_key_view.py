"""Exports / ARS › Clé de l'ARS: the establishment trusts the ARS's public key from its file,
after reading its fingerprint in words back to the ARS; every file the ARS signs (receipts,
reference packages) is then checked against it.

The key file is read and the settings written in the worker (no cryptography on the GUI
thread); the fingerprint is shown before anything is trusted and the user confirms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ui.file_dialogs import open_path
from ui.sections.exports.common import NOTE_STYLE
from ui.sections.exports.key_panel import HEX_STYLE, WORDS_STYLE, _selectable
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.bundles.authority import ArsPublicKey
    from hospiperf_desktop.services import Services


class ArsKeyView(QWidget):
    shown = Signal()  # the trusted key (or its absence) is shown

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.key: ArsPublicKey | None = None
        intro = QLabel(
            self.tr(
                "L'ARS signe les fichiers qu'elle vous renvoie (accusés de réception, paquets de "
                "référence). Pour les accepter, ce poste doit connaître sa clé publique : "
                "ouvrez le fichier « ars.pub.json » qu'elle vous a remis, puis relisez-lui au "
                "téléphone les dix mots de l'empreinte."
            )
        )
        intro.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.words_label = _selectable(QLabel())
        self.words_label.setStyleSheet(WORDS_STYLE)
        self.hex_label = _selectable(QLabel())
        self.hex_label.setStyleSheet(HEX_STYLE)
        note = QLabel(
            self.tr(
                "Un fichier signé par une autre clé, ou modifié après sa signature, est refusé "
                "avant d'être lu."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        self.trust_button = QPushButton(self.tr("Faire confiance à une clé de l'ARS…"))
        self.trust_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.trust_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status_label)
        layout.addWidget(self.words_label)
        layout.addWidget(self.hex_label)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addStretch(1)
        self._show(None)

    def set_services(self, services: Services) -> None:
        self._services = services
        self.reload()

    def reload(self) -> None:
        services = self._need_services()

        def job(_progress: object) -> ArsPublicKey | None:
            from hospiperf_desktop.bundles.authority import trusted_ars_key

            return trusted_ars_key(services)

        self._runner.run(job, on_success=self._show)

    def _need_services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services

    def _show(self, key: ArsPublicKey | None) -> None:
        self.key = key
        self.words_label.setVisible(key is not None)
        self.hex_label.setVisible(key is not None)
        if key is None:
            self.status_label.setText(self.tr("Aucune clé de l'ARS n'est encore enregistrée."))
            self.words_label.clear()
            self.hex_label.clear()
        else:
            from hospiperf_desktop.bundles.keys import fingerprint_groups

            self.status_label.setText(
                self.tr("Clé de confiance : <b>%1</b> — empreinte :").replace(
                    "%1", key.authority.replace("<", "&lt;")
                )
            )
            groups = fingerprint_groups(key.fingerprint).split()
            self.words_label.setText(key.words)
            self.hex_label.setText(" ".join(groups[:8]) + "\n" + " ".join(groups[8:]))
        self.shown.emit()

    def choose_file(self) -> None:
        path = open_path(
            self, self.tr("Clé publique de l'ARS"), self.tr("Clé publique (*.json)"), "ars_key"
        )
        if path is None:
            return

        def job(_progress: object) -> ArsPublicKey:
            from hospiperf_desktop.bundles.authority import read_ars_public_key

            return read_ars_public_key(path)

        self._runner.run(job, on_success=self._confirm)

    def _confirm(self, key: ArsPublicKey) -> None:
        replacing = self.key is not None and self.key.fingerprint != key.fingerprint
        text = self.tr(
            "Clé de « %1 ». Relisez à l'ARS, au téléphone, ces dix mots :\n\n%2\n\n"
            "Faire confiance à cette clé ?"
        )
        text = text.replace("%1", key.authority).replace("%2", key.words)
        if replacing:
            text += "\n" + self.tr(
                "Elle remplacera la clé actuelle : les fichiers signés par l'ancienne seront "
                "refusés."
            )
        answer = QMessageBox.question(self, self.tr("Clé de l'ARS"), text)
        if answer != QMessageBox.StandardButton.Yes:
            return
        services = self._need_services()

        def job(_progress: object) -> ArsPublicKey:
            from hospiperf_desktop.bundles.authority import trust_ars_key

            trust_ars_key(services, key, replace=True)
            return key

        self._runner.run(job, on_success=self._show)
