"""The passphrase of an establishment's signing key: chosen twice when the key is made, typed
once to sign. It is never stored: the dialogs hand it to the worker and are deleted."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ui.forms import FormDialog, form_dialog

MIN_PASSPHRASE = 10  # as the core's KeyStore accepts them


def _hidden() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class NewKeyDialog(FormDialog):
    """The passphrase that protects a new key: twice, hidden, at least 10 characters."""

    def __init__(self, establishment: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Créer la clé de signature"))
        explain = QLabel(
            self.tr(
                "La clé de signature de %1 prouve à l'ARS que les paquets viennent de vous et "
                "n'ont pas été modifiés. Elle reste sur cet ordinateur, chiffrée par une phrase "
                "de passe d'au moins %2 caractères.<br><br><b>La phrase de passe n'est "
                "enregistrée nulle part et ne peut pas être retrouvée.</b> Si elle est oubliée, "
                "il faudra créer une nouvelle clé et la faire accepter de nouveau par l'ARS."
            )
            .replace("%1", html.escape(establishment))
            .replace("%2", str(MIN_PASSPHRASE))
        )
        explain.setWordWrap(True)
        self.passphrase = _hidden()
        self.confirmation = _hidden()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #8a1c1c;")
        form = QFormLayout()
        form.addRow(explain)
        form.addRow(self.tr("Phrase de passe :"), self.passphrase)
        form.addRow(self.tr("Confirmation :"), self.confirmation)
        form.addRow(self.problem)
        self.buttons = form_dialog(self, form, 560)
        self.passphrase.textChanged.connect(self._check)
        self.confirmation.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        first, second = self.passphrase.text(), self.confirmation.text()
        problem = ""
        if first and len(first) < MIN_PASSPHRASE:
            problem = self.tr("Au moins %1 caractères (%2 pour l'instant).")
            problem = problem.replace("%1", str(MIN_PASSPHRASE)).replace("%2", str(len(first)))
        elif second and second != first:
            problem = self.tr("Les deux phrases de passe diffèrent.")
        self.problem.setText(problem)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(first) >= MIN_PASSPHRASE and first == second)

    def value(self) -> str:
        return self.passphrase.text()


class PassphraseDialog(FormDialog):
    """The passphrase that opens the key, to sign one bundle."""

    def __init__(self, establishment: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Signer le paquet"))
        explain = QLabel(
            self.tr("Phrase de passe de la clé de signature de %1 :").replace("%1", establishment)
        )
        explain.setWordWrap(True)
        self.passphrase = _hidden()
        form = QFormLayout()
        form.addRow(explain)
        form.addRow(self.tr("Phrase de passe :"), self.passphrase)
        self.buttons = form_dialog(self, form, 480)
        self.passphrase.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.passphrase.text()))

    def value(self) -> str:
        return self.passphrase.text()
