"""Exports / ARS › Clé de l'ARS: a key file opened, its fingerprint shown in words before it is
trusted, the trust stored in the database (read back through a second handle), a damaged file
refused with a French message and nothing stored."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from hospiperf_desktop.bundles.authority import generate_ars_keys, trusted_ars_key
from ui.main_window import EXPORTS_ROW, MainWindow
from ui.sections.exports.page import ExportsPage

PASSPHRASE = "phrase de passe de l'ARS"


def _open(qtbot, window: MainWindow) -> ExportsPage:
    page = window.exports_page()
    with qtbot.waitSignal(page.ars_key.shown, timeout=10_000):
        window.navigation.setCurrentRow(EXPORTS_ROW)
    page.tabs.setCurrentWidget(page.ars_key)
    return page


def test_a_key_file_is_trusted_after_its_words_are_shown(
    qtbot, window, other_services, tmp_path: Path, monkeypatch
) -> None:
    info = generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Normandie")
    view = _open(qtbot, window).ars_key
    assert view.key is None and "Aucune clé" in view.status_label.text()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(info.public_path), "")
    )
    seen: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *_a, **_k: seen.append(text) or answers.pop(0),
    )
    view.trust_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert info.words in seen[0] and "ARS Normandie" in seen[0]
    assert window.runner.wait(10_000)
    assert trusted_ars_key(other_services) is None  # refused: nothing stored

    with qtbot.waitSignal(view.shown, timeout=10_000):
        view.trust_button.click()
    assert trusted_ars_key(other_services).fingerprint == info.fingerprint
    assert view.words_label.text() == info.words
    assert "ARS Normandie" in view.status_label.text()
    assert view.hex_label.text().replace("\n", "").replace(" ", "") == info.fingerprint.upper()


def test_a_damaged_key_file_is_refused_in_french(
    qtbot, window, other_services, tmp_path: Path, monkeypatch
) -> None:
    bad = tmp_path / "ars.pub.json"
    bad.write_text('{"format": "hospiperf-ars-public-key/1"}', encoding="utf-8")
    view = _open(qtbot, window).ars_key
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a, **_k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *_a, **_k: shown.append(text))
    view.trust_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "n'est pas une clé publique de l'ARS" in shown[0]
    assert trusted_ars_key(other_services) is None


def test_personal_data_and_ars_refusals_are_told_in_french() -> None:
    from hospiperf_desktop.bundles.authority import ArsKeyRefused
    from hospiperf_desktop.bundles.personal_data import PersonalDataFound, scan
    from ui.messages import bundle_reason_text, error_text

    found = PersonalDataFound(scan([("data/plan.json$.action", "appeler Mme Durand")]))
    text = error_text(found)
    assert "pourraient identifier un patient" in text
    assert "data/plan.json$.action" in text and "Mme Durand" in text
    assert "sécurité sociale" in bundle_reason_text("personal_data")
    assert "relire l'empreinte" in error_text(ArsKeyRefused("unknown_ars_key", "r.json: other"))
