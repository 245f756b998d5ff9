"""Contrôles avant signature: every result of the rule pack, and a field to say why for each
warning. What is written is signed in data/checks.json and read by the ARS; nothing here is
compulsory (a warning does not block the signing)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from ui.forms import FormDialog, form_dialog

if TYPE_CHECKING:
    from hospiperf_desktop.bundles.checks import CheckResult, RulePack

MAX_JUSTIFICATION = 1000  # as bundles/checks.py
_BADGE = "padding: 2px 6px; border-radius: 3px; font-weight: bold;"
_STYLES = {
    "ok": "background: #dcefdc; color: #1d5e20;",
    "warning": "background: #fde9c8; color: #7a4b00;",
    "justified": "background: #e8eef7; color: #1f3d6b;",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("exports", text)


def status_text(status: str) -> str:
    return {
        "ok": _tr("Conforme"),
        "warning": _tr("Avertissement"),
        "justified": _tr("Justifié"),
    }.get(status, status)


def summary_text(checks: Sequence[CheckResult]) -> str:
    """'Contrôles avant signature : 3 conforme(s), 1 avertissement(s), 0 justifié(s).'"""
    counts = {s: sum(1 for c in checks if c.status == s) for s in ("ok", "warning", "justified")}
    return (
        _tr("Contrôles avant signature : %1 conforme(s), %2 avertissement(s), %3 justifié(s).")
        .replace("%1", str(counts["ok"]))
        .replace("%2", str(counts["warning"]))
        .replace("%3", str(counts["justified"]))
    )


def needs_dialog(checks: Sequence[CheckResult]) -> bool:
    """A warning, or a justification typed at an earlier try, to write or review."""
    return any(c.status == "warning" or c.justified_when == "signing" for c in checks)


class ChecksDialog(FormDialog):
    """Each result with its status; a justification field under each warning."""

    def __init__(
        self, checks: Sequence[CheckResult], rules: RulePack | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Contrôles avant signature"))
        origin = ""
        if rules is not None:
            origin = (
                self.tr("Règles : « %1 », version %2, %3.")
                .replace("%1", html.escape(rules.title))
                .replace("%2", html.escape(rules.version))
                .replace(
                    "%3",
                    self.tr("livrées avec HospiPerf")
                    if rules.source == "shipped"
                    else self.tr("paquet de référence de l'ARS"),
                )
            )
        explain = QLabel(
            self.tr(
                "Ces contrôles partent avec le paquet et l'ARS les lit. Un avertissement ne "
                "bloque pas l'envoi : expliquez-le si vous le pouvez (sans nom ni numéro de "
                "patient).<br>%1"
            ).replace("%1", origin)
        )
        explain.setWordWrap(True)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow(explain)
        form.addRow(self._results(checks))
        self.buttons = form_dialog(self, form, 720)
        self.resize(720, min(560, max(320, self.sizeHint().height())))
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.setFocus()

    def _results(self, checks: Sequence[CheckResult]) -> QScrollArea:
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        row = 0
        for check in checks:
            badge = QLabel(status_text(check.status))
            badge.setStyleSheet(_BADGE + _STYLES.get(check.status, ""))
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            message = QLabel(check.message)
            message.setWordWrap(True)
            grid.addWidget(badge, row, 0)
            grid.addWidget(message, row, 1)
            row += 1
            if check.justified_when == "entry":
                said = QLabel(
                    self.tr("Justifié à la saisie : %1").replace("%1", check.justification or "")
                )
                said.setWordWrap(True)
                said.setStyleSheet("color: #555;")
                grid.addWidget(said, row, 1)
                row += 1
            elif check.status != "ok":
                field = QLineEdit(check.justification or "")
                field.setMaxLength(MAX_JUSTIFICATION)
                field.setPlaceholderText(self.tr("Pourquoi ? (facultatif, envoyé à l'ARS)"))
                field.setAccessibleName(self.tr("Justification : %1").replace("%1", check.message))
                self.fields[check.id] = field
                grid.addWidget(field, row, 1)
                row += 1
        grid.setRowStretch(row, 1)  # the rows stay compact at the top
        inner = QWidget()
        inner.setLayout(grid)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(inner)
        area.setMinimumHeight(200)
        return area

    def texts(self) -> dict[str, str]:
        """The justification typed for each warning (empty: left as a warning)."""
        return {check_id: field.text() for check_id, field in self.fields.items()}
