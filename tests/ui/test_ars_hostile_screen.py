"""The ARS window against the hostile corpus: each bundle refused on its own, in French, and
the sound bundle of the same batch imported all the same."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from test_exports_screen import _import, _open_ars, _trust

CORPUS = Path(__file__).parents[1] / "fixtures" / "hostile" / "ars"
BATCH = [
    "diagnostics-deep-arrays.zip",
    "establishment-other-finess.zip",
    "work-units-total-nan.zip",
    "created-not-a-date.zip",
    "valid.zip",
]


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path: Path) -> None:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def test_a_batch_with_hostile_bundles_shows_each_refusal_in_french_and_imports_the_good_one(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    ars = _open_ars(qtbot, window, tmp_path / "ars.sqlite")
    _trust(qtbot, ars, CORPUS / "corpus-key.pub.json", monkeypatch)
    outcomes = _import(qtbot, ars, [CORPUS / name for name in BATCH], monkeypatch)
    assert [(file, status) for file, status, _ in outcomes] == [
        ("diagnostics-deep-arrays.zip", "refusé"),
        ("establishment-other-finess.zip", "refusé"),
        ("work-units-total-nan.zip", "refusé"),
        ("created-not-a-date.zip", "refusé"),
        ("valid.zip", "importé"),
    ]
    reasons = [reason for _, _, reason in outcomes]
    assert reasons[0] == "Un fichier de données du paquet est imbriqué trop profondément."
    assert reasons[1].startswith("Le paquet indique un FINESS invalide")
    assert reasons[2].startswith("Les données du paquet sont illisibles ou ne respectent pas")
    assert reasons[3] == "Le fichier bag-info.txt est mal formé ou incomplet."
    assert "1 paquet(s) importé(s), 4 refusé(s)." in window.statusBar().currentMessage()
    assert [row["file_name"] for row in ars.views.rows("bundles")] == ["valid.zip"]
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/ars-hostile-batch.png
    if shot:
        window.showMaximized()
        qtbot.wait(500)
        window.grab().save(shot)
