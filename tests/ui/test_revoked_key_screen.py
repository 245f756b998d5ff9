"""The Exports screen once the ARS has revoked the establishment's key: the key panel says so
in French, and signing is refused with what to do, writing nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtWidgets import QFileDialog, QMessageBox
from test_exports_screen import FINESS, NAME, PASSPHRASE, _open, _prepare, _type_passphrase

from hospiperf_desktop.bundles.authority import ArsPublicKey
from hospiperf_desktop.bundles.bag import sha256
from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from hospiperf_desktop.library.package import PackageItem, write_package


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(EstablishmentInput(finess=FINESS, name=NAME, kind="ch"))


def _revoke(services, fingerprint: str, folder: Path) -> None:
    """A revocation list naming `fingerprint`, signed by an ARS key this desktop trusts."""
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    ars = ArsPublicKey("ARS test", raw)
    keys = services.database.path.parent / "keys"
    (keys / "ars-test.pub.json").write_text(ars.to_json())
    entry = {"finess": FINESS, "fingerprint": fingerprint, "revoked_on": "2026-12-05"}
    content = json.dumps(
        {
            "format": "hospiperf-revocations/1",
            "created": "2026-12-05",
            "revoked": [entry | {"reason": "ordinateur perdu"}],
        }
    ).encode()
    item = PackageItem(
        "revocations", "data/revocations/r-1.json", "r", "1", "t", sha256(content), content
    )
    package = folder / "revocation.zip"
    write_package(
        package,
        [item],
        kind="revocations",
        publisher="ARS test",
        signer_fingerprint=ars.fingerprint,
        sign=private.sign,
        created=datetime(2026, 12, 5, tzinfo=UTC),
        software_version="test",
    )
    services.library.install(package)


def test_a_revoked_key_is_said_on_the_key_panel_and_signs_nothing(
    qtbot, window, services, establishment, tmp_path, monkeypatch
) -> None:
    info = services.bundles.generate_key(establishment.id, PASSPHRASE)
    _revoke(services, info.fingerprint, tmp_path)
    view = _open(qtbot, window).send
    panel = view.key_panel
    assert panel.revoked_label.isVisible()
    assert panel.revoked_label.text().startswith("Clé révoquée par l'ARS le 05/12/2026")
    assert panel.words_label.text() == info.words

    _prepare(qtbot, view)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    target = tmp_path / "paquet.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    _type_passphrase(qtbot, view, PASSPHRASE)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert window.runner.wait(20_000)
    assert shown[0].startswith(
        "La clé de signature de l'établissement a été révoquée par l'ARS le 05/12/2026"
        " (ordinateur perdu)"
    )
    assert "keys generate" in shown[0] and "--replace" in shown[0]
    assert not target.exists() and list(tmp_path.glob("*.zip*")) == [tmp_path / "revocation.zip"]
