"""Autodiagnostic Stérilisation through its widgets: a study typed with the keyboard gives the
hand-computed cost per UO, is saved, and the saved scenario holds every typed value (and
nothing the user did not type); a study workbook imports; a bad value is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import CALCULATORS_ROW, MainWindow
from ui.sections.calculators.page import CalculatorsPage
from ui.sections.calculators.scenario_dialogs import OpenScenarioDialog, SaveScenarioDialog

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "sterilisation-2026.json"


def _nbsp(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hopital Saint-Exemple", kind="chu", beds=300)
    )


def _open(qtbot, window: MainWindow) -> CalculatorsPage:
    page = window.calculators_page()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.navigation.setCurrentRow(CALCULATORS_ROW)
    page.tabs.setCurrentWidget(page.sterilisation)
    return page


def _type(qtbot, edit: QLineEdit, text: str) -> None:
    """Click into the field, select what is there, type, then Tab away (as a person does)."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def _settle(qtbot, window: MainWindow) -> None:
    """Let the chart and comparisons of the last keystroke arrive before the window goes."""
    qtbot.wait(400)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


def _type_small_study(qtbot, page: CalculatorsPage) -> None:
    view = page.sterilisation
    view.form_tabs.setCurrentIndex(0)
    rows = view.category_rows
    _type(qtbot, rows["VS1"].count, "10 000")
    _type(qtbot, rows["VS1"].coefficient, "1,5")
    _type(qtbot, rows["BS1"].count, "500")
    _type(qtbot, rows["BS1"].coefficient, "2")
    view.form_tabs.setCurrentIndex(2)
    _name, fte, cost = view.staff_rows[3]  # Agents de stérilisation
    _type(qtbot, fte, "10")
    _type(qtbot, cost, "40 000")
    view.form_tabs.setCurrentIndex(3)
    _kind, value, year, years, upkeep = view.equipment_rows[1]  # Stérilisateur vapeur
    _type(qtbot, value, "120000")
    _type(qtbot, year, "2022")
    _type(qtbot, years, "10")
    _type(qtbot, upkeep, "8000")
    view.form_tabs.setCurrentIndex(4)
    _type(qtbot, view.consumables, "50000")
    _type(qtbot, view.overhead, "10")


def test_a_typed_study_gives_the_hand_computed_cost_and_is_saved_whole(
    qtbot, window, other_services, establishment
) -> None:
    from hospiperf_desktop.calculators.sterilisation import compute
    from hospiperf_desktop.calculators.sterilisation_files import read_study, study_to_data

    previous = read_study(EXAMPLE).__class__(**{**vars(read_study(EXAMPLE)), "year": 2025})
    other_services.calculators.save(
        establishment.id, "sterilisation", "Etude 2025", study_to_data(previous),
        compute(previous), "2026.1-provisoire",
    )  # fmt: skip
    page = _open(qtbot, window)
    view = page.sterilisation
    _type_small_study(qtbot, page)
    qtbot.waitUntil(lambda: "N-1" in view.comparisons_label.text(), timeout=10_000)
    assert "N-1 — Etude 2025 (2025) : 27,71" in _nbsp(view.comparisons_label.text())
    # UO: 10 000 × 1,5 + 500 × 2 = 16 000. Direct: 400 000 staff + 20 000 equipment
    # (12 000 + 8 000) + 50 000 consumables = 470 000; total × 1,10 = 517 000.
    assert _nbsp(view.total_label.text()) == "517 000 € par an"
    figures = _nbsp(view.figures_label.text())
    assert "Activité : 16 000 UO Sté (vapeur 15 000, basse température 1 000)" in figures
    assert "Coût par UO Sté : 32,31 €" in figures  # 517 000 / 16 000 = 32,3125
    assert "UO Sté par ETP : 1 600 (10 ETP)" in figures
    assert "PROVISOIRE" not in view.table_label.text()

    view.save_button.click()
    dialog = view.dialog
    assert isinstance(dialog, SaveScenarioDialog)
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Etude 2026")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    kept_2025, kept = other_services.calculators.scenarios(establishment.id, "sterilisation")
    assert kept_2025.name == "Etude 2025" and kept_2025.result["uo_total"] == 26_000
    assert kept.name == "Etude 2026" and kept.params_version == "2026.1-provisoire"
    inputs = kept.inputs
    assert inputs["activity"] == [
        {"category": "VS1", "process": "vapeur", "count": 10_000},
        {"category": "BS1", "process": "basse_temperature", "count": 500},
    ]
    assert inputs["coefficients"] == {"VS1": 1.5, "BS1": 2}
    assert inputs["staff"] == [
        {"grade": "Agents de stérilisation", "fte": 10, "cost_per_fte": 40_000}
    ]  # the other grades, left blank, are not saved as zero lines
    assert inputs["equipment"] == [
        {"kind": "Stérilisateur vapeur", "purchase_value": 120_000, "purchase_year": 2022,
         "depreciation_years": 10, "maintenance_per_year": 8_000}
    ]  # fmt: skip
    assert (inputs["consumables"], inputs["energy"], inputs["software"]) == (50_000, 0, 0)
    assert inputs["premises"] == {"m2": 0, "cost_per_m2": 0}
    assert inputs["overhead_rate"] == pytest.approx(0.10) and "cycles" not in inputs
    assert kept.result["total_cost"] == pytest.approx(517_000)
    assert kept.result["uo_total"] == 16_000

    # Changed on screen, then the kept scenario opened again: the typed values come back.
    _type(qtbot, view.consumables, "0")
    assert _nbsp(view.total_label.text()) == "462 000 € par an"
    view.open_button.click()
    qtbot.waitUntil(lambda: isinstance(view.dialog, OpenScenarioDialog), timeout=10_000)
    view.dialog.select("Etude 2026")
    with qtbot.waitSignal(view.opened, timeout=10_000):
        view.dialog.accept()
    assert view.consumables.text() == "50 000"
    assert _nbsp(view.total_label.text()) == "517 000 € par an"
    _settle(qtbot, window)


