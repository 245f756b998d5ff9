"""`hospiperf calc sterilisation` end to end: JSON and the filled template agree with the hand
computation; bad cells are named by sheet, line and column and nothing is saved."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from integration_support import Cli, make_finess
from openpyxl import load_workbook

from hospiperf_desktop.calculators.sterilisation_files import read_study
from hospiperf_desktop.errors import FileImportError

EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "sterilisation-2026.json"
FINESS = make_finess(31)
OTHER = make_finess(32)


@pytest.fixture
def ready(cli: Cli) -> None:
    for finess, name in ((FINESS, "CH Stérile"), (OTHER, "CH Voisin")):
        code, _, err = cli("establishment", "add", "--finess", finess, "--name", name,
                           "--kind", "ch")  # fmt: skip
        assert code == 0, err


def hand_result_checks(data: dict) -> None:  # type: ignore[type-arg]
    assert data["uo_total"] == 26_000  # 10 000 × 1,5 + 2 000 × 3 + 500 × 2 + 4 000 × 1
    assert data["total_cost"] == pytest.approx(720_500)  # 655 000 × 1,10
    assert data["cost_per_uo"] == pytest.approx(720_500 / 26_000)
    assert data["uo_per_fte"] == pytest.approx(26_000 / 11)
    assert data["structure"] == pytest.approx(
        {"staff": 490_000, "equipment": 25_000, "consumables": 50_000, "energy": 20_000,
         "premises": 45_000, "software": 10_000, "transport": 15_000, "overhead": 65_500}
    )  # fmt: skip
    assert data["table_version"] == "2026.1-provisoire"
    assert data["provisional"] is True and data["provisional_categories"] == ["VSU"]


def test_calc_sterilisation_json_matches_the_hand_computation(cli: Cli) -> None:
    code, text, err = cli("calc", "sterilisation", str(EXAMPLE), "--json")
    assert code == 0, err
    data = json.loads(text)
    hand_result_checks(data)
    assert data["cycles_per_steriliser_day"] == 4
    assert data["load_rate"] == pytest.approx(0.6)


def fill_template(template: Path, out: Path) -> None:
    """Type the example's figures into the template's cells, as a user would in Excel."""
    book = load_workbook(template)
    study = book["Étude"]
    values = {
        "Année de l'étude": 2026,
        "Unité de stérilisation": "Stérilisation centrale",
        "Consommables : emballages, indicateurs et tests, détergents (€/an)": "50 000",
        "Énergie, eau et vapeur (€/an)": 20000,
        "Surface des locaux (m²)": 300,
        "Coût annuel des locaux par m² (€)": "150,00 €",
        "Logiciel de traçabilité (€/an)": 10000,
        "Transport entre les sites et les services (€/an)": 15000,
        "Frais de structure (taux, 0 à 1 ou %)": "10 %",
        "Stérilisateurs (nombre)": 3,
        "Cycles de stérilisation dans l'année": 3000,
        "Jours de fonctionnement dans l'année": 250,
        "Paniers chargés dans l'année": 14400,
        "Paniers par cycle (capacité d'un stérilisateur)": 8,
    }
    for row in study.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    counts = {"VS1": 10000, "VS2": 2000, "BS1": 500, "VSU": 4000}
    for row in book["Activité"].iter_rows(min_row=2):
        if row[0].value in counts:
            row[4].value = counts[row[0].value]
    coefficients = {"VS1": "1,5", "VS2": 3, "BS1": 2}
    for row in book["Coefficients"].iter_rows(min_row=2):
        if row[0].value in coefficients:
            row[4].value = coefficients[row[0].value]
    staff = {"Pharmacien": (1, 90000), "Agents de stérilisation": (10, 40000)}
    for row in book["Personnel"].iter_rows(min_row=2):
        if row[0].value in staff:
            row[1].value, row[2].value = staff[row[0].value]
    equipment = {
        "Stérilisateur vapeur": (120000, 2022, 10, 8000),
        "Laveur-désinfecteur": (60000, 2015, 7, 5000),
    }
    for row in book["Équipements"].iter_rows(min_row=2):
        if row[0].value in equipment:
            for cell, value in zip(row[1:5], equipment[row[0].value], strict=True):
                cell.value = value
    book.save(out)


def test_the_filled_template_gives_the_same_result_as_the_json(cli: Cli, tmp_path: Path) -> None:
    template = tmp_path / "modele.xlsx"
    code, _, err = cli("calc", "sterilisation", "--template", str(template))
    assert code == 0, err
    filled = tmp_path / "etude.xlsx"
    fill_template(template, filled)
    code, text, err = cli("calc", "sterilisation", str(filled), "--json")
    assert code == 0, err
    from_workbook = json.loads(text)
    hand_result_checks(from_workbook)
    _, text, _ = cli("calc", "sterilisation", str(EXAMPLE), "--json")
    from_json = json.loads(text)
    for listing in ("categories", "equipment"):  # the template lists them in its own order
        key = "category" if listing == "categories" else "kind"
        for data in (from_workbook, from_json):
            data[listing] = sorted(data[listing], key=lambda item: item[key])
    assert from_workbook == from_json


def test_a_bad_cell_is_named_by_sheet_line_and_column_and_nothing_is_saved(
    cli: Cli, ready: None, tmp_path: Path
) -> None:
    template = tmp_path / "modele.xlsx"
    cli("calc", "sterilisation", "--template", str(template))
    filled = tmp_path / "etude.xlsx"
    fill_template(template, filled)
    book = load_workbook(filled)
    book["Personnel"]["B3"] = "beaucoup"
    book["Équipements"]["C3"] = "2015,5"
    book.save(filled)
    code, _, err = cli("calc", "sterilisation", str(filled), "--save", "2026",
                       "--establishment", FINESS)  # fmt: skip
    assert code == 2
    assert "etude.xlsx (Personnel), line 3, column B: 'beaucoup' is not a number" in err
    assert "etude.xlsx (Équipements), line 3, column C: '2015,5' is not a whole number" in err
    code, text, _ = cli("calc", "scenarios", "--json")
    assert json.loads(text) == [], "a refused study saves nothing"


def test_a_json_study_against_its_schema_names_each_bad_path(tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["activity"][1]["count"] = "deux mille"
    data["equipment"][0]["depreciation_years"] = 0
    data["overhead_rate"] = 1.4
    data["colour"] = "blue"
    path = tmp_path / "etude.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FileImportError) as caught:
        read_study(path)
    messages = [str(issue) for issue in caught.value.issues]
    # The shared JSON loader's words (hospiperf_desktop/jsonfiles.py).
    assert "etude.json, $.activity[1].count: expected a number" in messages
    assert "etude.json, $.equipment[0].depreciation_years: must be at least 1" in messages
    assert "etude.json, $.overhead_rate: must be at most 1" in messages
    assert "etude.json, $: unknown key 'colour'" in messages


def test_an_unknown_category_is_refused_naming_it(cli: Cli, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["activity"].append({"category": "XYZ", "process": "vapeur", "count": 3})
    path = tmp_path / "etude.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = cli("calc", "sterilisation", str(path), "--json")
    assert code == 2 and "'XYZ' has no coefficient" in err and "activity[4]" in err


def test_a_saved_study_is_compared_with_n_minus_1_and_other_units(
    cli: Cli, ready: None, tmp_path: Path
) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    previous = tmp_path / "2025.json"
    previous.write_text(json.dumps({**data, "year": 2025, "energy": 10_000}), encoding="utf-8")
    code, _, err = cli("calc", "sterilisation", str(previous), "--save", "Étude 2025",
                       "--establishment", FINESS)  # fmt: skip
    assert code == 0, err
    neighbour = tmp_path / "voisin.json"
    neighbour.write_text(json.dumps({**data, "transport": 0}), encoding="utf-8")
    code, _, err = cli("calc", "sterilisation", str(neighbour), "--save", "Étude 2026",
                       "--establishment", OTHER)  # fmt: skip
    assert code == 0, err
    pdf, xlsx = tmp_path / "etude.pdf", tmp_path / "etude.xlsx"
    code, text, err = cli("calc", "sterilisation", str(EXAMPLE), "--save", "Étude 2026",
                          "--establishment", FINESS, "--json", "--pdf", str(pdf),
                          "--xlsx", str(xlsx))  # fmt: skip
    assert code == 0, err
    result = json.loads(text)
    n1, other = result["comparisons"]
    assert (n1["label"], n1["year"]) == ("N-1 — Étude 2025", 2025)
    assert n1["total_cost"] == pytest.approx(645_000 * 1.1)  # 10 000 less energy
    assert (other["label"], other["year"]) == ("CH Voisin — Étude 2026", 2026)
    assert other["total_cost"] == pytest.approx(640_000 * 1.1)
    assert pdf.read_bytes().startswith(b"%PDF")
    book = load_workbook(xlsx)
    assert book["Résultats"]["B2"].value == 26_000
    assert book["Comparaisons"]["A2"].value == "N-1 — Étude 2025"
    code, text, _ = cli("calc", "scenario-show", str(result["saved_scenario_id"]))
    saved = json.loads(text)
    assert saved["params_version"] == "2026.1-provisoire"
    assert saved["inputs"]["year"] == 2026 and saved["result"]["uo_total"] == 26_000
    assert read_study(xlsx) == read_study(EXAMPLE), "the written workbook reads back"
    with zipfile.ZipFile(xlsx) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
        sheet_rels = archive.read("xl/worksheets/_rels/sheet7.xml.rels").decode("utf-8")
    assert "Structure du coût annuel" in chart
    # the eight cost parts (rows 2 to 9), not the total of row 10
    assert "'Structure des coûts'!$A$2:$A$9" in chart
    assert "'Structure des coûts'!$B$2:$B$9" in chart
    assert "drawing1.xml" in sheet_rels and book.sheetnames[6] == "Structure des coûts"
    # the bars carry their amount only (a spreadsheet adds the names unless told not to)
    assert '<showVal val="1"' in chart and '<showCatName val="0"' in chart


def test_calc_sterilisation_pooling_sets_cost_per_uo_before_and_after(
    cli: Cli, tmp_path: Path
) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({**data, "unit": "A"}), encoding="utf-8")
    b.write_text(json.dumps({**data, "unit": "B", "overhead_rate": 0.2}), encoding="utf-8")
    code, text, err = cli("calc", "sterilisation-pooling", str(a), str(b), "--json",
                          "--transport", "30000", "--hours-per-day", "8")  # fmt: skip
    assert code == 0, err
    result = json.loads(text)
    assert [r["unit"] for r in result["before"]] == ["A", "B"]
    assert result["before_cost_per_uo"] == pytest.approx((720_500 + 655_000 * 1.2) / 52_000)
    assert result["after"]["cost_per_uo"] == pytest.approx(1_340_000 * 1.15 / 52_000)
    sterilisers = result["capacity"][0]
    assert (sterilisers["cycles"], sterilisers["needed"], sterilisers["available"]) == (
        6000, 3, 6,
    )  # fmt: skip
    assert result["assumptions"]["hours_per_day"] == 8
    code, _, err = cli("calc", "sterilisation-pooling", str(a), "--json")
    assert code == 2 and "at least two units" in err


def test_calc_sterilisation_pooling_text_is_french_to_the_cent_and_names_what_was_not_checked(
    cli: Cli, tmp_path: Path
) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))  # cycles without washers
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({**data, "unit": "CHU Nord"}), encoding="utf-8")
    b.write_text(json.dumps({**data, "unit": "CH Sud", "overhead_rate": 0.2}), encoding="utf-8")
    code, text, err = cli("calc", "sterilisation-pooling", str(a), str(b), "--hours-per-day", "8")
    assert code == 0, err
    lines = text.splitlines()
    cost = next(line for line in lines if line.startswith("Coût par UO Sté"))
    # 720 500 / 26 000 = 27,71; 786 000 / 26 000 = 30,23; 1 506 500 / 52 000 = 28,97
    assert [cell.strip() for cell in cost.split("  ") if cell.strip()][1:] == [
        "27,71\u00a0€",
        "30,23\u00a0€",
        "28,97\u00a0€",
        "28,97\u00a0€",
    ]
    assert "  Stérilisateurs : 3 nécessaire(s) pour 6\u00a0000 cycles par an" in text
    assert "  Laveurs : non évalué (cycles non donnés par toutes les unités)" in lines
    assert "Hypothèses :" in lines
    for english in ("cost per UO", "needed", "available", "assumption", "before", "after"):
        assert english not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_the_pdf_report_is_titled_with_the_unit_not_the_file(cli: Cli, tmp_path: Path) -> None:
    pdf = tmp_path / "etude.pdf"
    code, _, err = cli("calc", "sterilisation", str(EXAMPLE), "--pdf", str(pdf))
    assert code == 0, err
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    head = text.splitlines()[:4]
    assert "Stérilisation centrale" in head
    assert not any("sterilisation-2026.json" in line for line in head)


def test_a_workbook_without_a_study_sheet_says_which_sheet_is_missing(
    cli: Cli, tmp_path: Path
) -> None:
    template = tmp_path / "modele.xlsx"
    cli("calc", "sterilisation", "--template", str(template))
    filled = tmp_path / "etude.xlsx"
    fill_template(template, filled)
    book = load_workbook(filled)
    del book["Personnel"]
    book["Activité"]["C3"] = "micro-ondes"
    book.save(filled)
    code, _, err = cli("calc", "sterilisation", str(filled), "--json")
    assert code == 2
    assert "etude.xlsx: no sheet 'Personnel'" in err
    assert "etude.xlsx (Activité), line 3, column C: 'micro-ondes' is not a process" in err
