"""The activity grid typed at the keyboard as a person does: Enter commits and moves to the next
value cell, nothing typed is dropped by a save or a reload, a refused value stays in its cell
with the reason, letters never jump the view, and an unusual value asks for a justification.

Each test reads back from a second handle on the database every value the keys could touch.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import ACTIVITY_ROW, MainWindow
from ui.sections.activity.grid_model import VALUE
from ui.sections.activity.page import ActivityPage
from ui.sections.activity.unusual_dialog import UnusualImportDialog, UnusualValueDialog

YEAR = date.today().year - 1  # the year the page shows first


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


def _focus_cell(qtbot, page: ActivityPage, measure_id: str) -> None:
    """Click-free: the person arrives on the cell with the keyboard (as after Tab)."""
    table = page.entry.table
    table.setFocus()
    table.setCurrentIndex(page.grid_model.index_of(measure_id))
    qtbot.waitUntil(table.hasFocus, timeout=5_000)


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def _type(qtbot, text: str) -> None:
    """Type into whatever has the focus, key by key (accented letters as a French keyboard
    sends them: a key event carrying the character, which QTest cannot spell)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(_focused(), char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(_focused(), event)


def _enter(qtbot) -> None:
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits on a queued call, as in the app


def _current_measure(page: ActivityPage) -> str:
    index = page.entry.table.currentIndex()
    assert index.isValid(), "no cell is current"
    return page.grid_model.rows[index.row()].measure.id


def _settled(qtbot, page: ActivityPage) -> None:
    """Every save and reload asked so far has come back."""
    runner = page.window().runner
    qtbot.waitUntil(lambda: runner.wait(0) and not page.grid_model.pending, timeout=10_000)
    QApplication.processEvents()
    assert runner.wait(10_000)


def test_three_enter_seven_enter_keeps_both_values_and_moves_down_each_time(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "commandes_medicaments")
    _type(qtbot, "3")
    _enter(qtbot)
    assert _current_measure(page) == "commandes_dms", "Enter goes to the next value cell"
    _type(qtbot, "7")  # typed while the 3 is being saved
    # The save of the 3 and the reload it asks for arrive while the 7 is still being typed.
    qtbot.waitUntil(
        lambda: (
            other_services.activity.values.entered(establishment.id, YEAR)
            == {"commandes_medicaments": {0: 3.0}}
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: "commandes_medicaments" not in page.grid_model.pending, timeout=10_000)
    assert QApplication.focusWidget() is not page.entry.table, "the 7 is still being typed"
    _enter(qtbot)
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "commandes_medicaments": {0: 3.0},
        "commandes_dms": {0: 7.0},
    }
    assert _current_measure(page) == "commandes_dmi", "the reload kept the cursor"
    _type(qtbot, "12")  # the next cell is ready for typing
    _enter(qtbot)
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "commandes_medicaments": {0: 3.0},
        "commandes_dms": {0: 7.0},
        "commandes_dmi": {0: 12.0},
    }


def test_fast_typing_down_a_column_drops_nothing(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "prep_cytotoxiques")
    for text in ("120", "45", "8", "30"):  # no pause: saves and reloads overlap the typing
        _type(qtbot, text)
        _enter(qtbot)
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "prep_cytotoxiques": {0: 120.0},
        "prep_nutrition_parenterale": {0: 45.0},
        "prep_magistrales_steriles": {0: 8.0},
        "prep_magistrales_non_steriles": {0: 30.0},
    }
    assert _current_measure(page) == "prep_hospitalieres_steriles"


def test_enter_on_the_last_cell_of_a_family_skips_the_next_family_heading(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "pct_commandes_urgentes")
    _type(qtbot, "5")
    _enter(qtbot)
    assert _current_measure(page) == "conso_medicaments"  # past the "Consommations" heading
    _type(qtbot, "1200,50")
    _enter(qtbot)
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "pct_commandes_urgentes": {0: 5.0},
        "conso_medicaments": {0: 1200.5},
    }


def test_tab_after_a_value_also_saves_it_and_goes_to_the_next_value(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "essais_ouverts")
    _type(qtbot, "14")
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert _current_measure(page) == "essais_actifs"
    assert page.entry.table.currentIndex().column() == VALUE
    _type(qtbot, "31")
    _enter(qtbot)
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "essais_ouverts": {0: 14.0},
        "essais_actifs": {0: 31.0},
    }


