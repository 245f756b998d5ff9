"""`hospiperf diag …` end to end: a whole campaign from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from integration_support import Cli, audit_count, make_finess
from openpyxl import load_workbook

TEMPLATE = "conciliation-medicamenteuse"


@pytest.fixture
def diag(cli: Cli) -> tuple[str, list[dict[str, Any]]]:
    """A new diagnostic's id and its items, as `diag show --json` gives them."""
    finess = make_finess(7)
    assert (
        cli("establishment", "add", "--finess", finess, "--name", "CH Test", "--kind", "ch")[0] == 0
    )
    code, out, err = cli("diag", "new", "--template", TEMPLATE, "--establishment", finess)
    assert (code, err) == (0, "")
    diag_id = out.strip()
    code, out, _ = cli("diag", "show", diag_id, "--json")
    assert code == 0
    return diag_id, json.loads(out)["items"]


def _sheet(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "answers.csv"
    lines = ["item_id,answer,comment", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_templates_lists_the_library_as_json(cli: Cli) -> None:
    code, out, _ = cli("diag", "templates", "--json")
    templates = {t["id"]: t for t in json.loads(out)}
    assert code == 0 and len(templates) == 14
    # 1.1 since the issue 20 review (F.04 split into F.04 and F.07); 1.2 says who graded it.
    assert templates[TEMPLATE]["version"] == "1.2" and templates[TEMPLATE]["items"] >= 60


def test_show_gives_each_item_with_its_place_and_answer(
    diag: tuple[str, list[dict[str, Any]]],
) -> None:
    _diag_id, items = diag
    first = items[0]
    assert {"id", "text", "theme", "axis", "critical", "answer"} <= first.keys()
    assert first["answer"] is None
    assert any(item["critical"] for item in items)


def test_answers_from_a_sheet_give_the_hand_computed_score(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    diag_id, items = diag
    critical = next(item for item in items if item["critical"])
    na_item = next(i for i in items if "na" in i["answers_allowed"] and not i["critical"])
    rows = [(i["id"], "yes", "") for i in items if i["id"] not in (critical["id"], na_item["id"])]
    rows += [(critical["id"], "no", "pas de procédure"), (na_item["id"], "na", "")]
    code, out, err = cli("diag", "answer", diag_id, "--file", str(_sheet(tmp_path, rows)))
    assert (code, err) == (0, ""), err
    code, out, _ = cli("diag", "score", diag_id, "--json")
    result = json.loads(out)
    applicable = sum(i["weight"] for i in items if i["id"] != na_item["id"])
    expected = 100 * (applicable - critical["weight"]) / applicable
    assert result["overall"]["score"] == pytest.approx(expected, abs=0.01)
    assert result["overall"]["completion"] == 100
    assert result["critical_failures"] == [critical["id"]]
    axis = next(a for a in result["axes"] if a["id"] == critical["axis"])
    assert axis["score"] < 100
    assert all(
        a["score"] == 100
        for a in result["axes"]
        if a["id"] not in (critical["axis"], na_item["axis"])
    )


def test_score_is_null_where_nothing_applicable_was_answered(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]]
) -> None:
    diag_id, _items = diag
    result = json.loads(cli("diag", "score", diag_id, "--json")[1])
    assert result["overall"] == {**result["overall"], "score": None, "completion": 0}
    assert all(a["score"] is None for a in result["axes"])


def test_unknown_items_and_codes_are_refused_and_nothing_is_written(
    cli: Cli, db: Path, diag: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    diag_id, items = diag
    before = audit_count(db)
    sheet = _sheet(tmp_path, [(items[0]["id"], "yes", ""), ("Z.99", "yes", "")])
    code, _out, err = cli("diag", "answer", diag_id, "--file", str(sheet))
    assert code == 2 and "answers.csv, line 3, column item_id: unknown item 'Z.99'" in err
    sheet = _sheet(tmp_path, [(items[0]["id"], "perhaps", "")])
    code, _out, err = cli("diag", "answer", diag_id, "--file", str(sheet))
    assert code == 2 and "line 2, column B (answer): unknown answer 'perhaps'" in err
    assert audit_count(db) == before
    assert json.loads(cli("diag", "show", diag_id, "--json")[1])["items"][0]["answer"] is None


def test_a_validated_diagnostic_is_locked_until_reopened(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    diag_id, items = diag
    assert cli("diag", "set", diag_id, items[0]["id"], "no")[0] == 0
    code, out, _ = cli("diag", "validate", diag_id)
    assert code == 0 and "validated" in out
    code, _out, err = cli("diag", "set", diag_id, items[1]["id"], "yes")
    assert code == 2 and "locked" in err
    sheet = _sheet(tmp_path, [(items[1]["id"], "yes", "")])
    assert cli("diag", "answer", diag_id, "--file", str(sheet))[0] == 2
    assert cli("diag", "reopen", diag_id, "--reason", "erreur de saisie")[0] == 0
    assert cli("diag", "set", diag_id, items[1]["id"], "yes")[0] == 0


def test_plan_is_written_as_pdf_and_xlsx(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    diag_id, items = diag
    for item in items[:6]:
        assert cli("diag", "set", diag_id, item["id"], "no")[0] == 0
    assert cli("diag", "validate", diag_id)[0] == 0
    pdf, xlsx = tmp_path / "plan.pdf", tmp_path / "plan.xlsx"
    code, out, err = cli("diag", "plan", diag_id, "--pdf", str(pdf), "--xlsx", str(xlsx), "--json")
    assert code == 0 and err.splitlines() == [f"PDF written: {pdf}", f"Excel written: {xlsx}"]
    plan = json.loads(out)  # the "written" lines go to stderr with --json
    assert {entry["item_id"] for entry in plan} == {item["id"] for item in items[:6]}
    assert pdf.read_bytes().startswith(b"%PDF")
    workbook = load_workbook(xlsx, read_only=True)
    assert workbook.sheetnames == ["Réponses", "Scores", "Plan d'actions", "Diagnostic"]
    plan_rows = list(workbook["Plan d'actions"].iter_rows(values_only=True))
    assert len(plan_rows) == len(plan) + 1


def test_two_campaigns_compare_and_peers_are_listed(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]]
) -> None:
    first, items = diag
    finess = make_finess(7)
    second = cli("diag", "new", "--template", TEMPLATE, "--establishment", finess)[1].strip()
    cli("diag", "set", first, items[0]["id"], "yes")
    cli("diag", "set", second, items[0]["id"], "no")
    code, out, _ = cli("diag", "compare", first, second, "--json")
    result = json.loads(out)
    assert code == 0 and [c["item_id"] for c in result["worse"]] == [items[0]["id"]]
    axis = next(a for a in result["axes"] if a["id"] == items[0]["axis"])
    assert axis["delta"] == -100
    peers = json.loads(cli("diag", "peers", "--template", TEMPLATE, "--json")[1])
    assert [row["diagnostic_id"] for row in peers["rows"]] == [int(second)]


def test_plan_actions_are_added_followed_up_and_removed(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]]
) -> None:
    diag_id, items = diag
    code, out, err = cli(
        "diag", "plan-add", diag_id, "--item", items[0]["id"], "--text", "Former les internes",
        "--interest", "fort", "--difficulty", "faible", "--delay", "court",
    )  # fmt: skip
    assert (code, err) == (0, "")
    entry_id = out.strip()
    code, out, _ = cli(
        "diag", "plan-update", entry_id, "--owner", "Dr Roux", "--due", "31/03/2027",
        "--status", "in_progress", "--priority", "3", "--json",
    )  # fmt: skip
    entry = json.loads(out)
    assert code == 0
    assert (entry["owner"], entry["due_date"], entry["status"]) == (
        "Dr Roux",
        "2027-03-31",
        "in_progress",
    )
    assert (entry["priority"], entry["computed_priority"], entry["priority_overridden"]) == (
        3,
        1,
        True,
    )
    code, _out, err = cli("diag", "plan-update", entry_id, "--due", "31/13/2027")
    assert code == 2 and "is not a date like 31/12/2026" in err
    assert cli("diag", "plan-remove", entry_id)[0] == 0
    assert json.loads(cli("diag", "plan", diag_id, "--json")[1]) == []


