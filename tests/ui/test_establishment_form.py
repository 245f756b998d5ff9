"""The establishment form as a person types it: no type chosen for them, errors that go
when corrected, out-of-range numbers said rather than capped, Escape asks first."""

from __future__ import annotations

from dialog_support import answer_next_question
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from ui.sections.establishment_dialog import EstablishmentDialog


def _open_add_dialog(window) -> EstablishmentDialog:
    window.establishments.add_button.click()
    dialog = window.establishments.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _press_ok(qtbot, dialog: EstablishmentDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_new_establishment_has_no_type_until_one_is_chosen(qtbot, window, other_services):
    dialog = _open_add_dialog(window)
    assert dialog.kind.currentText() == "Choisir le type…"
    qtbot.keyClicks(dialog.finess, "750712184")
    qtbot.keyClicks(dialog.name, "CH de Test")
    _press_ok(qtbot, dialog)
    assert "obligatoire" in dialog.error_text("kind")
    window.runner.wait()
    assert other_services.establishments.list() == []

    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # the first type of the list
    assert dialog.error_text("kind") == "", "the message goes once a type is chosen"
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        _press_ok(qtbot, dialog)
    (stored,) = other_services.establishments.list()
    assert (stored.finess, stored.name, stored.kind, stored.beds) == (
        "750712184",
        "CH de Test",
        "chu",
        None,
    )


def test_a_finess_error_goes_as_soon_as_the_number_is_corrected(qtbot, window):
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "750712185")
    _press_ok(qtbot, dialog)
    assert "Clé de contrôle" in dialog.error_text("finess")
    assert "obligatoire" in dialog.error_text("name")

    qtbot.keyClick(dialog.finess, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.finess, "4")
    assert dialog.error_text("finess") == ""
    assert "obligatoire" in dialog.error_text("name"), "a field still wrong keeps its message"
    assert dialog.error_text("beds") == "", "untouched fields show nothing before OK"


def test_an_out_of_range_bed_count_is_said_not_capped(qtbot, window, other_services):
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "750712184")
    qtbot.keyClicks(dialog.name, "CH de Test")
    dialog.kind.setCurrentIndex(dialog.kind.findData("ch"))
    qtbot.keyClicks(dialog.beds, "25000")
    qtbot.keyClicks(dialog.care_units, "douze")
    _press_ok(qtbot, dialog)

    assert dialog.beds.text() == "25000", "what was typed stays as typed"
    assert dialog.error_text("beds") == "La valeur doit être comprise entre 0 et 20000."
    assert dialog.error_text("care_units") == "Nombre entier attendu (par exemple 250)."
    window.runner.wait()
    assert other_services.establishments.list() == []

    dialog.beds.clear()
    qtbot.keyClicks(dialog.beds, "2 500")
    dialog.care_units.clear()
    qtbot.keyClicks(dialog.care_units, "12")
    assert dialog.error_text("beds") == dialog.error_text("care_units") == ""
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        _press_ok(qtbot, dialog)
    stored = other_services.establishments.by_finess("750712184")
    assert (stored.beds, stored.care_units, stored.kind) == (2500, 12, "ch")


def test_escape_on_a_filled_form_asks_before_discarding(qtbot, window, other_services):
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "750712184")
    qtbot.keyClicks(dialog.name, "Saisie en cours 2026")
    seen: list[str] = []

    answer_next_question("Continuer la saisie", seen)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert seen == ["Abandonner la saisie ?"]
    assert dialog.isVisible()
    assert (dialog.finess.text(), dialog.name.text()) == ("750712184", "Saisie en cours 2026")

    answer_next_question("Abandonner", seen)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert len(seen) == 2 and not dialog.isVisible()
    window.runner.wait()
    assert other_services.establishments.list() == []


def test_escape_on_an_untouched_form_just_closes(qtbot, window):
    dialog = _open_add_dialog(window)
    qtbot.keyClick(dialog.finess, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
