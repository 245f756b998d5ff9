"""Driving the Establishments screen through its real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from hospiperf_desktop.establishments.model import EstablishmentInput
from ui.main_window import MainWindow
from ui.sections.establishment_dialog import EstablishmentDialog


def _table_texts(window: MainWindow, column: int) -> list[str]:
    proxy = window.establishments.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def _open_add_dialog(window: MainWindow) -> EstablishmentDialog:
    window.establishments.add_button.click()
    dialog = window.establishments.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _press_ok(qtbot, dialog: EstablishmentDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_adding_an_establishment_shows_it_in_the_list(qtbot, window, other_services):
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "750 712 184")
    dialog.name.insert("Hôpital Saint-Exemple")  # QTest types ASCII only
    dialog.kind.setCurrentIndex(dialog.kind.findData("chu"))
    dialog.region.setCurrentIndex(dialog.region.findData("Île-de-France"))
    qtbot.keyClicks(dialog.beds, "1234")
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        _press_ok(qtbot, dialog)

    assert not dialog.isVisible()
    assert _table_texts(window, 0) == ["750712184"]
    assert _table_texts(window, 1) == ["Hôpital Saint-Exemple"]
    assert _table_texts(window, 2) == ["CHU"]
    assert _table_texts(window, 5)[0].replace("\u202f", " ").replace("\xa0", " ") == "1 234"
    stored = other_services.establishments.by_finess("750712184")
    assert (stored.name, stored.kind, stored.region, stored.beds) == (
        "Hôpital Saint-Exemple",
        "chu",
        "Île-de-France",
        1234,
    )


def test_a_bad_finess_is_refused_with_a_message_next_to_the_field(qtbot, window, other_services):
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "750712185")
    _press_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert "Clé de contrôle" in dialog.error_text("finess")
    assert "obligatoire" in dialog.error_text("name")
    assert "obligatoire" in dialog.error_text("kind"), "no type is chosen in advance"
    assert dialog.error_text("region") == ""
    window.runner.wait()
    assert other_services.establishments.list() == []


def test_a_duplicate_finess_is_reported_by_the_service_on_the_field(qtbot, window, services):
    services.establishments.add(EstablishmentInput(finess="750712184", name="A", kind="ch"))
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "750712184")
    qtbot.keyClicks(dialog.name, "B")
    dialog.kind.setCurrentIndex(dialog.kind.findData("ch"))
    _press_ok(qtbot, dialog)

    qtbot.waitUntil(lambda: dialog.error_text("finess") != "", timeout=10_000)
    assert "existe déjà" in dialog.error_text("finess")
    assert dialog.isVisible() and dialog.isEnabled()


def test_overseas_is_ticked_from_an_overseas_finess(qtbot, window):
    dialog = _open_add_dialog(window)
    qtbot.keyClicks(dialog.finess, "970109609")
    assert dialog.overseas.isChecked()


def _reload(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        window.establishments.reload()


def test_editing_changes_the_row_and_is_audited(qtbot, window, services, other_services):
    services.establishments.add(EstablishmentInput(finess="750712184", name="Avant", kind="ch"))
    _reload(qtbot, window)
    window.establishments.table.selectRow(0)
    window.establishments.edit_button.click()
    dialog = window.establishments.dialog
    assert dialog is not None and dialog.finess.text() == "750712184"
    dialog.name.clear()
    dialog.name.insert("Après")
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        _press_ok(qtbot, dialog)

    assert _table_texts(window, 1) == ["Après"]
    last = other_services.audit.recent(1)[0]
    assert (last.action, last.before["name"], last.after["name"]) == ("update", "Avant", "Après")


@pytest.mark.parametrize(
    ("answer", "remaining"),
    [(QMessageBox.StandardButton.No, 1), (QMessageBox.StandardButton.Yes, 0)],
)
def test_deleting_asks_for_confirmation(qtbot, window, services, monkeypatch, answer, remaining):
    services.establishments.add(EstablishmentInput(finess="750712184", name="A", kind="ch"))
    _reload(qtbot, window)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or answer
    )
    window.establishments.table.selectRow(0)
    window.establishments.delete_button.click()
    qtbot.waitUntil(lambda: asked != [], timeout=10_000)
    window.runner.wait()
    qtbot.waitUntil(lambda: window.establishments.proxy.rowCount() == remaining, timeout=10_000)
    assert "750712184" in asked[0]
    assert len(services.establishments.list()) == remaining


def test_search_filters_the_list(qtbot, window, services):
    services.establishments.add(EstablishmentInput(finess="750712184", name="Alpha", kind="ch"))
    services.establishments.add(EstablishmentInput(finess="130783236", name="Bravo", kind="ch"))
    _reload(qtbot, window)
    qtbot.keyClicks(window.establishments.search, "brav")
    assert _table_texts(window, 1) == ["Bravo"]
