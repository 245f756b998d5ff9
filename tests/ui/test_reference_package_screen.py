"""Fichier › Importer un paquet de référence…: the package is verified, what it adds or
replaces is listed, Return installs it (read back from the service), Escape installs nothing,
and a package signed by another key is refused in French with nothing installed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from dialog_support import answer_next_question
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from hospiperf_desktop.bundles.authority import ArsPublicKey
from hospiperf_desktop.bundles.bag import sha256
from hospiperf_desktop.library.package import PackageItem, write_package
from ui.main_window import MainWindow
from ui.reference_package_ui import PackageDialog

RULES = {
    "format": "hospiperf-rules/1",
    "id": "regles-ars",
    "version": "2027.1",
    "title": "Règles régionales 2027",
    "required_modules": ["activity"],
    "diagnostics_validated": True,
    "activity": {"catalog_ranges": True, "far_from_previous": True, "ranges": {}},
}
TABLE = {
    "format": 1,
    "id": "uo-sterilisation-ars",
    "version": "2027.1",
    "title": "Coefficients régionaux de stérilisation",
    "status": "regional",
    "groups": [{"id": "ste", "label": "Stérilisation"}],
    "items": [
        {
            "id": "C1",
            "label": "Boîte standard",
            "group": "ste",
            "measure": "boites_sterilisees",
            "coefficient": 1.5,
        }
    ],
}


def _item(kind: str, folder: str, document: dict) -> PackageItem:
    content = json.dumps(document, ensure_ascii=False).encode("utf-8")
    path = f"data/{folder}/{document['id']}-{document['version']}.json"
    return PackageItem(
        kind, path, document["id"], document["version"], document["title"], sha256(content), content
    )


def _package(out: Path, private: Ed25519PrivateKey) -> Path:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    write_package(
        out,
        [_item("rules", "rules", RULES), _item("uo_table", "uo", TABLE)],
        kind="reference",
        publisher="ARS Occitanie",
        signer_fingerprint=ArsPublicKey("ARS test", raw).fingerprint,
        sign=private.sign,
        created=datetime(2026, 11, 30, tzinfo=UTC),
        software_version="test",
    )
    return out


def _trust(db_path: Path, private: Ed25519PrivateKey) -> None:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    folder = db_path.parent / "keys"
    folder.mkdir(exist_ok=True)
    (folder / "ars-test.pub.json").write_text(ArsPublicKey("ARS test", raw).to_json())


def _choose(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def _preview(qtbot, window: MainWindow) -> PackageDialog:
    with qtbot.waitSignal(window.packages.previewed, timeout=20_000):
        window.packages.action.trigger()
    dialog = window.packages.dialog
    assert isinstance(dialog, PackageDialog) and dialog.isVisible()
    return dialog


def test_the_package_is_listed_then_installed_with_the_return_key(
    qtbot, window: MainWindow, other_services, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    private = Ed25519PrivateKey.generate()
    _trust(db_path, private)
    _choose(monkeypatch, _package(tmp_path / "paquet-ars.zip", private))
    assert window.packages.action.isEnabled()
    assert window.packages.action in window.menuBar().actions()[0].menu().actions()
    dialog = _preview(qtbot, window)
    rows = [[dialog.model.index(r, c).data() for c in range(5)] for r in range(2)]
    assert rows == [
        ["Règles de contrôle avant envoi", "Règles régionales 2027", "regles-ars", "2027.1",
         "ajouté"],
        ["Table d'unités d'œuvre", "Coefficients régionaux de stérilisation",
         "uo-sterilisation-ars", "2027.1", "ajouté"],
    ]  # fmt: skip
    assert "ARS Occitanie" in dialog.summary.text() and "30/11/2026" in dialog.summary.text()
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/reference-package.png
    if shot:
        window.resize(1366, 768)
        qtbot.wait(300)
        dialog.grab().save(shot)
    with qtbot.waitSignal(window.packages.installed, timeout=20_000):
        QTest.keyClick(dialog, Qt.Key.Key_Return)  # Installer is the default button
    installed = {(i.kind, i.id, i.version, i.current) for i in other_services.library.installed()}
    assert installed == {
        ("rules", "regles-ars", "2027.1", True),
        ("uo_table", "uo-sterilisation-ars", "2027.1", True),
    }
    assert other_services.library.rule_pack().title == "Règles régionales 2027"
    assert "2 élément(s)" in window.statusBar().currentMessage()


def test_escape_installs_nothing(
    qtbot, window: MainWindow, other_services, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    private = Ed25519PrivateKey.generate()
    _trust(db_path, private)
    _choose(monkeypatch, _package(tmp_path / "paquet-ars.zip", private))
    dialog = _preview(qtbot, window)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.wait(200)
    window.runner.wait(10_000)
    assert not dialog.isVisible()
    assert other_services.library.installed() == []


def test_a_package_signed_by_another_key_is_refused_in_french(
    qtbot, window: MainWindow, other_services, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    _trust(db_path, Ed25519PrivateKey.generate())
    _choose(monkeypatch, _package(tmp_path / "paquet.zip", Ed25519PrivateKey.generate()))
    seen: list[str] = []
    answer_next_question("OK", seen)
    window.packages.action.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert "n'est pas signé par la clé de l'ARS" in seen[0]
    assert "Rien n'a été installé." in seen[0]
    assert "Traceback" not in seen[0]
    assert window.packages.dialog is None
    assert other_services.library.installed() == []
