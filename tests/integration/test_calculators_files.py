"""Calculator input files and `hospiperf calc …`, end to end: what is read, what is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import Cli, make_finess
from openpyxl import Workbook

from hospiperf_desktop.calculators.files import read_paat, read_purchases, read_scenarios
from hospiperf_desktop.calculators.logistics import compute
from hospiperf_desktop.calculators.outputs import write_logistics_workbook
from hospiperf_desktop.errors import FileImportError

EXAMPLES = Path(__file__).parents[2] / "resources" / "examples"
FINESS = make_finess(21)


def _issues(path: Path, reader) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(FileImportError) as caught:
        reader(path)
    return [str(issue) for issue in caught.value.issues]


def test_a_paat_workbook_with_the_usual_french_headings(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["PAAT 2025 — GHT fictif"])
    sheet.append(["Famille", "Domaine", "Catégorie", "Montant de référence annuel (€ TTC)",
                  "Type d'effet budgétaire", "Montant Gain"])  # fmt: skip
    sheet.append(["MEDICAMENTS", "ANTIBIOTIQUES", "", 100000, "Effet prix induit", 5300])
    sheet.append(["MEDICAMENTS", "ANTINEOPLASIQUES", "", "49 747", "Effet prix induit", "165 381"])
    path = tmp_path / "paat.xlsx"
    book.save(path)
    lines = read_paat(path)
    assert [(line.line, line.montant_reference, line.montant_gain) for line in lines] == [
        (3, 100000, 5300),
        (4, 49747, 165381),
    ]


def test_a_bad_paat_sheet_names_each_cell(tmp_path: Path) -> None:
    path = tmp_path / "paat.csv"
    path.write_text(
        "famille;domaine;categorie;montant_reference;type_effet;montant_gain\n"
        "MEDICAMENTS;X;;cent mille;Effet prix induit;10\n"
        "MEDICAMENTS;X;;1000;Effet prix induit;1 0 0 €€ ?\n",
        encoding="utf-8",
    )
    assert _issues(path, read_paat) == [
        "paat.csv, line 2, column D (montant_reference): 'cent mille' is not a number",
        "paat.csv, line 3, column F (montant_gain): '1 0 0 €€ ?' is not a number",
    ]
    path.write_text("famille;montant\nA;1\n", encoding="utf-8")
    assert "missing column(s): montant_reference, montant_gain" in _issues(path, read_paat)[0]
    path.write_text("famille;domaine;categorie;montant_reference;type_effet;montant_gain\n")
    assert "no PAAT line" in _issues(path, read_paat)[0]


def test_purchases_for_the_carbon_estimate(tmp_path: Path) -> None:
    path = tmp_path / "achats.csv"
    path.write_text(
        "famille;montant;facteur;source;annee;incertitude\n"
        "Médicaments;1 000 000;0,4;Facteur local;2024;30 %\n"
        "dispositifs_medicaux;500 000;;;;\n",
        encoding="utf-8",
    )
    purchases, overrides = read_purchases(path)
    assert [(p.family, p.amount) for p in purchases] == [
        ("medicaments", 1_000_000),
        ("dispositifs_medicaux", 500_000),
    ]
    factor = overrides["medicaments"]
    assert (factor.kg_per_eur, factor.source, factor.year, factor.uncertainty) == (
        0.4,
        "Facteur local",
        2024,
        0.3,
    )
    path.write_text(
        "famille;montant;facteur;source\npétrole;10;;\nmedicaments;-5;;\nsolutes;10;0,2;\n",
        encoding="utf-8",
    )
    issues = _issues(path, read_purchases)
    assert issues[0].startswith("achats.csv, line 2, column A (famille): unknown family 'pétrole'")
    assert issues[1] == "achats.csv, line 3, column B (montant): -5 is negative"
    assert issues[2] == (
        "achats.csv, line 4, column C (facteur): a factor needs its source (column source)"
    )


def test_logistics_json_errors_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "ght.json"
    path.write_text('{"scenarios": [\n  {"name": "A",}\n]}', encoding="utf-8")
    (issue,) = _issues(path, read_scenarios)
    assert issue.startswith("ght.json, line 2, column 16: invalid JSON")
    path.write_text(
        json.dumps(
            {
                "scenarios": [
                    {
                        "name": "A",
                        "kind": "one",
                        "ght_class": 7,
                        "sites": [{"name": "CH", "support": True, "central_stock": "beaucoup"}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    issues = _issues(path, read_scenarios)
    assert (
        "ght.json, column scenarios[1].sites[1].central_stock: 'beaucoup' is not a number" in issues
    )
    assert (
        "ght.json, column scenarios[1].kind: must be single_platform or several_platforms" in issues
    )
    assert "ght.json, column scenarios[1].ght_class: must be 1, 2, 3 or 4" in issues


def test_the_logistics_workbook_reads_back_as_the_same_scenarios(tmp_path: Path) -> None:
    scenarios = read_scenarios(EXAMPLES / "logistique-ght.json")
    out = tmp_path / "ght.xlsx"
    write_logistics_workbook(scenarios, [compute(s) for s in scenarios], out)
    again = read_scenarios(out)
    assert again == scenarios


@pytest.fixture
def ready(cli: Cli) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH support",
                       "--kind", "ch")  # fmt: skip
    assert code == 0, err


def test_calc_purchasing_as_json_with_the_annotated_sheet(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "annotee.xlsx"
    code, text, err = cli("calc", "purchasing", str(EXAMPLES / "paat-2025.csv"), "--json",
                          "--xlsx", str(out))  # fmt: skip
    assert code == 0, err
    data = json.loads(text)
    statuses = [(line["line"], line["status"]) for line in data["lines"]]
    assert statuses[:3] == [(2, "accepted"), (3, "rejected"), (4, "accepted")]
    assert data["lines"][1]["reason"] == "Performance supérieure ou égale à 100 % - Calcul erroné"
    assert all(line["reason"] for line in data["lines"])
    assert data["gain"] == pytest.approx(62_500 + 24_600 + 21_500)
    from openpyxl import load_workbook

    sheet = load_workbook(out)["PAAT annoté"]
    assert [c.value for c in sheet[1]][-2:] == ["statut", "commentaire"]
    assert sheet.cell(3, 9).value == "Rejetée"


def test_calc_logistics_carbon_and_coordinated(cli: Cli, tmp_path: Path) -> None:
    code, text, err = cli("calc", "logistics", str(EXAMPLES / "logistique-ght.json"), "--json")
    assert code == 0, err
    first = json.loads(text)["scenarios"][0]
    assert first["net_annual_gains"] == pytest.approx(784_700)
    assert first["roi_years"] == pytest.approx(1_800_000 / 784_700)
    assert first["nursing_fte"] == 11
    code, text, err = cli("calc", "carbon", str(EXAMPLES / "achats-carbone.csv"), "--json")
    assert code == 0, err
    carbon = json.loads(text)
    assert carbon["tonnes"] == 0 and carbon["unestimated_amount"] == 28_700_000
    code, text, err = cli("calc", "coordinated", "--structure", "cpts",
                          "--patients-correspondant", "100", "--protocol-patients", "4",
                          "--teleconsultations", "150", "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(text)
    assert [m["amount"] for m in result["missions"]] == [200, 50, 750, 0]
    assert result["total"] == 1000


def test_a_saved_scenario_and_a_refused_file_that_saves_nothing(
    cli: Cli, ready: None, tmp_path: Path
) -> None:
    code, text, err = cli("calc", "coordinated", "--structure", "MSP",
                          "--patients-correspondant", "120", "--save", "MSP 2026",
                          "--establishment", FINESS, "--json")  # fmt: skip
    assert code == 0, err
    saved_id = json.loads(text)["saved_scenario_id"]
    code, text, err = cli("calc", "coordinated", "--structure", "MSP", "--save", "MSP 2026",
                          "--establishment", FINESS)  # fmt: skip
    assert code == 2 and "exists" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("famille;montant\nmedicaments;beaucoup\n", encoding="utf-8")
    code, _, err = cli("calc", "carbon", str(bad), "--save", "X", "--establishment", FINESS)
    assert code == 2 and "bad.csv, line 2, column B (montant)" in err
    code, text, _ = cli("calc", "scenarios", "--json")
    assert [row["id"] for row in json.loads(text)] == [saved_id], "the refused file saved nothing"
    code, text, _ = cli("calc", "scenario-show", str(saved_id))
    shown = json.loads(text)
    assert shown["inputs"]["input"]["correspondant_patients"] == 120
    assert shown["result"]["total"] == 220
    code, _, err = cli("establishment", "delete", FINESS, "--yes")
    assert code == 2 and "calculator scenario" in err
    assert cli("calc", "scenario-delete", str(saved_id))[0] == 0
    assert cli("establishment", "delete", FINESS, "--yes")[0] == 0


def test_the_carbon_workbook_reads_back_as_the_same_purchases(tmp_path: Path) -> None:
    from hospiperf_desktop.calculators.carbon import estimate
    from hospiperf_desktop.calculators.outputs import write_carbon_workbook

    source = tmp_path / "achats.csv"
    source.write_text(
        "famille;montant;facteur;source;annee;incertitude\n"
        "medicaments;1 000 000;0,4;Facteur local;2024;30 %\n"
        "solutes;250 000;;;;\n",
        encoding="utf-8",
    )
    purchases, overrides = read_purchases(source)
    out = tmp_path / "carbone.xlsx"
    write_carbon_workbook(estimate(purchases, overrides), out)
    assert read_purchases(out) == (purchases, overrides)
