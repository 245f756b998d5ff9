"""The Tableau de bord section: each indicator against N-1, its trend said in words and in
colour, and the dashboard written to Excel and PDF."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from hospiperf_desktop.activity.catalog import shipped_catalog
from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import DASHBOARD_ROW, MainWindow
from ui.sections.dashboard.family_box import TREND_COLUMN
from ui.sections.dashboard.page import DashboardPage

YEAR = date.today().year - 1  # the year the page shows first


@pytest.fixture
def establishment(services) -> Establishment:
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )
    values = services.activity.values
    values.set_values(
        establishment.id,
        YEAR - 1,
        {("avis_pharmaceutiques", 0): 400, ("conso_medicaments", 0): 1_000_000},
    )
    values.set_values(
        establishment.id,
        YEAR,
        {
            ("avis_pharmaceutiques", 0): 520,  # "higher" and it rose: better
            ("conso_medicaments", 0): 1_150_000,  # "lower" and it rose: worse
            ("lignes_dispensation_globale", 0): 5000,  # no N-1: nothing to compare
        },
    )
    return establishment


def _open(qtbot, window: MainWindow) -> DashboardPage:
    page = window.dashboard_page()
    with qtbot.waitSignal(page.dashboard_loaded, timeout=20_000):
        window.navigation.setCurrentRow(DASHBOARD_ROW)
    assert window.pages.currentWidget() is page
    return page


def _row(page: DashboardPage, measure_id: str) -> tuple[list[str], str | None]:
    """The measure's cells as shown, and the colour of its row."""
    for box in page.boxes:
        for row, line in enumerate(box.model.rows):
            if line.measure_id == measure_id:
                model = box.model
                cells = [
                    model.index(row, c).data().replace("\xa0", " ")
                    for c in range(model.columnCount())
                ]
                brush = model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)
                return cells, brush.color().name() if brush is not None else None
    raise AssertionError(f"{measure_id} is not shown")


def test_the_trend_of_each_indicator_follows_its_desired_direction_in_words_and_colour(
    qtbot, window, establishment
) -> None:
    page = _open(qtbot, window)
    assert page.current_establishment() == establishment
    assert page.year.value() == YEAR

    better, better_colour = _row(page, "avis_pharmaceutiques")
    assert better[1:6] == ["520", "400", "+120", "+30,0 %", "amélioration"]
    worse, worse_colour = _row(page, "conso_medicaments")
    assert worse[1:6] == ["1 150 000 €", "1 000 000 €", "+150 000 €", "+15,0 %", "dégradation"]
    alone, alone_colour = _row(page, "lignes_dispensation_globale")
    assert alone[1:6] == ["5 000", "—", "—", "—", "pas de comparaison"]
    assert len({better_colour, worse_colour}) == 2 and alone_colour is None
    assert page.trend_of("avis_pharmaceutiques") == "amélioration"
    assert "1 amélioration(s), 1 dégradation(s)" in page.summary.text()

    families_with_chart = [box.family.id for box in page.boxes if box.chart is not None]
    assert families_with_chart == ["consommations", "qualite_pharmacie_clinique"]
    header = page.boxes[0].model.headerData(TREND_COLUMN, Qt.Orientation.Horizontal)
    assert header == "Tendance"

    page.only_filled.setChecked(True)
    shown = [box.family.id for box in page.boxes if not box.isHidden()]
    assert shown == ["consommations", "dispensation", "qualite_pharmacie_clinique"]


def test_the_dashboard_is_written_to_excel_and_to_pdf(
    qtbot, window, establishment, tmp_path, monkeypatch
) -> None:
    from openpyxl import load_workbook

    page = _open(qtbot, window)
    targets = iter([tmp_path / "tableau.xlsx", tmp_path / "tableau.pdf"])
    monkeypatch.setattr("ui.sections.dashboard.page.save_path", lambda *_a: next(targets))
    page.export_button.click()
    page.pdf_button.click()
    assert window.runner.wait(30_000)
    sheet = load_workbook(tmp_path / "tableau.xlsx")["Tableau de bord"]
    texts = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"amélioration", "dégradation", "Avis pharmaceutiques émis"} <= texts
    assert (tmp_path / "tableau.pdf").read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: "tableau.pdf" in window.statusBar().currentMessage(), timeout=10_000)


def test_each_indicator_shows_its_definition_as_a_tooltip(qtbot, window, establishment) -> None:
    page = _open(qtbot, window)
    definitions = {m.id: m.definition for m in shipped_catalog().measures.values()}
    for box in page.boxes:
        for row, line in enumerate(box.model.rows):
            tooltip = box.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
            assert definitions[line.measure_id] in tooltip, line.measure_id
            assert len(definitions[line.measure_id]) >= 30
