"""Who is working: asked at the first start, always in sight, never chosen by the demo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from hospiperf_desktop.establishments.model import EstablishmentInput


def _type(qtbot, *keys) -> None:
    """Keys to whichever widget has the focus, as a keyboard sends them."""
    for key in keys:
        widget = QApplication.focusWidget()
        assert widget is not None
        if isinstance(key, str):
            qtbot.keyClicks(widget, key)
        else:
            qtbot.keyClick(widget, key)


def test_first_start_asks_who_is_working_before_the_demo_offer(
    qtbot, window, services, other_services, monkeypatch
):
    questions: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *args, **kwargs: questions.append(args[1]) or QMessageBox.StandardButton.No,
    )
    window.first_start()
    qtbot.waitUntil(lambda: window.profile_dialog is not None, timeout=10_000)
    dialog = window.profile_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    assert dialog.windowTitle() == "Qui travaille ?"
    assert questions == [], "the demo is offered only once somebody is working"

    dialog.new_name.setFocus()
    _type(qtbot, "Elodie Durand 2e", Qt.Key.Key_Tab, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        _type(qtbot, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: questions == ["Première utilisation"], timeout=10_000)
    qtbot.waitUntil(lambda: "Elodie Durand 2e" in window.profile_label.text(), timeout=10_000)
    assert window.profile_label.text() == "Profil : Elodie Durand 2e — Préparateur"
    current = other_services.profiles.current()
    assert current is not None
    assert (current.name, current.role, current.fictitious) == (
        "Elodie Durand 2e",
        "preparateur",
        False,
    )
    assert [p.name for p in other_services.profiles.list()] == ["Elodie Durand 2e"]
    window.runner.wait()
    other_services.establishments.add(EstablishmentInput(finess="750712184", name="A", kind="ch"))
    assert other_services.audit.recent(1)[0].actor == "Elodie Durand 2e (preparateur)"


def test_a_start_with_a_profile_chosen_asks_nothing(qtbot, window, services, monkeypatch):
    profile = services.profiles.add("Marc Petit", "manager")
    services.profiles.set_current(profile.id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.first_start()
    window.runner.wait()
    qtbot.wait(50)
    assert window.profile_dialog is None


def test_clicking_the_profile_in_the_status_bar_changes_who_is_working(
    qtbot, window, services, other_services
):
    first = services.profiles.add("Anne Leroy", "pharmacist")
    services.profiles.add("Bruno Morel", "quality_officer")
    services.profiles.set_current(first.id)
    window.refresh_profile()
    qtbot.waitUntil(lambda: "Anne Leroy" in window.profile_label.text(), timeout=10_000)

    qtbot.mouseClick(window.profile_label, Qt.MouseButton.LeftButton)
    dialog = window.profile_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.current.count() == 2, timeout=10_000)
    assert dialog.current.currentText() == "Anne Leroy — Pharmacien"
    dialog.current.setFocus()
    _type(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        _type(qtbot, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "Bruno Morel" in window.profile_label.text(), timeout=10_000)
    assert window.profile_label.text() == "Profil : Bruno Morel — Qualiticien"
    assert other_services.profiles.current().name == "Bruno Morel"
    assert [(p.name, p.role) for p in other_services.profiles.list()] == [
        ("Anne Leroy", "pharmacist"),
        ("Bruno Morel", "quality_officer"),
    ]


def test_the_demo_profiles_are_marked_fictitious_in_the_chooser(qtbot, window, services):
    from hospiperf_desktop.demo import run_demo

    run_demo(services)
    window.choose_profile()
    dialog = window.profile_dialog
    qtbot.waitUntil(lambda: dialog.current.count() == 3, timeout=10_000)
    texts = [dialog.current.itemText(i) for i in range(3)]
    assert texts == [
        "Claire Martin — Pharmacien (fictif)",
        "Julien Roche — Préparateur (fictif)",
        "Sophie Bernard — Qualiticien (fictif)",
    ]
    # Chosen at the keyboard, a fictitious profile stays marked in the status bar.
    dialog.current.setFocus()
    _type(qtbot, Qt.Key.Key_Home)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        _type(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Claire Martin" in window.profile_label.text(), timeout=10_000)
    assert window.profile_label.text() == "Profil : Claire Martin — Pharmacien (fictif)"


def test_the_demo_leaves_from_the_file_menu_and_the_users_rows_stay(
    qtbot, window, services, other_services, monkeypatch
):
    mine = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital de l'utilisatrice", kind="ch")
    )
    with qtbot.waitSignal(window.establishments.loaded, timeout=30_000):
        window.demo_action.trigger()
    assert window.establishments.proxy.rowCount() == 6
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert window.remove_demo_action.isEnabled()
    assert "Retirer les données de démonstration" in window.remove_demo_action.text().replace(
        "&", ""
    )
    with qtbot.waitSignal(window.establishments.loaded, timeout=30_000):
        window.remove_demo_action.trigger()

    assert window.establishments.proxy.rowCount() == 1
    assert other_services.establishments.list() == [mine]
    assert other_services.profiles.list() == []
    assert other_services.diagnostics.list() == []
    assert other_services.audit.verify().ok
    assert "retirées" in window.statusBar().currentMessage()
