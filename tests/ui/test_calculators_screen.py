"""The Calculateurs section through its widgets: coordinated practice and its caps, a logistics
scenario against a hand computation, a PAAT sheet checked line by line (and a refused one),
the carbon estimate with a factor that must cite its source, and scenarios kept and reopened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import CALCULATORS_ROW, MainWindow
from ui.sections.calculators.page import CalculatorsPage
from ui.sections.calculators.purchasing_view import STATUS_COLUMN
from ui.sections.calculators.scenario_dialogs import OpenScenarioDialog, SaveScenarioDialog

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _nbsp(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )


def _open(qtbot, window: MainWindow) -> CalculatorsPage:
    page = window.calculators_page()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.navigation.setCurrentRow(CALCULATORS_ROW)
    assert window.pages.currentWidget() is page
    return page


def _msp_first_year(page: CalculatorsPage) -> None:
    view = page.coordinated
    view.structure.setCurrentIndex(view.structure.findData("MSP"))
    view.correspondant.setValue(120)
    view.protocol.setValue(10)
    view.teleconsultations.setValue(37)
    view.first_year.setChecked(True)


# --- coordinated practice ----------------------------------------------------------------


def test_an_msp_in_its_first_year_earns_the_hand_computed_total(qtbot, window) -> None:
    page = _open(qtbot, window)
    view = page.coordinated
    page.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        _msp_first_year(page)
    # 100 × 2 € + 20 × 1 € = 220 €; 10 × 25 € = 250 € for the team, half for the pharmacist;
    # 37 teleconsultations = 7 full blocks of 5 × 25 € = 175 €; equipment aid 1 225 €.
    assert _nbsp(view.total_label.text()) == "1 745 €"
    amounts = {m: _nbsp(view.mission_texts(m)[0]) for m in ("correspondant", "protocol")}
    assert amounts == {"correspondant": "220 €", "protocol": "125 €"}
    assert _nbsp(view.mission_texts("teleconsultation")[0]) == "175 €"
    assert _nbsp(view.mission_texts("equipment")[0]) == "1 225 €"
    assert "250 € pour l'équipe" in _nbsp(view.notes_label.text())
    assert view.structure_box.title().startswith("MSP — Maison de santé pluriprofessionnelle")
    assert "Personne morale obligatoire" in view.requirements_label.text()
    assert view.chart is not None

    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.share.setValue(40.0)  # the pharmacist's share of the protocol payment
    assert _nbsp(view.mission_texts("protocol")[0]) == "100 €"


def test_the_correspondant_pay_stops_at_its_cap_and_says_so(qtbot, window) -> None:
    view = _open(qtbot, window).coordinated
    view.correspondant.setValue(400)  # 100 × 2 € + 300 × 1 € = 500 €, the cap exactly
    assert _nbsp(view.mission_texts("correspondant")[0]) == "500 €"
    assert "plafond" not in view.mission_texts("correspondant")[1]
    view.correspondant.setValue(401)
    amount, note = view.mission_texts("correspondant")
    assert _nbsp(amount) == "500 €"
    assert _nbsp(note) == "plafond atteint : 501 € avant plafond"
    view.under_served.setChecked(False)
    assert view.mission_texts("correspondant") == (
        "0\xa0€",
        "zone non sous-dense : mission non ouverte",
    )


# --- logistics ----------------------------------------------------------------------------

SUPPORT = {
    "name": "CH support",
    "stocked_purchases": "10 000 000",
    "central_stock": "1 000 000",
    "ward_stock": "300 000",
    "central_weekly_consumption": "150 000",
    "ward_weekly_consumption": "100 000",
    "stock_on_main_platform": "1 000 000",
    "surface_yearly_depreciation": "20 000",
    "hr_gains": "50 000",
    "nursing_fte": "3",
}
MEMBER = {
    "name": "CH membre",
    "stocked_purchases": "4 000 000",
    "central_stock": "400 000",
    "ward_stock": "100 000",
    "central_weekly_consumption": "80 000",
    "ward_weekly_consumption": "60 000",
    "surface_sale_price": "250 000 €",
    "surface_yearly_depreciation": "15 000",
    "nursing_fte": "2,0",
}


def _fill_sites(form, *sites: dict[str, str]) -> None:
    for row, texts in enumerate(sites):
        for name, text in texts.items():
            form.sites_model.set_text(row, name, text)


def test_a_single_platform_scenario_gives_the_hand_computed_gains_and_roi(qtbot, window) -> None:
    view = _open(qtbot, window).logistics
    form = view.form
    form.name.setText("Plateforme unique")
    form.investments.setText("2 000 000")
    assert form.sites_model.rowCount() == 2
    assert form.sites_model.checked(0, "support")
    _fill_sites(form, SUPPORT, MEMBER)
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.calculate_button.click()

    assert not view.problem_label.isVisible()
    assert view.results_model.headers == ["Poste", "Plateforme unique"]
    # Contracts: 0,5 % × 10 M€ + 1,5 % × 4 M€ = 110 000 €. Stock above 4 weeks (central) and
    # 2 weeks (wards): 400 000 + 100 000 + 80 000 = 580 000 € once, 116 000 € a year over
    # 5 years. Surfaces: 250 000 € sold (50 000 € a year), 20 000 € depreciation.
    expected = {
        "contracts": "110 000 €",
        "stock_gain_one_off": "580 000 €",
        "stock_gain_annualised": "116 000 €",
        "surface_sale_annualised": "50 000 €",
        "surface_depreciation": "20 000 €",
        "net": "346 000 €",
        "roi": "5,8 ans",  # 2 000 000 / 346 000
        "pooling": "55,6 % (faible)",
    }
    assert {key: _nbsp(view.result_text(key)) for key in expected} == expected
    assert _nbsp(view.roi_labels[0]) == "5,8 ans"
    nursing = _nbsp(view.results_box.nursing_label.text())
    assert "hors ROI" in nursing and "Plateforme unique : 5 ETP" in nursing
    signals = view.results_box.signals_text()
    assert "Favorable" in signals and "Défavorable" in signals
    assert "Mutualisation initiale de 55,6 %" in signals
    assert view.chart is not None

    view.duplicate_button.click()
    view.form.construction.setChecked(True)
    view.form.investments.setText("9 000 000")
    view.calculate_button.click()
    assert view.results_model.headers == ["Poste", "Plateforme unique", "Plateforme unique (copie)"]
    assert [_nbsp(text) for text in view.roi_labels] == ["5,8 ans", "26,0 ans"]


def test_a_wrong_number_in_the_logistics_form_is_named_and_nothing_computed(qtbot, window) -> None:
    view = _open(qtbot, window).logistics
    _fill_sites(view.form, SUPPORT)
    view.form.sites_model.set_text(1, "central_stock", "douze")
    view.form.sites_model.set_checked(0, "support", False)
    view.calculate_button.click()
    problems = view.problem_label.text()
    assert view.problem_label.isVisible() and not view.results_box.isVisible()
    assert "établissement 2 (Établissement 2), Stock central (€) : « douze » n'est pas" in problems
    view.form.sites_model.set_text(1, "central_stock", "")
    view.calculate_button.click()
    assert "exactement un établissement support" in view.problem_label.text()
    assert view.results == []


def test_the_example_scenarios_are_imported_and_compared_side_by_side(
    qtbot, window, monkeypatch
) -> None:
    view = _open(qtbot, window).logistics
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda *_a: (str(EXAMPLES / "logistique-ght.json"), ""),
    )
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.import_button.click()
    assert view.scenario_list.count() == 3
    assert view.results_model.headers[1:] == [
        "Plateforme unique sans construction",
        "Plateforme unique avec construction",
        "Deux plateformes maintenues",
    ]
    assert view.form.sites_model.text(0, "stocked_purchases") == "18\xa0000\xa0000"
    assert all(label.endswith("ans") for label in view.roi_labels)


# --- purchasing (PAAT) --------------------------------------------------------------------


def _paat(path: Path, gain: str) -> Path:
    path.write_text(
        "famille;domaine;categorie;montant_reference;type_effet;montant_gain\n"
        "MEDICAMENTS;ANTIBIOTIQUES;INJECTABLES;1 000;Effet prix induit;1 000\n"
        f"DISPOSITIFS MEDICAUX;DM STERILES;GANTS;1 000 000;Effet volume;{gain}\n",
        encoding="utf-8",
    )
    return path


def test_a_paat_sheet_is_checked_line_by_line_with_words_and_colours(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    view = _open(qtbot, window).purchasing
    sheet = _paat(tmp_path / "paat.csv", "50 000")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(sheet), ""))
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.import_button.click()

    assert view.status_of(2) == (
        "Rejetée",
        "Performance supérieure ou égale à 100 % - Calcul erroné",
    )
    assert view.status_of(3) == ("Retenue", "Ligne retenue")
    model = view.lines_model
    colours = {
        model.index(row, STATUS_COLUMN).data(Qt.ItemDataRole.BackgroundRole).color().name()
        for row in range(2)
    }
    assert len(colours) == 2
    assert _nbsp(model.index(0, 7).data()) == "100,0 %"
    assert _nbsp(view.total_label.text()) == "Gain retenu : 50 000 € (5,0 %)"
    assert "1 ligne(s) retenue(s), 1 rejetée(s)" in view.summary_label.text()
    families = [row.famille for row in view.families_model.rows]
    assert families == ["DISPOSITIFS MEDICAUX", "MEDICAMENTS", "Total"]


def test_a_wrong_paat_sheet_is_refused_with_its_line_and_column_and_nothing_kept(
    qtbot, window, other_services, establishment, tmp_path, monkeypatch
) -> None:
    view = _open(qtbot, window).purchasing
    sheet = _paat(tmp_path / "paat-faux.csv", "beaucoup")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(sheet), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    view.import_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].startswith(
        "Le fichier est refusé, rien n'a été enregistré :\n"
        "paat-faux.csv, ligne 3, colonne F (montant_gain) : « beaucoup » n'est pas un nombre"
    )
    assert "Colonnes attendues : famille, domaine" in shown[0]
    assert view.result is None and not view.excel_button.isEnabled()

    view.save_button.click()
    assert "Importez d'abord une feuille PAAT" in view.problem_label.text()
    assert view.dialog is None
    assert window.runner.wait(10_000)
    assert other_services.calculators.scenarios(establishment.id) == []


# --- carbon -------------------------------------------------------------------------------


def test_a_factor_without_its_source_is_refused_and_the_unestimated_amount_stated(
    qtbot, window
) -> None:
    view = _open(qtbot, window).carbon
    view.model.set_text(view.row_of("medicaments"), "amount", "1 000 000")
    view.model.set_text(view.row_of("alimentation"), "amount", "250 000")
    view.model.set_text(view.row_of("medicaments"), "factor", "0,5")
    view.calculate_button.click()
    assert "Médicaments : le facteur 0,5 est refusé sans sa source" in view.problem_label.text()
    assert view.result is None and not view.results_box.isVisible()

    view.model.set_text(view.row_of("medicaments"), "source", "Base Empreinte ADEME")
    view.model.set_text(view.row_of("medicaments"), "uncertainty", "20 %")
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.calculate_button.click()
    # 1 000 000 € × 0,5 kg CO2e/€ = 500 t, ±20 %: 400 to 600 t.
    assert _nbsp(view.total_label.text()) == "500,0 t CO2e"
    assert "de 400,0 t CO2e à 600,0 t CO2e" in _nbsp(view.range_label.text())
    unestimated = _nbsp(view.unestimated_label.text())
    assert "Non estimé : 250 000 € d'achats" in unestimated and "Alimentation" in unestimated


# --- kept scenarios -----------------------------------------------------------------------


def test_a_scenario_is_kept_for_the_establishment_and_opened_again(
    qtbot, window, other_services, establishment, monkeypatch
) -> None:
    page = _open(qtbot, window)
    assert page.current_establishment() == establishment
    view = page.coordinated
    _msp_first_year(page)
    view.save_button.click()
    dialog = view.dialog
    assert isinstance(dialog, SaveScenarioDialog)
    dialog.name.setText("MSP des Tilleuls")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        dialog.accept()
    [kept] = other_services.calculators.scenarios(establishment.id, "coordinated")
    assert kept.name == "MSP des Tilleuls"
    assert kept.inputs["input"]["correspondant_patients"] == 120
    assert kept.result["total"] == 1745

    view.correspondant.setValue(0)
    view.first_year.setChecked(False)
    assert _nbsp(view.total_label.text()) == "300 €"
    # The same name again: the user is asked, and the scenario replaced.
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes,
    )
    view.save_button.click()
    view.dialog.name.setText("MSP des Tilleuls")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        view.dialog.accept()
    assert "existe déjà" in asked[0]
    [kept] = other_services.calculators.scenarios(establishment.id, "coordinated")
    assert kept.result["total"] == 300

    view.protocol.setValue(0)
    view.open_button.click()
    qtbot.waitUntil(lambda: isinstance(view.dialog, OpenScenarioDialog), timeout=10_000)
    assert [s.name for s in view.dialog.model.rows] == ["MSP des Tilleuls"]
    with qtbot.waitSignal(view.opened, timeout=10_000):
        view.dialog.accept()
    assert view.protocol.value() == 10 and view.teleconsultations.value() == 37
    assert _nbsp(view.total_label.text()) == "300 €"
    assert "MSP des Tilleuls" in view.origin_label.text()


def test_logistics_scenarios_are_kept_whole_and_exported(
    qtbot, window, other_services, establishment, tmp_path, monkeypatch
) -> None:
    from openpyxl import load_workbook

    view = _open(qtbot, window).logistics
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a: (str(EXAMPLES / "logistique-ght.json"), "")
    )
    with qtbot.waitSignal(view.computed, timeout=10_000):
        view.import_button.click()
    view.save_button.click()
    assert view.dialog.name.text() == "Comparaison de 3 scénarios"
    with qtbot.waitSignal(view.saved, timeout=10_000):
        view.dialog.accept()
    [kept] = other_services.calculators.scenarios(establishment.id, "logistics")
    assert len(kept.inputs["scenarios"]) == 3 and len(kept.result) == 3

    view.remove_button.click()
    assert view.scenario_list.count() == 2
    view.open_button.click()
    qtbot.waitUntil(lambda: isinstance(view.dialog, OpenScenarioDialog), timeout=10_000)
    with qtbot.waitSignal(view.opened, timeout=10_000):
        view.dialog.accept()
    assert view.scenario_list.count() == 3

    targets = iter([tmp_path / "logistique.xlsx", tmp_path / "logistique.pdf"])
    monkeypatch.setattr("ui.sections.calculators.common.save_path", lambda *_a: next(targets))
    view.excel_button.click()
    view.pdf_button.click()
    qtbot.waitUntil(lambda: "logistique.pdf" in window.statusBar().currentMessage(), timeout=20_000)
    sheet = load_workbook(tmp_path / "logistique.xlsx")["Résultats"]
    assert [c.value for c in sheet[1]][1:] == [s.name for s in view.scenarios]
    assert (tmp_path / "logistique.pdf").read_bytes().startswith(b"%PDF")


def _save(qtbot, view, name: str) -> None:
    view.save_button.click()
    assert isinstance(view.dialog, SaveScenarioDialog)
    view.dialog.name.setText(name)
    with qtbot.waitSignal(view.saved, timeout=10_000):
        view.dialog.accept()


def _reopen(qtbot, view, name: str) -> None:
    view.open_button.click()
    qtbot.waitUntil(lambda: isinstance(view.dialog, OpenScenarioDialog), timeout=10_000)
    view.dialog.select(name)
    with qtbot.waitSignal(view.chart_shown, timeout=10_000):
        view.dialog.accept()


def test_a_paat_sheet_and_a_carbon_estimate_are_kept_and_opened_again(
    qtbot, window, other_services, establishment, tmp_path, monkeypatch
) -> None:
    page = _open(qtbot, window)
    paat, carbon = page.purchasing, page.carbon
    sheets = iter([_paat(tmp_path / "paat.csv", "50 000"), _paat(tmp_path / "autre.csv", "0")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(next(sheets)), ""))
    with qtbot.waitSignal(paat.chart_shown, timeout=10_000):
        paat.import_button.click()
    _save(qtbot, paat, "PAAT 2025")
    with qtbot.waitSignal(paat.chart_shown, timeout=10_000):
        paat.import_button.click()
    assert _nbsp(paat.total_label.text()) == "Gain retenu : 0 € (0,0 %)"
    _reopen(qtbot, paat, "PAAT 2025")
    assert _nbsp(paat.total_label.text()) == "Gain retenu : 50 000 € (5,0 %)"
    assert paat.source_label.text() == "Feuille : paat.csv — 2 ligne(s)"

    carbon.model.set_text(carbon.row_of("solutes"), "amount", "200 000")
    carbon.model.set_text(carbon.row_of("solutes"), "factor", "1,5")
    carbon.model.set_text(carbon.row_of("solutes"), "source", "Étude interne 2025")
    with qtbot.waitSignal(carbon.chart_shown, timeout=10_000):
        carbon.calculate_button.click()
    assert _nbsp(carbon.total_label.text()) == "300,0 t CO2e"
    _save(qtbot, carbon, "Empreinte 2025")
    carbon.model.set_text(carbon.row_of("solutes"), "amount", "1")
    _reopen(qtbot, carbon, "Empreinte 2025")
    assert carbon.model.text(carbon.row_of("solutes"), "amount") == "200\xa0000"
    assert carbon.model.text(carbon.row_of("solutes"), "source") == "Étude interne 2025"
    assert _nbsp(carbon.total_label.text()) == "300,0 t CO2e"
    kept = {s.calculator: s for s in other_services.calculators.scenarios(establishment.id)}
    assert kept["carbon"].inputs["factors"]["solutes"]["source"] == "Étude interne 2025"
    assert kept["purchasing"].result["accepted"] == 1


def test_each_calculator_is_built_when_its_tab_is_first_shown_from_the_keyboard(
    qtbot, window, establishment
) -> None:
    page = _open(qtbot, window)
    assert [view.calculator for view in page.views()] == ["logistics"]
    page.tabs.setFocus()
    tab_bar = page.tabs.tabBar()
    qtbot.keyClick(tab_bar, Qt.Key.Key_Right)  # the next tab: Gains achats (PAAT)
    assert page.tabs.currentIndex() == 1
    shown = page.tabs.currentWidget()
    assert [view.calculator for view in page.views()] == ["logistics", "purchasing"]
    assert shown is page.views()[1] and shown.isVisible()
    assert shown.establishment is not None, "the establishment chosen at the top reaches it"
    qtbot.keyClick(tab_bar, Qt.Key.Key_Left)
    assert page.tabs.currentWidget() is page.logistics
    assert len(page.views()) == 2, "nothing built twice"
