"""Diagnostics › Questionnaires: a bad workbook shows its problems and installs nothing; a good
one is previewed, installed, searched for by typing, exported and retired."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from hospiperf_desktop.errors import ConflictError
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.safe_cells import save_workbook
from hospiperf_desktop.services import Services
from ui.main_window import MainWindow
from ui.messages import error_text

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
    library = dialog._services.questionnaires
    threads: list[bool] = []
    retire = library.retire

    def watched(*args: object, **kwargs: object) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        retire(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library, "retire", watched)
    dialog.retire_button.click()
    qtbot.waitUntil(lambda: dialog.retire_button.text() == "Proposer de nouveau", timeout=10_000)
    assert threads == [False], "retiring runs in the worker, not on the GUI thread"
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
    qtbot.waitUntil(lambda: str(exported) in dialog.message.text(), timeout=10_000)

    dialog.retire_button.click()  # now "Proposer de nouveau"
    qtbot.waitUntil(lambda: dialog.retire_button.text() == "Retirer de la liste", timeout=10_000)
    assert threads == [False, False]
    assert "audit-armoires-services" in {t.id for t in other_services.diagnostics.templates()}


def test_ids_and_targets_are_shown_whole_at_1366_by_768(qtbot, window: MainWindow) -> None:
    dialog = _dialog(qtbot, window)
    dialog.resize(1366, 768)
    table, metrics = dialog.table, dialog.table.fontMetrics()
    for column in (1, 3, 4):  # Identifiant, Origine, Cible
        widest = max(metrics.horizontalAdvance(table.item(r, column).text()) for r in range(14))
        assert table.columnWidth(column) > widest, table.horizontalHeaderItem(column).text()
    assert table.columnWidth(0) > 250  # the title keeps the room left


def test_the_library_refusals_are_worded_in_french() -> None:
    shipped = ConflictError("x", "questionnaire_shipped", template="sterilisation")
    assert error_text(shipped) == (
        "Le questionnaire sterilisation est livré avec l'application : il reste toujours proposé."
    )
    in_use = ConflictError("x", "questionnaire_in_use", template="audit", version="1.0", count=2)
    assert error_text(in_use).startswith("audit@1.0 sert à 2 diagnostic(s)")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_blank_grid_button_writes_the_pdf_of_the_selected_version(
    qtbot, window: MainWindow, other_services: Services, tmp_path: Path, monkeypatch
) -> None:
    pdf = tmp_path / "grille-radiopharmacie.pdf"
    monkeypatch.setattr("ui.sections.diagnostics.library_dialog.save_path", lambda *a, **k: pdf)
    dialog = _dialog(qtbot, window)
    assert not dialog.blank_button.isEnabled()  # nothing selected yet
    version = next(
        e for e in other_services.questionnaires.list() if e.template_id == "radiopharmacie"
    ).latest
    dialog.select(version.key)
    assert dialog.blank_button.isEnabled()
    dialog.blank_button.click()
    assert window.runner.wait(30_000)
    qtbot.waitUntil(lambda: str(pdf) in dialog.message.text(), timeout=10_000)
    assert str(pdf) in window.statusBar().currentMessage()
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    template = other_services.questionnaires.version_template("radiopharmacie", version.version)
    assert all(item.id in text for item in template.items)
    assert text.count("Commentaire") == len(template.items) == version.item_count
