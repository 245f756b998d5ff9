"""`hospiperf diag questionnaire export|check|list|retire` end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from integration_support import Cli
from openpyxl import load_workbook

from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.safe_cells import save_workbook

MODEL = resource_path("examples") / "modele-questionnaire.xlsx"
OWN = "audit-armoires-services"  # the id of the shipped commented template


def _library(cli: Cli) -> dict[str, dict[str, Any]]:
    code, out, err = cli("diag", "questionnaire", "list", "--json")
    assert (code, err) == (0, "")
    return {entry["id"]: entry for entry in json.loads(out)}


def _imported(cli: Cli, tmp_path: Path) -> None:
    workbook = tmp_path / "armoires.xlsx"
    shutil.copyfile(MODEL, workbook)
    code, _out, err = cli("diag", "questionnaire", "import", str(workbook))
    assert code == 0, err


def test_list_json_is_json_with_each_version_origin_and_state(cli: Cli, tmp_path: Path) -> None:
    _imported(cli, tmp_path)
    library = _library(cli)
    assert len(library) == 15 and sum(entry["shipped"] for entry in library.values()) == 14
    shipped = library["sterilisation"]["versions"][-1]
    assert (shipped["origin"], shipped["offered"], shipped["retired"]) == ("shipped", True, False)
    assert shipped["installed_at"] is None and shipped["items"] == 102
    [own] = library[OWN]["versions"]
    assert (own["version"], own["origin"], own["source"]) == ("1.0", "workbook", "armoires.xlsx")
    assert own["target"] == "care_unit" and own["items"] == 5 and own["offered"] is True
    assert own["installed_at"].startswith("20") and "T" in own["installed_at"]


def test_export_of_a_shipped_questionnaire_writes_its_workbook(cli: Cli, tmp_path: Path) -> None:
    workbook = tmp_path / "ster.xlsx"
    code, out, err = cli(
        "diag", "questionnaire", "export", "sterilisation", "--xlsx", str(workbook)
    )
    assert (code, err) == (0, "") and str(workbook) in out
    book = load_workbook(workbook, read_only=True)
    assert book["Questionnaire"]["B2"].value == "sterilisation"
    shipped = _library(cli)["sterilisation"]["versions"][-1]
    assert book["Questionnaire"]["B3"].value == shipped["version"]
    item_ids = [row[6] for row in book["Items"].iter_rows(min_row=2, values_only=True) if row[6]]
    assert len(item_ids) == 102


def test_export_of_an_unknown_questionnaire_exits_2_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    workbook = tmp_path / "rien.xlsx"
    code, _out, err = cli("diag", "questionnaire", "export", "inconnu", "--xlsx", str(workbook))
    assert code == 2 and "inconnu" in err and "Traceback" not in err
    assert not workbook.exists()


def test_check_of_a_bad_workbook_exits_2_naming_sheet_line_and_column(
    cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "mauvais.xlsx"
    book = load_workbook(MODEL)
    book["Items"]["J2"] = 0
    book["Actions"]["A3"] = "Z.99"
    save_workbook(book, bad)
    code, out, err = cli("diag", "questionnaire", "check", str(bad))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"hospiperf: error: {bad.name} : 3 problème(s), rien n'est installé"
    assert "  Items, ligne 2, colonne J (Poids) : le poids « 0 »" in err
    assert "  Actions, ligne 3, colonne A (Item) : l'item « Z.99 » n'existe pas" in err
    assert "  Items, ligne 3, colonne G (Identifiant) : l'item A.02 n'a aucune action" in err
    assert OWN not in _library(cli)


def test_check_of_the_template_finds_no_problem(cli: Cli) -> None:
    code, out, err = cli("diag", "questionnaire", "check", str(MODEL))
    assert (code, err) == (0, "")
    assert out.startswith("modele-questionnaire.xlsx : aucun problème")


def test_retire_hides_a_version_from_new_diagnostics_and_restore_offers_it_again(
    cli: Cli, tmp_path: Path
) -> None:
    _imported(cli, tmp_path)
    code, out, err = cli("diag", "questionnaire", "retire", OWN, "1.0")
    assert (code, err) == (0, "") and f"{OWN}@1.0" in out
    [version] = _library(cli)[OWN]["versions"]
    assert version["retired"] is True and version["offered"] is False
    offered = {t["id"] for t in json.loads(cli("diag", "templates", "--json")[1])}
    assert OWN not in offered

    assert cli("diag", "questionnaire", "retire", OWN, "1.0", "--restore")[0] == 0
    [version] = _library(cli)[OWN]["versions"]
    assert version["retired"] is False and version["offered"] is True
    assert OWN in {t["id"] for t in json.loads(cli("diag", "templates", "--json")[1])}


def test_retiring_a_shipped_questionnaire_is_refused_with_exit_2(cli: Cli) -> None:
    code, out, err = cli("diag", "questionnaire", "retire", "sterilisation", "2.2")
    assert code == 2 and out == ""
    assert err.startswith("hospiperf: error: ") and "sterilisation" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert _library(cli)["sterilisation"]["versions"][-1]["offered"] is True
