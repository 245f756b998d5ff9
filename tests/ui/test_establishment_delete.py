"""Deleting an establishment that holds data from the window: what goes, the name typed."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

DOOMED = "Clinique des Essais"
KEPT = "Hopital Voisin"


def _fill(services) -> tuple[int, int]:
    ids = []
    for finess, name in (("750712184", DOOMED), ("130783236", KEPT)):
        establishment = services.establishments.add(
            EstablishmentInput(finess=finess, name=name, kind="clinic")
        )
        diagnostic = services.diagnostics.create("conciliation-medicamenteuse", establishment.id)
        item = services.diagnostics.template("conciliation-medicamenteuse").items[0]
        services.diagnostics.answer(diagnostic.id, item.id, AnswerCode.YES)
        services.activity.values.set_values(
            establishment.id, 2025, {("commandes_medicaments", 0): 10.0, ("commandes_dms", 0): 2.0}
        )
        ids.append(establishment.id)
    return ids[0], ids[1]


def _open_delete_dialog(qtbot, window):
    view = window.establishments
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.reload()
    view.table.selectRow(0)  # sorted by name: the Clinique first
    assert view.selected().name == DOOMED
    view.delete_button.click()
    qtbot.waitUntil(lambda: view.delete_dialog is not None and view.delete_dialog.isVisible())
    return view.delete_dialog


def test_the_dialog_lists_what_goes_and_deletes_once_the_name_is_typed(
    qtbot, window, services, other_services, db_path
):
    _doomed, kept = _fill(services)
    dialog = _open_delete_dialog(qtbot, window)
    listed = dialog.contents.text()
    assert "1 diagnostic(s), avec leurs réponses, preuves et plans" in listed
    assert "2 valeur(s) d'activité" in listed
    assert "stock" not in listed, "only what the establishment holds is listed"
    assert not dialog.delete_button.isEnabled()

    qtbot.keyClicks(dialog.confirm_name, "Clinique des")
    qtbot.keyClick(dialog.confirm_name, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.delete_button.isEnabled()
    assert len(other_services.establishments.list()) == 2
    qtbot.keyClicks(dialog.confirm_name, " Essais")
    assert dialog.delete_button.isEnabled()
    with qtbot.waitSignal(window.establishments.loaded, timeout=20_000):
        qtbot.keyClick(dialog.confirm_name, Qt.Key.Key_Return)

    assert [e.id for e in other_services.establishments.list()] == [kept]
    assert [d.establishment_id for d in other_services.diagnostics.list()] == [kept]
    assert other_services.activity.values.years(kept) == [2025]
    copies = list((db_path.parent / "backups").glob("*-before-delete.sqlite"))
    assert len(copies) == 1
    assert re.fullmatch(
        rf"hospiperf-\d{{8}}-\d{{6}}-r{SCHEMA_HEAD}-before-delete\.sqlite", copies[0].name
    )
    assert str(copies[0]) in window.statusBar().currentMessage()
    assert other_services.audit.recent(1)[0].action == "delete_with_data"
    assert other_services.audit.verify().ok


def test_escape_in_the_delete_dialog_deletes_nothing(qtbot, window, services, db_path):
    _fill(services)
    dialog = _open_delete_dialog(qtbot, window)
    qtbot.keyClicks(dialog.confirm_name, DOOMED)
    qtbot.keyClick(dialog.confirm_name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    window.runner.wait()
    assert len(services.establishments.list()) == 2
    assert not list((db_path.parent / "backups").glob("*-before-delete.sqlite"))