def test_a_refused_value_stays_in_its_cell_marked_with_the_reason_and_the_cursor_stays(
    qtbot, window, services, other_services, establishment
) -> None:
    services.activity.values.set_values(establishment.id, YEAR, {("commandes_dms", 0): 40.0})
    page = _open(qtbot, window)
    model = page.grid_model
    _focus_cell(qtbot, page, "commandes_medicaments")
    _type(qtbot, "12,5")
    _enter(qtbot)
    assert _current_measure(page) == "commandes_medicaments", "the cursor did not move"
    index = model.index_of("commandes_medicaments")
    assert index.data() == "12,5", "what was typed is still there"
    assert "nombre entier positif ou nul" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None, "the cell is marked"
    assert "« 12,5 »" in page.entry.problem.text()
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "commandes_dms": {0: 40.0}
    }

    _type(qtbot, "12")  # corrected in place
    _enter(qtbot)
    _settled(qtbot, page)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None, "the mark went with the fix"
    assert not page.entry.problem.isVisible()
    assert _current_measure(page) == "commandes_dms"
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "commandes_medicaments": {0: 12.0},
        "commandes_dms": {0: 40.0},
    }


def test_escape_on_a_refused_value_shows_the_stored_one_again(
    qtbot, window, services, other_services, establishment
) -> None:
    services.activity.values.set_values(establishment.id, YEAR, {("commandes_dms", 0): 40.0})
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "commandes_dms")
    _type(qtbot, "quarante")
    _enter(qtbot)
    index = page.grid_model.index_of("commandes_dms")
    assert index.data() == "quarante"
    assert "Échap" in index.data(Qt.ItemDataRole.ToolTipRole)
    qtbot.keyClick(_focused(), Qt.Key.Key_Escape)
    assert index.data() == "40"
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert not page.entry.problem.isVisible()
    _enter(qtbot)  # nothing held any more: Enter moves on
    assert _current_measure(page) == "commandes_dmi"
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "commandes_dms": {0: 40.0}
    }


def test_letters_typed_on_a_label_do_not_jump_the_view(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    table = page.entry.table
    table.setFocus()
    start = page.grid_model.index_of("commandes_medicaments", 0)  # the label, not editable
    table.setCurrentIndex(start)
    qtbot.waitUntil(table.hasFocus, timeout=5_000)
    QTest.keyClicks(table, "prep")  # "Préparations…" would be found by keyboard search
    assert table.currentIndex() == start
    _settled(qtbot, page)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {}


def test_an_unusual_value_asks_for_a_justification_kept_with_it_and_audited(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "commandes_dmi")
    _type(qtbot, "45000")
    _enter(qtbot)
    qtbot.waitUntil(lambda: isinstance(page.entry.dialog, UnusualValueDialog), timeout=5_000)
    dialog = page.entry.dialog
    assert isinstance(dialog, UnusualValueDialog)
    assert "0 – 30 000" in dialog.explanation.text().replace("\u202f", " ").replace("\xa0", " ")
    assert not dialog.ok_button.isEnabled(), "a justification is required"
    qtbot.waitUntil(dialog.justification.hasFocus, timeout=5_000)
    _type(qtbot, "Reprise de 2 sites fermés en 2025")
    assert dialog.ok_button.isEnabled()
    _enter(qtbot)
    _settled(qtbot, page)
    values = other_services.activity.values
    assert values.entered(establishment.id, YEAR) == {"commandes_dmi": {0: 45000.0}}
    assert values.justifications(establishment.id, YEAR) == {
        ("commandes_dmi", 0): "Reprise de 2 sites fermés en 2025"
    }
    [entry] = [
        e
        for e in other_services.audit.recent()
        if e.entity_id.endswith(f"/{YEAR}/00/commandes_dmi")
    ]
    assert entry.after == {"value": 45000.0, "justification": "Reprise de 2 sites fermés en 2025"}
    assert _current_measure(page) == "jours_stock_medicaments", "confirmed: moves on"


def test_cancelling_the_justification_keeps_the_stored_value(
    qtbot, window, services, other_services, establishment
) -> None:
    services.activity.values.set_values(establishment.id, YEAR, {("commandes_dmi", 0): 300.0})
    audited = len(services.audit.recent())
    page = _open(qtbot, window)
    _focus_cell(qtbot, page, "commandes_dmi")
    _type(qtbot, "45000")
    _enter(qtbot)
    qtbot.waitUntil(lambda: isinstance(page.entry.dialog, UnusualValueDialog), timeout=5_000)
    dialog = page.entry.dialog
    assert isinstance(dialog, UnusualValueDialog)
    qtbot.waitUntil(dialog.justification.hasFocus, timeout=5_000)
    _type(qtbot, "erreur")
    qtbot.keyClick(_focused(), Qt.Key.Key_Escape)
    _settled(qtbot, page)
    assert page.grid_model.index_of("commandes_dmi").data().replace("\u202f", " ") == "300"
    assert _current_measure(page) == "commandes_dmi"
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "commandes_dmi": {0: 300.0}
    }
    assert other_services.activity.values.justifications(establishment.id, YEAR) == {}
    assert len(other_services.audit.recent()) == audited, "nothing recorded"


