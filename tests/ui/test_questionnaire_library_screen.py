"""Diagnostics › Questionnaires: a bad workbook shows its problems and installs nothing; a good
one is previewed, installed, searched for by typing, exported and retired."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.safe_cells import save_workbook
from hospiperf_desktop.services import Services
from ui.main_window import MainWindow

MODEL = resource_path("examples") / "modele-questionnaire.xlsx"


def _dialog(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.library_button.click()
    dialog = page.library
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    return dialog


def test_a_bad_workbook_lists_its_problems_and_installs_nothing(
    qtbot, window: MainWindow, other_services: Services, tmp_path: Path, monkeypatch
) -> None:
    bad = tmp_path / "mauvais.xlsx"
    wb = load_workbook(MODEL)
    wb["Items"]["J2"] = 0
    wb["Actions"]["A3"] = "Z.99"
    save_workbook(wb, bad)
    monkeypatch.setattr("ui.sections.diagnostics.library_dialog.open_path", lambda *a, **k: bad)
    dialog = _dialog(qtbot, window)
    dialog.import_button.click()
    # Z.99 took the only action of A.02, which is reported too
    qtbot.waitUntil(lambda: dialog.problems.rowCount() == 3, timeout=10_000)
    cells = {
        tuple(dialog.problems.item(r, c).text() for c in range(3))
        for r in range(dialog.problems.rowCount())
    }
    assert cells == {
        ("Items", "2", "J (Poids)"),
        ("Items", "3", "G (Identifiant)"),
        ("Actions", "3", "A (Item)"),
    }
    assert "rien n'est installé" in dialog.message.text()
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/questionnaire-library.png
    if shot:
        dialog.resize(1366, 768)
        qtbot.wait(300)
        dialog.grab().save(shot)
    assert dialog.install_button.isHidden()
    assert [e.template_id for e in other_services.questionnaires.list() if not e.shipped] == []


def test_a_workbook_is_previewed_installed_found_by_typing_and_retired(
    qtbot, window: MainWindow, other_services: Services, tmp_path: Path, monkeypatch
) -> None:
    good = tmp_path / "armoires.xlsx"
    good.write_bytes(MODEL.read_bytes())
    monkeypatch.setattr("ui.sections.diagnostics.library_dialog.open_path", lambda *a, **k: good)
    dialog = _dialog(qtbot, window)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.preview_items.count() == 5, timeout=10_000)
    assert not dialog.install_button.isHidden()
    assert "audit-armoires-services" in dialog.preview_title.text()
    assert all(e.shipped for e in other_services.questionnaires.list())  # preview only
    dialog.install_button.click()
    qtbot.waitUntil(lambda: "installé" in dialog.message.text(), timeout=10_000)

    entry = next(
        e
        for e in other_services.questionnaires.list()
        if e.template_id == "audit-armoires-services"
    )
    assert [(v.version, v.origin_kind, v.origin_source) for v in entry.versions] == [
        ("1.0", "workbook", "armoires.xlsx")
    ]
    dialog.search.setFocus()
    qtbot.keyClicks(dialog.search, "armoires")
    assert [v.template_id for v in dialog.visible_rows()] == ["audit-armoires-services"]
    qtbot.keyClick(dialog.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Backspace)
    assert len(dialog.visible_rows()) > 10

    dialog.select("audit-armoires-services@1.0")
    assert dialog.retire_button.isEnabled()
    dialog.retire_button.click()
    version = next(
        e
        for e in other_services.questionnaires.list()
        if e.template_id == "audit-armoires-services"
    ).latest
    assert version.retired and not version.offered
    assert "audit-armoires-services" not in {t.id for t in other_services.diagnostics.templates()}

    exported = tmp_path / "export.xlsx"
    monkeypatch.setattr(
        "ui.sections.diagnostics.library_dialog.save_path", lambda *a, **k: exported
    )
    dialog.export_button.click()
    qtbot.waitUntil(exported.exists, timeout=10_000)
    assert load_workbook(exported)["Questionnaire"]["B2"].value == "audit-armoires-services"
