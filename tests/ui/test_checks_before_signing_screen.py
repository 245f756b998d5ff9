"""Checks before signing in the window: the summary under the prepared files, a dialog that
lists every result, the justification typed in it with the keyboard, and the signed
bundle's data/checks.json carrying it."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from test_exports_screen import FINESS, NAME, PASSPHRASE, YEAR, _create_key, _open, _prepare

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.sections.exports.checks_dialog import ChecksDialog
from ui.sections.exports.key_dialogs import PassphraseDialog

TYPED = "Premier diagnostic prevu en mars 2027"


@pytest.fixture
def establishment(services) -> Establishment:
    """As test_exports_screen's: a little activity, no diagnostic (a warning)."""
    record = services.establishments.add(
        EstablishmentInput(finess=FINESS, name=NAME, kind="ch", region="Île-de-France", beds=120)
    )
    services.activity.values.set_values(
        record.id, YEAR, {("lignes_cmd_medicaments", 0): 1000.0, ("etp_pui", 0): 10.0}
    )
    return record


def test_a_warning_is_justified_by_typing_and_travels_in_the_signed_bundle(
    qtbot,
    window,
    establishment,
    tmp_path: Path,
    monkeypatch,
) -> None:
    view = _open(qtbot, window).send
    _create_key(qtbot, view)
    _prepare(qtbot, view)
    assert "data/checks.json" in [f.path for f in view.files_model.rows]
    assert "1 avertissement(s)" in view.summary_label.text()  # no diagnostic yet

    target = tmp_path / "paquet.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    view.sign_button.click()
    dialog = view.dialog
    assert isinstance(dialog, ChecksDialog)
    assert list(dialog.fields) == ["module:diagnostics"]
    field = dialog.fields["module:diagnostics"]
    qtbot.waitUntil(lambda: field.hasFocus() or dialog.isVisible(), timeout=5_000)
    QTest.keyClicks(field, TYPED)
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/checks-before-signing.png
    if shot:
        window.resize(1366, 768)
        qtbot.wait(300)
        dialog.grab().save(shot)
    QTest.keyClick(field, Qt.Key.Key_Return)  # the dialog's default button: OK
    qtbot.waitUntil(lambda: isinstance(view.dialog, PassphraseDialog), timeout=10_000)
    assert "1 justifié(s)" in view.summary_label.text()
    QTest.keyClicks(view.dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(view.written, timeout=30_000):
        QTest.keyClick(view.dialog.passphrase, Qt.Key.Key_Return)

    with zipfile.ZipFile(target) as archive:
        checks = json.loads(archive.read("data/checks.json"))
    results = {r["id"]: r for r in checks["results"]}
    assert results["module:diagnostics"]["status"] == "justified"
    assert results["module:diagnostics"]["justification"] == TYPED
    assert results["module:diagnostics"]["justified_when"] == "signing"
    assert results["module:activity"]["status"] == "ok"  # its neighbour, untouched
    assert checks["summary"] == {"ok": 2, "warning": 0, "justified": 1}


def test_closing_the_checks_dialog_signs_nothing(
    qtbot,
    window,
    establishment,
    tmp_path: Path,
    monkeypatch,
) -> None:
    view = _open(qtbot, window).send
    _create_key(qtbot, view)
    _prepare(qtbot, view)
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: asked.append("save") or ("", "")
    )
    view.sign_button.click()
    assert isinstance(view.dialog, ChecksDialog)
    QTest.keyClick(view.dialog, Qt.Key.Key_Escape)  # nothing typed: it just closes
    qtbot.wait(200)
    assert isinstance(view.dialog, ChecksDialog) and not view.dialog.isVisible()
    assert asked == []
