"""The new-diagnostic dialog proposes the questionnaires that suit the chosen establishment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from hospiperf_desktop.establishments.model import EstablishmentInput
from ui.main_window import MainWindow
from ui.sections.diagnostics.dialogs import NewDiagnosticDialog

OVERSEAS = "approvisionnement-outre-mer"


def _open_dialog(qtbot, window: MainWindow) -> NewDiagnosticDialog:  # type: ignore[no-untyped-def]
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.new_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, NewDiagnosticDialog), timeout=10_000)
    assert isinstance(page.dialog, NewDiagnosticDialog)
    return page.dialog


def _offered(dialog: NewDiagnosticDialog) -> list[str]:
    return [dialog.template.itemData(i) for i in range(dialog.template.count())]


def test_a_mainland_pui_defaults_to_inter_diag_and_the_overseas_one_only_on_request(
    qtbot, window: MainWindow, services
) -> None:
    mainland = services.establishments.add(
        EstablishmentInput(finess="750000028", name="A — Pharmacie de Lyon", kind="pui")
    )
    services.establishments.add(
        EstablishmentInput(
            finess="971000013", name="B — PUI de Basse-Terre", kind="pui", overseas=True
        )
    )
    dialog = _open_dialog(qtbot, window)
    assert dialog.establishment.currentData() == mainland.id
    assert dialog.template.currentData() == "interdiag-medicaments-es"
    assert OVERSEAS not in _offered(dialog)

    qtbot.keyClick(dialog.establishment, Qt.Key.Key_Down)  # the overseas PUI
    assert _offered(dialog)[:2] == ["interdiag-medicaments-es", OVERSEAS]
    qtbot.keyClick(dialog.establishment, Qt.Key.Key_Up)  # back to the mainland one
    assert OVERSEAS not in _offered(dialog)

    qtbot.keyClick(dialog.template, Qt.Key.Key_Down)  # another suitable one, kept below
    chosen = dialog.template.currentData()
    dialog.show_all.setFocus()
    qtbot.keyClick(dialog.show_all, Qt.Key.Key_Space)  # "Afficher tous les questionnaires"
    assert len(_offered(dialog)) == len(services.diagnostics.templates())
    assert OVERSEAS in _offered(dialog) and dialog.template.currentData() == chosen

    with qtbot.waitSignal(window.diagnostics_page().opened, timeout=10_000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert [(d.template_id, d.establishment_id) for d in services.diagnostics.list()] == [
        (chosen, mainland.id)
    ]
