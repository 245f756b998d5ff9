"""Aide: F1 opens the guide at the page of the section on screen; the search finds words."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hospiperf_desktop.activity.catalog import shipped_catalog
from ui.main_window import SECTION_KEYS

EXPECTED_PAGES = {
    0: "premiers-pas",
    1: "diagnostics",
    2: "stocks",
    3: "activite",
    4: "tableau-de-bord",
    5: "calculateurs",
    6: "exports",
    7: "audit",
}


def test_f1_opens_the_page_of_each_section(qtbot, window) -> None:
    assert len(SECTION_KEYS) == window.navigation.count()
    for row, page_id in EXPECTED_PAGES.items():
        window.navigation.setCurrentRow(row)
        window.activateWindow()
        qtbot.keyClick(window.navigation, Qt.Key.Key_F1)
        help_window = window.help_window
        assert help_window is not None
        qtbot.waitUntil(help_window.isVisible)
        page = help_window.current_page()
        assert page is not None and page.id == page_id
        assert page.markdown.splitlines()[0].lstrip("# ") in help_window.browser.toPlainText()
    assert window.runner.wait(20_000)


def test_typing_in_the_search_field_lists_only_pages_with_the_words(qtbot, window) -> None:
    window.show_help()
    help_window = window.help_window
    assert help_window is not None
    qtbot.keyClicks(help_window.search_field, "tresorerie liberable")
    titles = [help_window.page_list.item(i).text() for i in range(help_window.page_list.count())]
    assert titles and all("\n" in t for t in titles)  # each result shows its matching line
    assert any(t.startswith("Stocks") for t in titles)
    assert "Trésorerie libérable" in help_window.browser.toPlainText()
    help_window.search_field.clear()
    qtbot.keyClicks(help_window.search_field, "zanzibar")
    assert help_window.page_list.count() == 1
    assert "zanzibar" in help_window.page_list.item(0).text()


def test_the_indicator_page_defines_every_measure_the_dashboard_shows(qtbot, window) -> None:
    window.show_help()
    help_window = window.help_window
    assert help_window is not None
    help_window.show_page("indicateurs")
    shown = help_window.browser.toPlainText()
    for family in shipped_catalog().families:
        if family.dashboard:
            for measure in family.measures:
                assert measure.label in shown
                assert measure.definition[:40] in shown


def test_every_stock_indicator_has_a_tooltip_and_a_definition_in_the_stocks_page(
    qtbot, window
) -> None:
    model = window.stock_page().indicators.model
    window.show_help()
    help_window = window.help_window
    assert help_window is not None
    help_window.show_page("stocks")
    shown = " ".join(help_window.browser.toPlainText().split()).lower()
    indicators = range(2, model.columnCount())  # after Catégorie and Lieu
    assert len(indicators) >= 7
    for column in indicators:
        heading = model.headerData(column, Qt.Orientation.Horizontal)
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip and len(tip) > 20, heading
        word = heading.split("\n")[0].lower().removeprefix("conso.").strip() or "consommation"
        assert word in shown, (heading, word)