def test_a_value_that_is_not_a_number_is_named_and_nothing_is_computed(
    qtbot, window, establishment, other_services
) -> None:
    page = _open(qtbot, window)
    view = page.sterilisation
    _type(qtbot, view.category_rows["VS1"].count, "100")
    view.form_tabs.setCurrentIndex(4)
    _type(qtbot, view.energy, "12a")
    assert not view.problem_label.isHidden()
    assert "Énergie : « 12a » n'est pas un nombre" in view.problem_label.text()
    assert view.total_label.text() == "—" and view.figures_label.text() == ""
    view.save_button.click()
    assert view.dialog is None, "a wrong value is not offered for saving"
    assert other_services.calculators.scenarios(establishment.id, "sterilisation") == []
    _type(qtbot, view.energy, "1200")
    assert view.problem_label.isHidden()
    assert _nbsp(view.total_label.text()) == "1 200 € par an"
    _settle(qtbot, window)


def test_the_shipped_coefficients_make_a_provisional_result_that_says_so(qtbot, window) -> None:
    view = _open(qtbot, window).sterilisation
    _type(qtbot, view.category_rows["VS2"].count, "300")
    assert "Résultat PROVISOIRE" in view.table_label.text()
    assert "VS2" in view.table_label.text()
    _settle(qtbot, window)


def test_a_study_file_is_imported_into_the_form(qtbot, window, tmp_path) -> None:
    view = _open(qtbot, window).sterilisation
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "etude.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with qtbot.waitSignal(view.computed, timeout=10_000):
        view.load_file(path)
    assert _nbsp(view.total_label.text()) == "720 500 € par an"
    assert view.category_rows["VSU"].count.text() == "4 000"
    assert view.staff_rows[1][0].text() == "Agents de stérilisation"
    assert "Taux de charge des stérilisateurs : 60,0 %" in _nbsp(view.figures_label.text())
    _settle(qtbot, window)


