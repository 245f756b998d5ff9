"""The Activité et UO section through its widgets: values typed in the grid, the work units
they give against N-1, refused values, computed values, and a local copy of a table."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import ACTIVITY_ROW, MainWindow
from ui.sections.activity.grid_model import DELTA, DELTA_PCT, ORIGIN, PREVIOUS, VALUE
from ui.sections.activity.page import ActivityPage
from ui.sections.activity.uo_dialogs import CopyTableDialog, LineDialog

YEAR = date.today().year - 1  # the year the page shows first


def _nbsp(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )


def _open(qtbot, window: MainWindow) -> ActivityPage:
    """The Activité et UO page, shown with both tabs loaded."""
    page = window.activity_page()
    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        window.navigation.setCurrentRow(ACTIVITY_ROW)
    assert window.pages.currentWidget() is page
    assert page.year.value() == YEAR
    return page


def _type(qtbot, page: ActivityPage, measure_id: str, text: str) -> None:
    """Type `text` in the measure's value cell and wait for the save and both reloads."""
    model = page.grid_model
    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        assert model.setData(model.index_of(measure_id), text)


def _cell(page: ActivityPage, measure_id: str, column: int) -> str:
    return _nbsp(page.grid_model.index_of(measure_id, column).data())


def _set(services, establishment: Establishment, year: int, **values: float) -> None:
    services.activity.values.set_values(
        establishment.id, year, {(measure, 0): value for measure, value in values.items()}
    )


def test_counts_typed_in_the_grid_give_the_work_units_and_their_variance_to_n_1(
    qtbot, window, services, other_services, establishment
) -> None:
    _set(services, establishment, YEAR - 1, lignes_cmd_medicaments=1000)
    page = _open(qtbot, window)
    assert page.current_establishment() == establishment
    assert _cell(page, "lignes_cmd_medicaments", PREVIOUS) == "1 000"
    assert _nbsp(page.uo_total_label.text()) == "0 UO"

    _type(qtbot, page, "lignes_cmd_medicaments", "1 200")
    _type(qtbot, page, "lignes_dispensation_globale", "5000")

    # 1 200 × 10,6 + 5 000 × 1 = 17 720 UO; N-1: 1 000 × 10,6 = 10 600 UO.
    assert _nbsp(page.uo_total_label.text()) == "17 720 UO"
    delta = _nbsp(page.uo_delta_label.text())
    assert f"N-1 ({YEAR - 1}) : 10 600 UO" in delta
    assert "+7 120 UO" in delta and "(+67,2 %)" in delta
    assert [
        _cell(page, "lignes_cmd_medicaments", c) for c in (VALUE, PREVIOUS, DELTA, DELTA_PCT)
    ] == ["1 200", "1 000", "+200", "+20,0 %"]
    assert _cell(page, "lignes_cmd_medicaments", ORIGIN) == "Saisi"
    assert "5 ligne(s) sans comptage" in page.work_units.note_label.text()
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "lignes_cmd_medicaments": {0: 1200.0},
        "lignes_dispensation_globale": {0: 5000.0},
    }

    page.work_units.record_button.click()
    qtbot.waitUntil(
        lambda: "17 720 UO" in _nbsp(page.work_units.recorded_label.text()), timeout=10_000
    )
    [recorded] = other_services.activity.work_units.recorded(establishment.id)
    assert (recorded.year, recorded.table_id, recorded.total) == (YEAR, "uo-pharma", 17720.0)


