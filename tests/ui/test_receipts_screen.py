"""Exports / ARS › Accusés et suivi: receipts opened with the file dialog or dropped on the
tab are verified against the ARS key and recorded (read back through a second handle), the
ledger table shows accepté / envoyé; a receipt signed by another key is refused in French and
nothing is recorded. At the ARS: the import with receipts (key folder, passphrase, receipts
folder) and the "Suivi des envois" view, with the establishments that sent nothing."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hospiperf_desktop.ars.receipts import import_with_receipts
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.authority import generate_ars_keys, open_ars_signer, trust_ars_key
from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.receipts.service import ledger
from hospiperf_desktop.services import Services
from ui.main_window import EXPORTS_ROW, MainWindow
from ui.sections.exports.receipts_view import ReceiptsView

PASSPHRASE = "phrase de passe de test"


def _receipts(services: Services, tmp_path: Path, ars: str) -> list[Path]:
    """One establishment exports a bundle; the ARS (key in tmp_path/ars) imports it."""
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="ch")
    )
    services.activity.values.set_values(establishment.id, 2026, {("etp_pui", 0): 10.0})
    services.bundles.generate_key(establishment.id, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))
    bundle = tmp_path / "envoi.zip"
    services.bundles.sign_and_write(prepared, PASSPHRASE, bundle)
    consolidation = Consolidation(f"sqlite:///{tmp_path / 'ars.sqlite'}")
    try:
        consolidation.trust([services.bundles.keys.public_key(establishment.finess)])
        signer = open_ars_signer(tmp_path / ars, PASSPHRASE)
        issued = import_with_receipts(consolidation, [bundle], signer, tmp_path / f"r-{ars}")
    finally:
        consolidation.close()
    return [i.receipt for i in issued if i.receipt is not None]


def _open(qtbot, window: MainWindow) -> ReceiptsView:
    page = window.exports_page()
    with qtbot.waitSignal(page.receipts.shown, timeout=10_000):
        window.navigation.setCurrentRow(EXPORTS_ROW)
    page.tabs.setCurrentWidget(page.receipts)
    return page.receipts


def _cells(view: ReceiptsView) -> list[tuple[str, ...]]:
    model = view.model
    return [
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def test_receipts_opened_then_dropped_are_recorded_and_the_ledger_shown(
    qtbot, window, other_services, tmp_path: Path, monkeypatch
) -> None:
    generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Normandie")
    trust_ars_key(other_services, open_ars_signer(tmp_path / "ars", PASSPHRASE).public)
    (receipt,) = _receipts(other_services, tmp_path, "ars")
    view = _open(qtbot, window)
    assert {row[4] for row in _cells(view)} == {"envoyé"}  # exported, no receipt yet

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(receipt)], ""))
    with qtbot.waitSignal(view.shown, timeout=10_000):
        view.open_button.click()
    assert "1 accusé(s) enregistré(s)" in view.result_label.text()
    assert {row[4] for row in _cells(view)} == {"accepté"}
    assert ("750712184", "Hôpital Saint-Exemple", "2026", "Activité", "accepté", "") in _cells(view)
    assert {r.status for r in ledger(other_services)} == {"accepted"}  # stored

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(receipt))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(view.recorded, timeout=10_000) as dropped:
        view.dropEvent(drop)
    assert [r.new for r in dropped.args[0]] == [False]  # the same receipt, recorded once
    assert "0 accusé(s) enregistré(s), 1 déjà connu(s)" in view.result_label.text()


def test_a_receipt_signed_by_another_key_is_refused_in_french_and_nothing_recorded(
    qtbot, window, other_services, tmp_path: Path, monkeypatch
) -> None:
    generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Normandie")
    generate_ars_keys(tmp_path / "autre", PASSPHRASE, "ARS Normandie")
    trust_ars_key(other_services, open_ars_signer(tmp_path / "ars", PASSPHRASE).public)
    (forged,) = _receipts(other_services, tmp_path, "autre")
    view = _open(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(forged)], ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *_a, **_k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a, **_k: shown.append(text))
    view.open_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "aucun n'a été enregistré" in shown[0]
    assert forged.name in shown[0] and "autre clé" in shown[0]
    assert {r.status for r in ledger(other_services)} == {"sent"}
    assert json.loads(forged.read_text())["format"] == "hospiperf-receipt/1"


def test_the_ars_regional_views_show_the_ledger_with_who_sent_nothing(
    qtbot, other_services, tmp_path: Path
) -> None:
    import os

    from hospiperf_desktop.bundles.keys import PublicKey
    from ui.sections.exports.ars_jobs import read_state
    from ui.sections.exports.regional_views import RegionalViews

    generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Normandie")
    _receipts(other_services, tmp_path, "ars")
    consolidation = Consolidation(f"sqlite:///{tmp_path / 'ars.sqlite'}")
    try:
        consolidation.trust([PublicKey("750000010", os.urandom(32))])  # sends nothing
        state = read_state(consolidation)
    finally:
        consolidation.close()
    views = RegionalViews()
    qtbot.addWidget(views)
    views.show_report(state.report)
    texts = views.texts("ledger")
    assert ["750712184", "Hôpital Saint-Exemple", "2026", "Activité", "accepté", ""] in texts
    assert ["750000010", "", "2026", "Stock", "manquant (rien reçu)", ""] in texts
    assert views.tabText(views.indexOf(views.tables["ledger"])) == "Suivi des envois (8)"


def test_the_ars_imports_with_receipts_signed_by_its_key(
    qtbot, window, other_services, tmp_path: Path, monkeypatch
) -> None:
    from hospiperf_desktop.bundles.authority import read_ars_public_key
    from hospiperf_desktop.receipts.document import read_receipt
    from ui.sections.exports.key_dialogs import PassphraseDialog

    generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Normandie")
    establishment = other_services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="ch")
    )
    other_services.bundles.generate_key(establishment.id, PASSPHRASE)
    prepared = other_services.bundles.prepare(Selection(establishment.id, years=(2026,)))
    bundle = tmp_path / "envoi.zip"
    other_services.bundles.sign_and_write(prepared, PASSPHRASE, bundle)
    database = tmp_path / "ars.sqlite"
    consolidation = Consolidation(f"sqlite:///{database}")
    consolidation.trust([other_services.bundles.keys.public_key(establishment.finess)])
    consolidation.close()

    page = window.exports_page()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.navigation.setCurrentRow(EXPORTS_ROW)
    page.tabs.setCurrentWidget(page.ars)
    ars = page.ars
    ars.location.setText(str(database))
    with qtbot.waitSignal(ars.opened, timeout=20_000):
        ars.open_button.click()
    folders = [str(tmp_path / "ars"), str(tmp_path / "accuses")]
    (tmp_path / "accuses").mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(bundle)], ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: folders.pop(0))
    ars.bundles_box.receipts_button.click()
    dialog = ars.dialog
    assert isinstance(dialog, PassphraseDialog)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(ars.imported, timeout=30_000) as done:
        dialog.accept()
    assert [o.status for o in done.args[0]] == ["imported"]
    (receipt,) = (tmp_path / "accuses").iterdir()
    key = read_ars_public_key(tmp_path / "ars" / "ars.pub.json")
    assert read_receipt(receipt, key).verdict == "accepted"
    assert ["750712184", "Hôpital Saint-Exemple", "2026", "Stock", "accepté", ""] in (
        ars.views.texts("ledger")
    )
