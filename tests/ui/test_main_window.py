"""The main window as a user first sees it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from ui.sections.coming_soon import ComingSoonPage
from ui.sections.establishments import EstablishmentsView
from ui.sections.stock.page import StockPage


def test_navigation_lists_every_section_and_marks_those_to_come(window):
    items = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert items[:6] == [
        "Établissements",
        "Diagnostics",
        "Stocks",
        "Activité et UO",
        "Tableau de bord",
        "Calculateurs",
    ]
    assert items[6:] == ["Exports / ARS (à venir)"]
    window.navigation.setCurrentRow(6)
    assert isinstance(window.pages.currentWidget(), ComingSoonPage)
    window.navigation.setCurrentRow(2)
    assert isinstance(window.pages.currentWidget(), StockPage)
    window.navigation.setCurrentRow(0)
    assert isinstance(window.pages.currentWidget(), EstablishmentsView)


def test_status_bar_names_the_database_in_use(window, db_path):
    assert str(db_path) in window.database_label.text()
    assert window.database_label.text().startswith("Base de données")


def test_qt_standard_buttons_are_in_french(qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuler"


def test_demo_data_loads_from_the_menu_and_fills_the_list(qtbot, window):
    with qtbot.waitSignal(window.establishments.loaded, timeout=20_000):
        window.demo_action.trigger()
        window.runner.wait()
    assert window.establishments.proxy.rowCount() == 5
    qtbot.waitUntil(lambda: "Claire Martin" in window.profile_label.text(), timeout=10_000)
