"""Regional benchmarks on screen, offline: the diagnostic results place the overall score and
each axis among the establishments of the same kind; nothing is shown when no group of at
least 5 establishments exists for it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from benchmark_support import install_benchmarks
from PySide6.QtCore import Qt

from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.library.benchmarks import Distribution, diagnostic_metric
from ui.main_window import MainWindow

TEMPLATE = "conciliation-medicamenteuse"


def _open(qtbot, window: MainWindow, services, kind: str):  # type: ignore[no-untyped-def]
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind=kind)
    )
    summary = services.diagnostics.create(TEMPLATE, establishment.id, "Campagne 2026")
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.select(summary.id)
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.open_button.click()
    widgets = list(page.answers.item_widgets.values())
    widgets[0].focus_answers()
    qtbot.keyClick(widgets[0].focusWidget(), "1")  # Oui: the score is 100 %
    assert window.runner.wait(10_000)
    page.tabs.setCurrentWidget(page.results)
    return page, summary


def _distributions(year: int, axis: str, category: str, count: int) -> list[Distribution]:
    return [
        Distribution(
            "diagnostic", diagnostic_metric(TEMPLATE), "Score", year, category, count, 40, 55, 70
        ),
        Distribution(
            "diagnostic", diagnostic_metric(TEMPLATE, axis), "Axe", year, category, count, 20,
            50, 100,
        ),
    ]  # fmt: skip


def test_the_score_and_its_axis_are_placed_among_the_regional_peers(
    qtbot, window: MainWindow, services, tmp_path: Path
) -> None:
    template = services.questionnaires.get(TEMPLATE)
    axis = template.axes[0].id
    year = 2026
    install_benchmarks(services, tmp_path, _distributions(year, axis, "chu", 38))
    page, _ = _open(qtbot, window, services, "chu")
    results = page.results
    assert results.benchmark_label.isVisible()
    assert results.benchmark_label.text() == (
        f"Score global : 4ᵉ quartile régional des CHU, 38 établissements, données {year}"
    )
    assert "médiane 55,0" in results.benchmark_label.toolTip().replace("\u202f", " ")
    table = results.axes_holder.itemAt(0).widget()
    assert table.columnCount() == 5
    assert table.horizontalHeaderItem(4).text() == "Repère régional"
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text().startswith(axis))
    assert table.item(row, 4).text() == (
        f"3ᵉ quartile régional des CHU, 38 établissements, données {year}"
    )
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/benchmarks-diagnostic.png
    if shot:
        window.resize(1366, 768)
        qtbot.wait(500)
        window.grab().save(shot)


@pytest.mark.parametrize("installed", [False, True])
def test_no_line_without_a_group_for_this_kind_of_establishment(
    qtbot, window: MainWindow, services, tmp_path: Path, installed: bool
) -> None:
    if installed:  # benchmarks for EHPAD only: a CHU has no group to be compared with
        axis = services.questionnaires.get(TEMPLATE).axes[0].id
        install_benchmarks(services, tmp_path, _distributions(2026, axis, "ehpad", 6))
    page, _ = _open(qtbot, window, services, "chu")
    assert not page.results.benchmark_label.isVisible()
    assert page.results.axes_holder.itemAt(0).widget().columnCount() == 4


def test_the_dashboard_places_each_indicator_with_a_regional_group(
    qtbot, window: MainWindow, services, tmp_path: Path
) -> None:
    from datetime import date

    from hospiperf_desktop.library.benchmarks import dashboard_metric
    from ui.main_window import DASHBOARD_ROW
    from ui.sections.dashboard.family_box import BENCHMARK_COLUMN

    year = date.today().year - 1  # the year the dashboard shows first
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="EHPAD Les Tilleuls", kind="ehpad", beds=80)
    )
    services.activity.values.set_values(
        establishment.id,
        year,
        {("avis_pharmaceutiques", 0): 250, ("conso_medicaments", 0): 90_000},
    )
    install_benchmarks(
        services,
        tmp_path,
        [
            Distribution(
                "dashboard", dashboard_metric("avis_pharmaceutiques"), "Avis", year, "ehpad",
                38, 100, 200, 300,
            ),
            Distribution(  # another kind of establishment: not a peer group
                "dashboard", dashboard_metric("conso_medicaments"), "Conso", year, "ch",
                12, 1, 2, 3,
            ),
        ],
    )  # fmt: skip
    page = window.dashboard_page()
    with qtbot.waitSignal(page.dashboard_loaded, timeout=20_000):
        window.navigation.setCurrentRow(DASHBOARD_ROW)
    cells = {}
    for box in page.boxes:
        assert box.model.columnCount() == BENCHMARK_COLUMN + 1
        for row, line in enumerate(box.model.rows):
            index = box.model.index(row, BENCHMARK_COLUMN)
            cells[line.measure_id] = (index.data(), index.data(Qt.ItemDataRole.ToolTipRole))
    text, tip = cells["avis_pharmaceutiques"]
    assert text == f"3ᵉ quartile (38 EHPAD, {year})"
    assert tip.startswith(f"3ᵉ quartile régional des EHPAD, 38 établissements, données {year}")
    assert cells["conso_medicaments"] == ("", None)
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/benchmarks-dashboard.png
    if shot:
        page.only_filled.setChecked(True)  # the two indicators filled in
        window.resize(1366, 768)
        qtbot.wait(500)
        window.grab().save(shot.replace(".png", "-dashboard.png"))


def test_the_work_units_per_fte_are_placed_and_per_bed_without_a_group_is_not(
    qtbot, window: MainWindow, services, tmp_path: Path
) -> None:
    from datetime import date

    from hospiperf_desktop.library.benchmarks import work_unit_metric
    from ui.main_window import ACTIVITY_ROW

    year = date.today().year - 1  # the year the page shows first
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="CHU Exemple", kind="chu", beds=300)
    )
    services.activity.values.set_values(
        establishment.id, year, {("lignes_cmd_medicaments", 0): 1000.0, ("etp_pui", 0): 10.0}
    )
    install_benchmarks(
        services,
        tmp_path,
        [
            Distribution(
                "work_units", work_unit_metric("uo-pharma", "per_fte"), "UO/ETP", year, "chu",
                9, 500, 1000, 1500,
            )
        ],
    )  # fmt: skip
    page = window.activity_page()
    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        window.navigation.setCurrentRow(ACTIVITY_ROW)
    text = page.work_units.ratio_label.text().replace("\u202f", " ").replace("\xa0", " ")
    per_fte, per_bed = text.split("<br>")
    assert per_fte.startswith("1 060 UO par ETP")
    assert per_fte.endswith(
        f"<i>3ᵉ quartile régional des CHU, 9 établissements, données {year}</i>"
    )
    assert "quartile" not in per_bed
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")
    if shot:
        page.tabs.setCurrentWidget(page.work_units)
        window.resize(1366, 768)
        qtbot.wait(500)
        window.grab().save(shot.replace(".png", "-work-units.png"))


def _nbsp_free(view) -> str:  # type: ignore[no-untyped-def]
    """The coverage shown for the medicines in the central stock."""
    model = view.model
    row = next(r for r, line in enumerate(model.rows) if line.category == "medicament")
    return model.index(row, 4).data()


def test_the_stock_coverage_is_placed_among_the_regional_peers(
    qtbot, window: MainWindow, services, tmp_path: Path
) -> None:
    from test_stock_screen import INVENTORY, _import, _movements, _write

    from hospiperf_desktop.library.benchmarks import stock_metric
    from hospiperf_desktop.stock.mapping import ImportKind

    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="CHU Exemple", kind="chu", beds=300)
    )
    _import(services, establishment, _write(tmp_path / "inv.csv", INVENTORY), ImportKind.SNAPSHOT)
    _import(services, establishment, _movements(tmp_path / "mvt.csv"), ImportKind.MOVEMENTS)
    install_benchmarks(
        services,
        tmp_path,
        [
            Distribution(
                "stock", stock_metric("medicament", "central"), "Couverture", 2026, "chu",
                11, 1.0, 2.0, 3.0,
            )
        ],
    )  # fmt: skip
    view = window.stock_page().indicators
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.navigation.setCurrentRow(2)
    model = view.model
    last = model.columnCount() - 1
    assert model.headerData(last, Qt.Orientation.Horizontal) == "Repère\nrégional"
    cells = {
        (row.category, row.location): model.index(r, last).data()
        for r, row in enumerate(model.rows)
    }
    assert _nbsp_free(view) == "4,3"  # weeks of coverage, above the regional Q3 of 3
    assert cells[("medicament", "central")] == "4ᵉ quartile (11 CHU, 2026)"
    assert cells[("solute", "central")] == ""  # no regional group for the solutes
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")
    if shot:
        window.resize(1366, 768)
        qtbot.wait(500)
        window.grab().save(shot.replace(".png", "-stock.png"))
