"""The calculators' tables (carbon families, logistics establishments) typed as the activity
grid is: Enter commits and goes down, Tab across, nothing typed fast is dropped, a refused
value stays in its cell with the reason and the cursor stays on it. Each test saves the
scenario and reads back, from a second handle on the database, what was kept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QWidget

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import CALCULATORS_ROW, MainWindow
from ui.sections.calculators.page import CalculatorsPage
from ui.sections.calculators.scenario_dialogs import SaveScenarioDialog
from ui.text_grid import TextGridModel


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )


def _open(qtbot, window: MainWindow) -> CalculatorsPage:
    page = window.calculators_page()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.navigation.setCurrentRow(CALCULATORS_ROW)
    window.activateWindow()
    return page


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def _type(qtbot, text: str) -> None:
    for char in text:
        qtbot.keyClicks(_focused(), char)


def _key(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(_focused(), key)
    QApplication.processEvents()


def _focus(qtbot, table, index: QModelIndex) -> None:
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.waitUntil(table.hasFocus, timeout=5_000)


def _at(model: TextGridModel, row: int, key: str) -> QModelIndex:
    return model.index(row, model.column(key))


def _save(qtbot, view, name: str) -> None:
    view.save_button.click()
    assert isinstance(view.dialog, SaveScenarioDialog)
    view.dialog.name.setText(name)
    with qtbot.waitSignal(view.saved, timeout=10_000):
        view.dialog.accept()


def _kept(services, establishment: Establishment, calculator: str) -> dict:
    [kept] = [
        s for s in services.calculators.scenarios(establishment.id) if s.calculator == calculator
    ]
    return kept.inputs


def test_carbon_amounts_typed_fast_down_the_column_with_enter_are_all_kept(
    qtbot, window, other_services, establishment
) -> None:
    carbon = _open(qtbot, window).carbon
    window.calculators_page().tabs.setCurrentWidget(carbon)
    model, table = carbon.model, carbon.table
    _focus(qtbot, table, _at(model, 0, "amount"))
    typed = ["1000000", "250000", "30000", "4000", "500", "60", "7", "8000"]
    for text in typed:  # no wait between values: nothing may be dropped
        _type(qtbot, text)
        _key(qtbot, Qt.Key.Key_Return)
    assert table.currentIndex() == _at(model, len(typed) - 1, "amount"), "the last row stays"

    _focus(qtbot, table, _at(model, carbon.row_of("solutes"), "factor"))
    _type(qtbot, "1,5")
    _key(qtbot, Qt.Key.Key_Tab)
    assert table.currentIndex() == _at(model, carbon.row_of("solutes"), "source"), "Tab: across"
    _type(qtbot, "Etude interne 2025")
    _key(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "2025")
    _key(qtbot, Qt.Key.Key_Return)
    assert not carbon.problem_label.isVisible()

    with qtbot.waitSignal(carbon.chart_shown, timeout=10_000):
        carbon.calculate_button.click()
    _save(qtbot, carbon, "Empreinte tapée")
    inputs = _kept(other_services, establishment, "carbon")
    amounts = {p["family"]: p["amount"] for p in inputs["purchases"]}
    families = [f["id"] for f in carbon.families]
    assert amounts == {f: float(t) for f, t in zip(families, typed, strict=True)}
    factor = inputs["factors"]["solutes"]
    assert (factor["kg_per_eur"], factor["source"], factor["year"]) == (
        1.5,
        "Etude interne 2025",
        2025,
    )
    assert set(inputs["factors"]) == {"solutes"}, "no other family's factor was touched"


def test_a_refused_carbon_value_stays_in_its_cell_with_the_reason_and_the_cursor_stays(
    qtbot, window, other_services, establishment
) -> None:
    carbon = _open(qtbot, window).carbon
    window.calculators_page().tabs.setCurrentWidget(carbon)
    model, table = carbon.model, carbon.table
    _focus(qtbot, table, _at(model, 0, "amount"))
    _type(qtbot, "12 000")
    _key(qtbot, Qt.Key.Key_Return)
    _type(qtbot, "douze")
    _key(qtbot, Qt.Key.Key_Return)
    refused = _at(model, 1, "amount")
    assert table.currentIndex() == refused, "the cursor stays on the refused value"
    assert model.text(1, "amount") == "douze", "what was typed is kept in its cell"
    assert "« douze » n'est pas un nombre" in model.data(refused, Qt.ItemDataRole.ToolTipRole)
    problems = carbon.problem_label.text()
    assert carbon.problem_label.isVisible()
    assert (
        "Dispositifs médicaux" in problems
        and "Achats (€) : « douze » n'est pas un nombre" in problems
    )
    carbon.calculate_button.click()
    assert carbon.result is None, "nothing is computed while a value is refused"

    _key(qtbot, Qt.Key.Key_Escape)  # back to what was there before
    assert model.text(1, "amount") == "" and not carbon.problem_label.isVisible()
    _type(qtbot, "3400")
    _key(qtbot, Qt.Key.Key_Return)
    _focus(qtbot, table, _at(model, 1, "year"))
    _type(qtbot, "1850")  # refused by the factor's year range
    _key(qtbot, Qt.Key.Key_Return)
    assert table.currentIndex() == _at(model, 1, "year")
    assert "l'année du facteur est refusée : « 1850 »" in carbon.problem_label.text()
    _key(qtbot, Qt.Key.Key_Escape)

    with qtbot.waitSignal(carbon.chart_shown, timeout=10_000):
        carbon.calculate_button.click()
    _save(qtbot, carbon, "Empreinte corrigée")
    inputs = _kept(other_services, establishment, "carbon")
    assert {p["family"]: p["amount"] for p in inputs["purchases"]} == {
        "medicaments": 12_000.0,
        "dispositifs_medicaux": 3_400.0,
    }
    assert inputs["factors"] == {}


def test_logistics_sites_are_typed_with_enter_down_and_tab_across_and_a_refusal_stays(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    view = page.logistics
    page.tabs.setCurrentWidget(view)
    form = view.form
    model, table = form.sites_model, form.sites
    _focus(qtbot, table, _at(model, 0, "stocked_purchases"))
    _type(qtbot, "10000000")
    _key(qtbot, Qt.Key.Key_Return)
    assert table.currentIndex() == _at(model, 1, "stocked_purchases"), "Enter: one row down"
    _type(qtbot, "4000000")
    _key(qtbot, Qt.Key.Key_Tab)
    assert table.currentIndex() == _at(model, 1, "central_stock"), "Tab: the next column"
    _type(qtbot, "douze")
    _key(qtbot, Qt.Key.Key_Tab)
    assert table.currentIndex() == _at(model, 1, "central_stock"), "a refusal keeps the cursor"
    assert model.text(1, "central_stock") == "douze"
    assert view.problem_label.isVisible()
    assert (
        "établissement 2 (Établissement 2), Stock central (€) : « douze » n'est pas un nombre"
        in view.problem_label.text()
    )
    _type(qtbot, "400000")
    _key(qtbot, Qt.Key.Key_Return)
    assert model.text(1, "central_stock") == "400000" and not view.problem_label.isVisible()
    assert table.currentIndex() == _at(model, 1, "central_stock"), "the last row: it stays"

    _focus(qtbot, table, _at(model, 0, "central_stock"))
    for text in ("800000", "300000", "100000", "200000"):  # fast, across with Tab
        _type(qtbot, text)
        _key(qtbot, Qt.Key.Key_Tab)
    view.form.name.setText("Plateforme tapée")
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.calculate_button.click()
    _save(qtbot, view, "Plateforme tapée")
    [scenario] = _kept(other_services, establishment, "logistics")["scenarios"]
    first, second = scenario["sites"]
    assert (first["stocked_purchases"], first["central_stock"], first["ward_stock"]) == (
        10_000_000.0,
        800_000.0,
        300_000.0,
    )
    assert (first["central_weekly_consumption"], first["ward_weekly_consumption"]) == (
        100_000.0,
        200_000.0,
    )
    assert (second["stocked_purchases"], second["central_stock"]) == (4_000_000.0, 400_000.0)
    assert second["ward_stock"] == 0.0, "a neighbour nothing was typed in"
