"""An activity file whose "1.500" nothing explains: the window names where (file, line,
column), stores nothing, and imports once the user says at the keyboard what a dot means."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import ACTIVITY_ROW, MainWindow
from ui.sections.activity.dot_dialog import DotChoiceBox
from ui.sections.activity.page import ActivityPage

YEAR = date.today().year - 1  # the year the page shows first
DMI = "conso_dms_dmi"


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )


def _open(qtbot, window: MainWindow) -> ActivityPage:
    page = window.activity_page()
    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        window.navigation.setCurrentRow(ACTIVITY_ROW)
    window.activateWindow()
    return page


def _asked(qtbot, page: ActivityPage, sheet, monkeypatch) -> DotChoiceBox:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(sheet), ""))
    page.import_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dot_dialog, DotChoiceBox), timeout=10_000)
    box = page.dot_dialog
    assert isinstance(box, DotChoiceBox)
    return box


def test_a_lone_1_500_asks_how_to_read_the_dot_and_the_choice_typed_is_what_is_stored(
    qtbot, window, other_services, establishment, tmp_path, monkeypatch
) -> None:
    sheet = tmp_path / "activite.csv"
    sheet.write_text(f"code;valeur\nconso_medicaments;12\n{DMI};1.500\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    page = _open(qtbot, window)
    box = _asked(qtbot, page, sheet, monkeypatch)
    assert "activite.csv, ligne 3, colonne B (valeur)" in box.informativeText()
    assert "« 1.500 » peut se lire avec un point décimal ou un séparateur" in box.informativeText()
    assert other_services.activity.values.entered(establishment.id, YEAR) == {}

    box.thousands_button.setFocus()
    qtbot.waitUntil(box.thousands_button.hasFocus, timeout=5_000)
    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        qtbot.keyClick(box.thousands_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        DMI: {0: 1500.0},
        "conso_medicaments": {0: 12.0},
    }


def test_escape_on_the_question_imports_nothing(
    qtbot, window, other_services, establishment, tmp_path, monkeypatch
) -> None:
    sheet = tmp_path / "activite.csv"
    sheet.write_text(f"code;valeur\n{DMI};1.500\n", encoding="utf-8")
    page = _open(qtbot, window)
    box = _asked(qtbot, page, sheet, monkeypatch)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.dot_dialog is None, timeout=5_000)
    assert window.runner.wait(10_000)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {}