def test_an_import_lists_unusual_values_by_line_and_column_and_keeps_only_those_ticked(
    qtbot, window, services, other_services, establishment, tmp_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    services.activity.values.set_values(establishment.id, YEAR, {("prep_cytotoxiques", 0): 90.0})
    sheet = tmp_path / "activite.csv"
    sheet.write_text(
        "code;valeur\n"
        "lignes_cmd_medicaments;1 500\n"
        "commandes_dmi;45 000\n"
        "prep_cytotoxiques;900000\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(sheet), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    page = _open(qtbot, window)
    page.import_button.click()
    qtbot.waitUntil(lambda: isinstance(page.unusual_dialog, UnusualImportDialog), timeout=10_000)
    dialog = page.unusual_dialog
    assert isinstance(dialog, UnusualImportDialog)
    lines = [dialog.list.item(r).text() for r in range(dialog.list.count())]
    assert len(lines) == 2
    assert lines[0].startswith("activite.csv, ligne 3, colonne B (valeur) : « Commandes de disp")
    assert lines[1].startswith("activite.csv, ligne 4, colonne B (valeur) : « Préparations de cy")
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "prep_cytotoxiques": {0: 90.0}
    }, "nothing imported before the user answers"

    dialog.list.setFocus()
    dialog.list.setCurrentRow(0)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # tick the DMI orders only
    assert not dialog.ok_button.isEnabled(), "a ticked value needs a justification"
    dialog.justification.setFocus()
    qtbot.waitUntil(dialog.justification.hasFocus, timeout=5_000)
    _type(qtbot, "Fusion de deux blocs en 2025")
    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        _enter(qtbot)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert "1 valeur(s) inhabituelle(s) confirmée(s), 1 non importée(s)" in shown[0]
    values = other_services.activity.values
    assert values.entered(establishment.id, YEAR) == {
        "lignes_cmd_medicaments": {0: 1500.0},
        "commandes_dmi": {0: 45000.0},
        "prep_cytotoxiques": {0: 90.0},
    }
    assert values.justifications(establishment.id, YEAR) == {
        ("commandes_dmi", 0): "Fusion de deux blocs en 2025"
    }


def test_work_unit_counts_are_typed_in_the_lines_with_the_same_enter_and_refusal(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    uo = page.work_units
    page.tabs.setCurrentWidget(uo)
    table, model = uo.lines_table, uo.lines_model
    table.setFocus()
    table.setCurrentIndex(model.index_of("lignes_cmd_medicaments"))
    qtbot.waitUntil(table.hasFocus, timeout=5_000)
    _type(qtbot, "1200")
    _enter(qtbot)
    assert model.rows[table.currentIndex().row()].measure == "lignes_cmd_dms"
    _type(qtbot, "3,5")  # a count is a whole number: refused, kept in the cell
    _enter(qtbot)
    dms = model.index_of("lignes_cmd_dms")
    assert table.currentIndex() == dms, "the cursor stays on the refused count"
    assert dms.data() == "3,5"
    assert "nombre entier" in dms.data(Qt.ItemDataRole.ToolTipRole)
    _type(qtbot, "500")
    _enter(qtbot)
    assert model.rows[table.currentIndex().row()].measure == "lignes_cmd_dmi"
    qtbot.waitUntil(lambda: not model.pending, timeout=10_000)
    assert page.window().runner.wait(10_000)
    qtbot.waitUntil(
        lambda: "18 920 UO" in uo.total_label.text().replace("\u202f", " ").replace("\xa0", " "),
        timeout=10_000,
    )  # 1 200 × 10,6 + 500 × 12,4
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "lignes_cmd_medicaments": {0: 1200.0},
        "lignes_cmd_dms": {0: 500.0},
    }
    # The Saisie grid too, loaded once the shown tab is painted (ui/sections/activity/page.py).
    qtbot.waitUntil(
        lambda: page.grid_model.index_of("lignes_cmd_dms").data() == "500", timeout=10_000
    )