def test_a_traceability_export_replaces_the_activity_and_keeps_the_costs(
    qtbot, window, tmp_path
) -> None:
    view = _open(qtbot, window).sterilisation
    _type(qtbot, view.category_rows["VS1"].count, "5")
    _type(qtbot, view.category_rows["VS1"].coefficient, "2")
    view.form_tabs.setCurrentIndex(4)
    _type(qtbot, view.consumables, "1000")
    export = tmp_path / "export.csv"
    export.write_text(
        "Date;Composition;Procédé;Quantité\n"
        "05/01/2026;BOITE GENOU;Vapeur;3\n"
        "06/02/2026;BOITE GENOU;Vapeur;4\n"
        "07/02/2026;BS1;Plasma;2\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "profil.json"
    mapping.write_text(json.dumps({"compositions": {"BOITE GENOU": "VS1"}}), encoding="utf-8")
    with qtbot.waitSignal(view.computed, timeout=10_000):
        view.load_extraction(export, mapping)
    assert view.period.currentText() == "janvier"  # the first month with activity
    assert view.category_rows["VS1"].count.text() == "3"
    assert view.category_rows["BS1"].count.text() == ""
    view.period.setCurrentIndex(view.period.findData(2))
    assert view.category_rows["VS1"].count.text() == "4"
    assert view.category_rows["BS1"].count.text() == "2"
    assert view.category_rows["VS1"].coefficient.text() == "2", "typed coefficients stay"
    assert view.consumables.text() == "1 000"
    assert view.study is not None
    assert sorted((a.category, a.month, a.count) for a in view.study.activity) == [
        ("BS1", 2, 2),
        ("VS1", 1, 3),
        ("VS1", 2, 4),
    ]
    assert "par mois" in view.table_label.text()
    _settle(qtbot, window)


def test_activity_typed_month_by_month_is_saved_with_its_months(
    qtbot, window, establishment, other_services
) -> None:
    view = _open(qtbot, window).sterilisation
    rows = view.category_rows
    _type(qtbot, rows["VS1"].coefficient, "2")
    view.period.setFocus()
    qtbot.keyClick(view.period, Qt.Key.Key_Down)  # janvier
    assert view.period.currentData() == 1
    _type(qtbot, rows["VS1"].count, "100")
    qtbot.keyClick(view.period, Qt.Key.Key_Down)  # février
    assert rows["VS1"].count.text() == ""
    _type(qtbot, rows["VS1"].count, "50")
    _type(qtbot, rows["BS1"].count, "7")
    figures = _nbsp(view.figures_label.text())
    assert "Activité : 307 UO Sté" in figures  # (100 + 50) × 2 + 7 × 1 (provisional)
    assert "somme des mois" in view.table_label.text()
    qtbot.keyClick(view.period, Qt.Key.Key_Up)
    assert rows["VS1"].count.text() == "100" and rows["BS1"].count.text() == ""

    view.save_button.click()
    qtbot.keyClicks(view.dialog.name, " mensuelle")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        qtbot.keyClick(view.dialog.name, Qt.Key.Key_Return)
    [kept] = other_services.calculators.scenarios(establishment.id, "sterilisation")
    assert kept.inputs["activity"] == [
        {"category": "VS1", "process": "vapeur", "count": 100, "month": 1},
        {"category": "VS1", "process": "vapeur", "count": 50, "month": 2},
        {"category": "BS1", "process": "basse_temperature", "count": 7, "month": 2},
    ]
    assert kept.result["uo_total"] == 307

    view.period.setCurrentIndex(0)  # the whole year, while months are typed: refused
    _type(qtbot, rows["VS1"].count, "1000")
    assert "VS1 : saisi à la fois pour l'année entière et par mois" in view.problem_label.text()
    _settle(qtbot, window)


def test_the_study_is_reached_from_the_diagnostics_section(qtbot, window) -> None:
    from ui.main_window import CALCULATORS_ROW, DIAGNOSTICS_ROW

    diagnostics = window.diagnostics_page()
    window.navigation.setCurrentRow(DIAGNOSTICS_ROW)
    diagnostics.study_button.setFocus()
    qtbot.keyClick(diagnostics.study_button, Qt.Key.Key_Space)
    assert window.navigation.currentRow() == CALCULATORS_ROW
    page = window.calculators_page()
    assert page.tabs.currentWidget() is page.sterilisation


def test_a_category_label_names_its_process_once(qtbot, window) -> None:
    from PySide6.QtWidgets import QLabel

    view = _open(qtbot, window).sterilisation
    texts = {label.text() for label in view.form_tabs.findChildren(QLabel)}
    assert "VSU — Sachet unitaire (vapeur)" in texts
    assert "BSU — Sachet unitaire (basse température)" in texts
    assert "VS1 — Composition de 1 à 20 instruments (vapeur)" in texts
    assert not [t for t in texts if t.count("(vapeur)") > 1 or "température) (basse" in t]
    _settle(qtbot, window)


def test_pooling_typed_in_the_window_gives_the_hand_computed_cost_per_uo(
    qtbot, window, tmp_path
) -> None:
    view = _open(qtbot, window).sterilisation
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    other = tmp_path / "sud.json"
    other.write_text(json.dumps({**data, "unit": "CH Sud", "overhead_rate": 0.2}), "utf-8")
    with qtbot.waitSignal(view.computed, timeout=10_000):
        view.load_file(EXAMPLE)
    qtbot.mouseClick(view.pooling_button, Qt.MouseButton.LeftButton)
    dialog = view.pooling_dialog
    assert "Ajoutez l'étude d'au moins une autre unité" in dialog.problem_label.text()
    dialog.load_file(other)
    qtbot.waitUntil(lambda: len(dialog.studies) == 2, timeout=10_000)
    _type(qtbot, dialog.fields["transport"], "30 000")
    _type(qtbot, dialog.fields["hours_per_day"], "8")
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == [
        "Indicateur", "Stérilisation centrale", "CH Sud", "Ensemble avant", "Après mutualisation"
    ]  # fmt: skip
    cost = [_nbsp(table.item(2, c).text()) for c in range(1, table.columnCount())]
    # before: 720 500 / 26 000 = 27,71; 786 000 / 26 000 = 30,23; 1 506 500 / 52 000 = 28,97.
    # after: (1 310 000 + 30 000 transport) × 1,15 = 1 541 000 / 52 000 = 29,63
    assert cost == ["27,71 €", "30,23 €", "28,97 €", "29,63 €"]
    assert dialog.result.assumptions.hours_per_day == 8
    assert dialog.result.assumptions.transport == 30_000
    assert dialog.result.assumptions.days == 250  # untouched neighbour
    notes = _nbsp(dialog.notes_label.text())
    assert "Stérilisateurs : 3 nécessaire(s) pour 6 000 cycles par an" in notes
    assert "Laveurs : non évalué" in notes
    assert "Transport ajouté entre les sites : 30 000 € par an." in notes
    _type(qtbot, dialog.fields["hours_per_day"], "huit")
    assert "« huit » n'est pas un nombre" in dialog.problem_label.text()
    assert dialog.result is None and table.rowCount() == 0
    assert view.study is not None and view.study.unit == "Stérilisation centrale"
    dialog.close()
    _settle(qtbot, window)


def test_a_coefficient_typed_in_the_table_editor_is_saved_as_a_local_version_and_used(
    qtbot, window, services
) -> None:
    view = _open(qtbot, window).sterilisation
    _settle(qtbot, window)
    qtbot.mouseClick(view.table_button, Qt.MouseButton.LeftButton)
    dialog = view.table_dialog
    qtbot.waitUntil(lambda: "VS2" in dialog.edits, timeout=10_000)
    assert "Table livrée" in dialog.origin_label.text()
    assert dialog.marks["VS2"].text() == "provisoire"
    _type(qtbot, dialog.edits["VS2"], "2,5")
    with qtbot.waitSignal(view.table_changed, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    local = services.sterilisation_tables.local()
    assert local is not None and local.version == "2026.1-provisoire+local.1"
    vs2, vs1, vs3 = (local.get(c) for c in ("VS2", "VS1", "VS3"))
    assert vs2 is not None and (vs2.coefficient, vs2.provisional) == (2.5, False)
    assert vs1 is not None and (vs1.coefficient, vs1.provisional) == (1.0, True)  # untouched
    assert vs3 is not None and (vs3.coefficient, vs3.provisional) == (1.0, True)
    assert "table locale, version 2026.1-provisoire+local.1" in dialog.origin_label.text()
    dialog.close()

    _type(qtbot, view.category_rows["VS2"].count, "300")
    assert view.result is not None and view.result.uo_total == 750  # 300 × 2,5
    note = view.table_label.text()
    assert "table locale, version 2026.1-provisoire+local.1" in note
    assert "PROVISOIRE" not in note
    _settle(qtbot, window)