def test_a_value_the_measure_cannot_hold_is_refused_and_the_stored_one_kept(
    qtbot, window, services, other_services, establishment
) -> None:
    _set(services, establishment, YEAR, lignes_cmd_medicaments=1000)
    page = _open(qtbot, window)
    model = page.grid_model
    index = model.index_of("lignes_cmd_medicaments")
    for typed, why in (
        ("-3", "un comptage est un nombre entier positif ou nul"),
        ("12,5", "un comptage est un nombre entier positif ou nul"),
        ("douze", "n'est pas un nombre"),
    ):
        assert not model.setData(index, typed)
        assert page.entry.problem.isVisible()
        assert f"« {typed} »" in page.entry.problem.text()
        assert why in page.entry.problem.text()
        # What was typed stays in the cell, marked, with the reason (the stored value is kept).
        assert _cell(page, "lignes_cmd_medicaments", VALUE) == typed
        assert why in index.data(Qt.ItemDataRole.ToolTipRole)
    assert not model.setData(model.index_of("pct_commandes_urgentes"), "120")
    assert "entre 0 et 100" in page.entry.problem.text()
    assert page.window().runner.wait(10_000)
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "lignes_cmd_medicaments": {0: 1000.0}
    }

    _type(qtbot, page, "pct_commandes_urgentes", "12,5 %")  # the French decimal comma
    assert not page.entry.problem.isVisible()
    assert _cell(page, "pct_commandes_urgentes", VALUE) == "12,5 %"
    _type(qtbot, page, "lignes_cmd_medicaments", "")  # an emptied cell clears the value
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "pct_commandes_urgentes": {0: 12.5}
    }


def test_a_computed_value_is_shown_in_italics_with_its_origin_and_cannot_be_typed(
    qtbot, window, services, establishment
) -> None:
    _set(services, establishment, YEAR, recettes_total=1000, consommations_total=800)
    page = _open(qtbot, window)
    model = page.grid_model
    index = model.index_of("solde_recettes_consommations")
    assert _cell(page, "solde_recettes_consommations", VALUE) == "200 €"
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.data(index, Qt.ItemDataRole.FontRole).italic()
    assert not model.setData(index, "5")
    assert _cell(page, "solde_recettes_consommations", ORIGIN).startswith("Calculé : Recettes")
    assert model.flags(model.index_of("recettes_total")) & Qt.ItemFlag.ItemIsEditable


def test_a_month_typed_is_stored_for_that_month_and_the_year_sums_the_months(
    qtbot, window, other_services, establishment
) -> None:
    page = _open(qtbot, window)
    with qtbot.waitSignal(page.entry.loaded, timeout=10_000):
        page.period.setCurrentIndex(3)
    assert page.grid_model.headers[VALUE] == f"Valeur mars {YEAR}"
    _type(qtbot, page, "lignes_cmd_medicaments", "100")
    with qtbot.waitSignal(page.entry.loaded, timeout=10_000):
        page.period.setCurrentIndex(4)
    _type(qtbot, page, "lignes_cmd_medicaments", "50")
    assert other_services.activity.values.entered(establishment.id, YEAR) == {
        "lignes_cmd_medicaments": {3: 100.0, 4: 50.0}
    }
    with qtbot.waitSignal(page.entry.loaded, timeout=10_000):
        page.period.setCurrentIndex(0)
    assert _cell(page, "lignes_cmd_medicaments", VALUE) == "150"
    assert _cell(page, "lignes_cmd_medicaments", ORIGIN) == "Somme de 2 mois saisis"
    assert _nbsp(page.uo_total_label.text()) == "1 590 UO"  # 150 × 10,6


