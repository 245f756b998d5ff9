"""Choosing who works (author of changes) and the first-run demonstration offer."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from hospiperf_desktop.establishments.model import EstablishmentInput
from ui.profile_dialog import ProfileDialog


def test_a_new_profile_becomes_the_author_of_changes(qtbot, window, services):
    dialog = ProfileDialog(window, window.runner, services)
    qtbot.addWidget(dialog)
    dialog.new_name.setText("Élodie Durand")
    dialog.new_role.setCurrentIndex(dialog.new_role.findData("quality_officer"))
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.current.count() == 1, timeout=10_000)
    assert dialog.current.currentText() == "Élodie Durand — Qualiticien"

    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.choose_selected()
    services.establishments.add(EstablishmentInput(finess="750712184", name="A", kind="ch"))
    assert services.audit.recent(1)[0].actor == "Élodie Durand (quality_officer)"


def test_a_profile_without_a_name_is_refused_in_the_dialog(qtbot, window, services):
    dialog = ProfileDialog(window, window.runner, services)
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert "obligatoire" in dialog.error.text()
    assert services.profiles.list() == []


def test_first_run_offers_the_demo_once(qtbot, window, services, monkeypatch):
    questions: list[str] = []

    def answer(*args, **kwargs):
        questions.append(args[1])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.offer_demo()
    qtbot.waitUntil(lambda: questions == ["Première utilisation"], timeout=10_000)
    window.runner.wait()
    qtbot.waitUntil(lambda: not services.settings.is_first_run(), timeout=10_000)
    window.offer_demo()
    window.runner.wait()
    qtbot.wait(50)
    assert questions == ["Première utilisation"]
    assert services.establishments.list() == []
