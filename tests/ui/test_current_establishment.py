"""One current establishment, chosen once and followed by every section; sensible first views
(Stocks on an establishment with stock, the dashboard on a year that can be compared)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions
from ui.main_window import ACTIVITY_ROW, CALCULATORS_ROW, DASHBOARD_ROW, STOCK_ROW, MainWindow


@pytest.fixture
def three(services) -> list[Establishment]:
    """Listed by name: Aval (no data), Béziers (activity 2023-2024 and 2026), Caen (stock)."""
    add = services.establishments.add
    made = [
        add(EstablishmentInput(finess="750712184", name="Aval", kind="ch")),
        add(EstablishmentInput(finess="690990015", name="Béziers", kind="ch")),
        add(EstablishmentInput(finess="420990046", name="Caen", kind="ch")),
    ]
    values = services.activity.values
    for year in (2023, 2024, 2026):
        values.set_values(made[1].id, year, {("avis_pharmaceutiques", 0): 400})
    return made


def _show(qtbot, window: MainWindow, row: int, page) -> None:
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.navigation.setCurrentRow(row)


def test_an_establishment_chosen_in_one_section_is_shown_in_the_others(
    qtbot, window, three
) -> None:
    activity = window.activity_page()
    _show(qtbot, window, ACTIVITY_ROW, activity)
    assert activity.current_establishment() == three[0]
    activity.establishment.setFocus()
    qtbot.keyClick(activity.establishment, Qt.Key.Key_Down)  # Aval → Béziers
    assert activity.current_establishment() == three[1]
    assert window.current_establishment.id == three[1].id

    dashboard = window.dashboard_page()
    _show(qtbot, window, DASHBOARD_ROW, dashboard)
    assert dashboard.current_establishment() == three[1]
    calculators = window.calculators_page()
    _show(qtbot, window, CALCULATORS_ROW, calculators)
    assert calculators.current_establishment() == three[1]

    calculators.establishment.setFocus()
    qtbot.keyClick(calculators.establishment, Qt.Key.Key_Down)  # → Caen
    window.navigation.setCurrentRow(DASHBOARD_ROW)  # already built: follows when shown
    qtbot.waitUntil(lambda: dashboard.current_establishment() == three[2], timeout=20_000)


def test_stocks_opens_on_an_establishment_with_stock_and_the_dashboard_on_a_comparable_year(
    qtbot, window, services, three, tmp_path: Path
) -> None:
    inventory = tmp_path / "inventaire.csv"
    inventory.write_text(
        "Code;Désignation;Emplacement;Quantité;Prix unitaire\n"
        "3400930000011;Paracétamol;Pharmacie;12;0,05\n",
        encoding="utf-8",
    )
    mapping = services.stock.imports.preview(inventory, ImportKind.SNAPSHOT).mapping
    services.stock.imports.run(
        three[2].id, inventory, mapping, ImportOptions(snapshot_date=date(2026, 3, 31))
    )

    stock = window.stock_page()
    _show(qtbot, window, STOCK_ROW, stock)
    assert stock.current_establishment() == three[2]  # Caen: the one with stock data

    dashboard = window.dashboard_page()
    _show(qtbot, window, DASHBOARD_ROW, dashboard)
    # A default is not a choice: with none made, the dashboard opens on the first by name.
    assert dashboard.current_establishment() == three[0]
    dashboard.establishment.setFocus()
    with qtbot.waitSignal(dashboard.dashboard_loaded, timeout=20_000):
        qtbot.keyClick(dashboard.establishment, Qt.Key.Key_Down)  # Aval → Béziers
    assert dashboard.current_establishment() == three[1]
    assert dashboard.year.value() == 2024  # 2026 has no 2025 to compare with
