"""The establishment's signing key: the button that makes it, or its fingerprint in words, big
enough to read to the ARS over the phone, and the export of the public key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.sections.exports.common import NOTE_STYLE, REFUSED_STYLE

if TYPE_CHECKING:
    from hospiperf_desktop.bundles.keys import KeyInfo
    from hospiperf_desktop.library.revocations import RevokedKey

WORDS_STYLE = (
    "font-size: 20px; font-weight: 600; padding: 6px 10px;"
    " background: palette(base); border: 1px solid #b8c4d6; border-radius: 4px;"
)
HEX_STYLE = "font-family: monospace; color: #444;"


def _selectable(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _french_date(text: str) -> str:
    from datetime import date

    from hospiperf_desktop.diagnostics.texts import format_date

    try:
        return format_date(date.fromisoformat(text))
    except ValueError:
        return text


class KeyPanel(QGroupBox):
    """Either "no key yet" with its button, or the key's fingerprint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Clé de signature"), parent)
        self.info: KeyInfo | None = None
        self.create_button = QPushButton(self.tr("Créer la clé de signature…"))
        self.export_button = QPushButton(self.tr("Exporter la clé publique…"))
        self.export_button.setToolTip(
            self.tr("Le fichier à envoyer à l'ARS : il ne contient aucun secret")
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self._no_key_page())
        self.stack.addWidget(self._key_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.show_key(None)

    def _no_key_page(self) -> QWidget:
        page = QWidget()
        text = QLabel(
            self.tr(
                "Cet établissement n'a pas encore de clé de signature. Elle signe les paquets : "
                "l'ARS vérifie avec elle qu'ils viennent bien de vous et n'ont pas été modifiés."
            )
        )
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.create_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _key_page(self) -> QWidget:
        page = QWidget()
        caption = QLabel(self.tr("Empreinte de la clé — <b>à lire à l'ARS au téléphone</b> :"))
        self.words_label = _selectable(QLabel())
        self.words_label.setStyleSheet(WORDS_STYLE)
        self.hex_label = _selectable(QLabel())
        self.hex_label.setStyleSheet(HEX_STYLE)
        self.hex_label.setToolTip(self.tr("Empreinte complète (SHA-256 de la clé publique)"))
        self.revoked_label = _selectable(QLabel())
        self.revoked_label.setStyleSheet(REFUSED_STYLE)
        note = QLabel(
            self.tr(
                "La clé privée reste ici, chiffrée par votre phrase de passe. Envoyez la clé "
                "publique à l'ARS, puis lisez-lui ces dix mots : elle les compare à sa copie."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.revoked_label)
        layout.addWidget(caption)
        layout.addWidget(self.words_label)
        layout.addWidget(self.hex_label)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def show_key(self, info: KeyInfo | None, revoked: RevokedKey | None = None) -> None:
        self.info = info
        self.stack.setCurrentIndex(0 if info is None else 1)
        self.revoked_label.setVisible(revoked is not None)
        if revoked is not None:
            self.revoked_label.setText(
                self.tr(
                    "Clé révoquée par l'ARS le %1 : elle ne peut plus signer. Créez une nouvelle "
                    "clé (hospiperf keys generate --replace) et faites-la confirmer par l'ARS."
                ).replace("%1", _french_date(revoked.revoked_on))
            )
        if info is None:
            self.words_label.clear()
            self.hex_label.clear()
            return
        from hospiperf_desktop.bundles.keys import fingerprint_groups  # loaded by the worker

        groups = fingerprint_groups(info.fingerprint).split()
        self.words_label.setText(info.words)
        self.hex_label.setText(" ".join(groups[:8]) + "\n" + " ".join(groups[8:]))