def test_a_draft_is_deleted_only_when_confirmed(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]]
) -> None:
    diag_id, _items = diag
    code, _out, err = cli("diag", "delete", diag_id)
    assert code == 2 and "--yes" in err
    assert cli("diag", "delete", diag_id, "--yes")[0] == 0
    assert json.loads(cli("diag", "list", "--json")[1]) == []


def test_evidence_is_attached_saved_back_identical_and_removed(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    diag_id, items = diag
    proof = tmp_path / "audit.pdf"
    proof.write_bytes(b"%PDF-1.4 audit interne")
    code, out, _ = cli("diag", "evidence", diag_id, items[0]["id"], str(proof))
    assert code == 0 and "sha256" in out
    copy = tmp_path / "copie.pdf"
    assert cli("diag", "evidence-save", "1", "--out", str(copy))[0] == 0
    assert copy.read_bytes() == proof.read_bytes()
    assert cli("diag", "evidence-remove", "1")[0] == 0
    assert json.loads(cli("diag", "show", diag_id, "--json")[1])["items"][0]["evidence"] == []


def test_an_output_that_cannot_be_written_is_one_clear_line(
    cli: Cli, diag: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    diag_id, _items = diag
    for option in ("--pdf", "--xlsx"):
        target = tmp_path / "missing-folder" / f"plan{option.replace('--', '.')}"
        code, _out, err = cli("diag", "plan", diag_id, option, str(target))
        assert code == 2
        assert err.splitlines() == [
            f"hospiperf: error: {target}: cannot be written (No such file or directory)"
        ]
    assert not (tmp_path / "missing-folder").exists()


def test_templates_for_an_establishment_lists_what_suits_it_suggested_first(cli: Cli) -> None:
    mainland, overseas = make_finess(41), make_finess(42, "97")
    for finess, extra in ((mainland, []), (overseas, ["--overseas"])):
        args = ["--finess", finess, "--name", f"PUI {finess}", "--kind", "pui", *extra]
        assert cli("establishment", "add", *args)[0] == 0
    code, out, err = cli("diag", "templates", "--establishment", mainland, "--json")
    ids = [t["id"] for t in json.loads(out)]
    assert (code, err) == (0, "")
    assert ids[0] == "interdiag-medicaments-es" and "approvisionnement-outre-mer" not in ids
    code, out, _ = cli("diag", "templates", "--establishment", overseas)
    lines = out.splitlines()
    assert code == 0 and lines[1].startswith("approvisionnement-outre-mer ")