def test_a_local_copy_of_a_table_takes_a_new_coefficient_and_a_new_line(
    qtbot, window, services, other_services, establishment
) -> None:
    _set(
        services, establishment, YEAR, lignes_cmd_medicaments=1200, lignes_dispensation_globale=5000
    )
    page = _open(qtbot, window)
    uo = page.work_units
    page.tabs.setCurrentWidget(uo)
    assert _nbsp(uo.total_label.text()) == "17 720 UO"
    assert not uo.add_line_button.isEnabled()
    assert "copiez-la d'abord" in uo.add_line_button.toolTip()

    uo.copy_button.click()
    dialog = uo.dialog
    assert isinstance(dialog, CopyTableDialog)
    assert dialog.table_id.text() == "uo-pharma-local"
    dialog.table_id.setText("uo-pharma")  # taken: OK is refused
    assert "déjà" in dialog.hint.text()
    dialog.table_id.setText("uo-chu")
    dialog.title.setText("UO Pharma du CHU")
    with qtbot.waitSignal(uo.loaded, timeout=10_000):
        dialog.accept()
    assert uo.shown is not None and uo.shown.table.id == "uo-chu"
    assert uo.table_choice.currentData() == "uo-chu"
    assert uo.add_line_button.isEnabled() and not uo.edit_line_button.isEnabled()

    uo.select_line("1")
    uo.edit_line_button.click()
    dialog = uo.dialog
    assert isinstance(dialog, LineDialog)
    assert dialog.coefficient.value() == pytest.approx(10.6)
    dialog.coefficient.setValue(20.0)
    with qtbot.waitSignal(uo.loaded, timeout=10_000):
        dialog.accept()
    assert _nbsp(uo.total_label.text()) == "29 000 UO"  # 1 200 × 20 + 5 000

    uo.add_line_button.click()
    dialog = uo.dialog
    assert isinstance(dialog, LineDialog)
    assert dialog.item_id.text() == "8"
    dialog.label.setText("Préparations de doses à administrer")
    dialog.coefficient.setValue(2.0)
    with qtbot.waitSignals([uo.loaded, page.entry.loaded], timeout=10_000):
        dialog.accept()
    # The new line counts a measure of its own, typed in the grid like the others.
    assert page.measure_row("local.uo-chu.8") > 0
    _type(qtbot, page, "local.uo-chu.8", "100")
    assert _nbsp(uo.total_label.text()) == "29 200 UO"

    table = other_services.activity.tables.get("uo-chu")
    assert table.item("1").coefficient == 20.0
    assert (table.item("8").coefficient, table.item("8").measure) == (2.0, "local.uo-chu.8")
    assert other_services.activity.tables.get("uo-pharma").item("1").coefficient == 10.6


def test_an_imported_sheet_is_refused_whole_with_its_line_or_stored_and_exported_again(
    qtbot, window, other_services, establishment, tmp_path, monkeypatch
) -> None:
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    page = _open(qtbot, window)
    bad = tmp_path / "activite.csv"
    bad.write_text(
        "code;valeur\nlignes_cmd_medicaments;1 500\nlignes_cmd_dms;12,5\n", encoding="utf-8"
    )
    good = tmp_path / "activite-corrigee.csv"
    good.write_text(
        "code;valeur\nlignes_cmd_medicaments;1 500\nlignes_cmd_dms;800\n", encoding="utf-8"
    )
    chosen = iter([bad, good])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(next(chosen)), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))

    page.import_button.click()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert shown[0] == (
        "Le fichier est refusé, rien n'a été enregistré :\n"
        "activite.csv, ligne 3, colonne B (valeur) : valeur refusée pour « lignes_cmd_dms » : "
        "un nombre entier positif ou nul est attendu"
    )
    assert other_services.activity.values.entered(establishment.id, YEAR) == {}

    with qtbot.waitSignals([page.entry.loaded, page.work_units.loaded], timeout=10_000):
        page.import_button.click()
    assert shown[1] == (
        "activite-corrigee.csv : 2 indicateur(s) lu(s) ; 2 valeur(s) enregistrée(s), "
        "0 effacée(s), 0 inchangée(s)."
    )
    assert _cell(page, "lignes_cmd_dms", VALUE) == "800"
    assert _nbsp(page.uo_total_label.text()) == "25 820 UO"  # 1 500 × 10,6 + 800 × 12,4

    target = tmp_path / "export.xlsx"
    monkeypatch.setattr("ui.sections.activity.page.save_path", lambda *_a: target)
    page.export_button.click()
    qtbot.waitUntil(lambda: "export.xlsx" in window.statusBar().currentMessage(), timeout=10_000)
    bar = window.document_bar  # the workbook is offered to open or show in its folder
    assert bar.isVisible() and bar.label.text() == "Fichier enregistré : export.xlsx"
    assert bar.open_button.isVisible() and bar.folder_button.isVisible()
    sheet = load_workbook(target)["Activité"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["lignes_cmd_dms"][4] == 800
