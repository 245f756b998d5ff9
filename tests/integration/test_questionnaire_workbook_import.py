"""Workbooks checked against the library, installed, answered, and compared across versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from integration_support import make_input, raw_rows
from openpyxl import load_workbook

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.diagnostics.workbook import WorkbookError
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.safe_cells import save_workbook
from hospiperf_desktop.services import Services

MODEL = resource_path("examples") / "modele-questionnaire.xlsx"


def _hand_written(path: Path, version: str, *, reword: bool = False, add: bool = False) -> Path:
    """A questionnaire typed into the shipped template (not exported): its rows replaced."""
    wb = load_workbook(MODEL)
    info, items, actions = wb["Questionnaire"], wb["Items"], wb["Actions"]
    info["B2"], info["B3"] = "audit-chariots", version
    info["B4"] = "Audit des chariots d'urgence"
    items.delete_rows(2, items.max_row)
    actions.delete_rows(2, actions.max_row)
    count = 6 if add else 5
    for n in range(1, count + 1):
        text = f"Le chariot {n} est scellé et sa liste de contrôle est signée."
        if reword and n == 1:
            text = "Le chariot est scellé par un scellé numéroté, noté dans le registre."
        items.append(
            [
                *("V1", "Chariots", "A", "Contrôle", "A1", "Scellés et contrôles"),
                *(f"A.{n:02d}", text, "", 1, "oui" if n == 2 else "non", "graduée", "oui"),
            ]
        )
        actions.append(
            [
                *(f"A.{n:02d}", "Former les équipes au contrôle du chariot", "fort", "faible"),
                *("court", "Chariots contrôlés chaque mois", "Cadre"),
            ]
        )
    save_workbook(wb, path)
    return path


def test_a_workbook_with_ten_mistakes_gets_ten_messages_and_installs_nothing(
    diag_services: Services, tmp_path: Path, db_file: Path
) -> None:
    library = diag_services.questionnaires
    library.install_workbook(_hand_written(tmp_path / "v2.xlsx", "2.0"))
    wb = load_workbook(_hand_written(tmp_path / "bad.xlsx", "1.5"))  # 1: version not higher
    info, items, actions = wb["Questionnaire"], wb["Items"], wb["Actions"]
    info["B6"] = "Hôpital de jour"  # 2: unknown target
    items["J3"] = 0  # 3: weight of 0
    items["L4"] = "sur 10"  # 4: unknown scale
    items["K5"] = "peut-être"  # 5: not oui/non
    items.append(["V1", "Chariots", "A", "Contrôle", "A1", "Scellés et contrôles", "A.01", "Bis"])
    items.append(["V1", "Chariots", "A", "Contrôle", "A9", "Thème vide"])  # 7: no item
    actions.append(["Z.99", "Action orpheline", "fort", "faible", "court", "Indicateur"])  # 8
    actions["C2"] = "énorme"  # 9: unknown interest
    actions["F3"] = None  # 10: no indicator
    save_workbook(wb, tmp_path / "bad.xlsx")  # 6: the duplicate item A.01 above
    with pytest.raises(WorkbookError) as refused:
        library.install_workbook(tmp_path / "bad.xlsx")
    problems = refused.value.problems
    assert sorted((p.sheet, p.line or 0, (p.column or "")[:1]) for p in problems) == [
        ("Actions", 2, "C"),
        ("Actions", 3, "F"),
        ("Actions", 7, "A"),
        ("Items", 3, "J"),
        ("Items", 4, "L"),
        ("Items", 5, "K"),
        ("Items", 7, "G"),
        ("Items", 8, "E"),
        ("Questionnaire", 3, "B"),
        ("Questionnaire", 6, "B"),
    ]
    assert len(problems) == 10
    texts = "\n".join(str(p) for p in problems)
    for words in (
        "Hôpital de jour",
        "sur 10",
        "peut-être",
        "poids",
        "A.01 est déjà utilisé",
        "A9 n'a aucun item",
        "Z.99",
        "énorme",
        "indicateur",
        "pas au-dessus",
    ):
        assert words in texts
    rows = raw_rows(db_file, "SELECT version FROM installed_questionnaires")
    assert rows == [("2.0",)]


def test_the_id_of_a_shipped_questionnaire_is_reported_on_its_line(
    diag_services: Services, tmp_path: Path
) -> None:
    wb = load_workbook(_hand_written(tmp_path / "copy.xlsx", "1.0"))
    wb["Questionnaire"]["B2"] = "test-mini"
    save_workbook(wb, tmp_path / "copy.xlsx")
    with pytest.raises(WorkbookError) as refused:
        diag_services.questionnaires.check_workbook(tmp_path / "copy.xlsx")
    [problem] = refused.value.problems
    assert (problem.sheet, problem.line, problem.column) == ("Questionnaire", 2, "B (Valeur)")
    assert "livré avec l'application" in problem.message


def test_a_hand_written_questionnaire_is_answered_scored_planned_printed_and_compared(
    diag_services: Services, tmp_path: Path
) -> None:
    library, diagnostics = diag_services.questionnaires, diag_services.diagnostics
    first = library.install_workbook(_hand_written(tmp_path / "v1.xlsx", "1.0"))
    assert first.key == "audit-chariots@1.0"
    establishment = diag_services.establishments.add(make_input(1)).id
    before = diagnostics.create("audit-chariots", establishment, "Campagne 2026").id
    for item, code in zip(
        first.items,
        [AnswerCode.YES, AnswerCode.NO, AnswerCode.PARTLY, AnswerCode.YES, AnswerCode.NA],
        strict=True,
    ):
        diagnostics.answer(before, item.id, code)
    assert diagnostics.score(before).overall.score == pytest.approx(100 * (1 + 1 / 3 + 1) / 4)
    diagnostics.validate(before)
    plan = diag_services.plans.plan(before)
    assert {entry.item_id for entry in plan} == {"A.02", "A.03"}
    pdf = tmp_path / "audit.pdf"
    diag_services.reports.write(before, pdf=pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    second = library.install_workbook(
        _hand_written(tmp_path / "v11.xlsx", "1.1", reword=True, add=True)
    )
    assert diagnostics.template("audit-chariots").version == "1.1"
    after = diagnostics.create("audit-chariots", establishment, "Campagne 2027").id
    for item in second.items:
        diagnostics.answer(after, item.id, AnswerCode.YES)
    comparison = diagnostics.compare(before, after)
    assert (comparison.before_version, comparison.after_version) == ("1.0", "1.1")
    assert [e.item_id for e in comparison.added] == ["A.06"]
    assert [e.item_id for e in comparison.reworded] == ["A.01"]
    assert comparison.reworded[0].after_text.startswith("Le chariot est scellé par un scellé")
    assert comparison.removed == ()
    assert diagnostics.get(before).template.version == "1.0"  # pinned


def test_an_item_left_out_of_a_new_version_is_named_as_removed(
    diag_services: Services, tmp_path: Path
) -> None:
    library, diagnostics = diag_services.questionnaires, diag_services.diagnostics
    library.install_workbook(_hand_written(tmp_path / "v1.xlsx", "1.0", add=True))
    establishment = diag_services.establishments.add(make_input(1)).id
    before = diagnostics.create("audit-chariots", establishment, "Campagne 2026").id
    diagnostics.answer(before, "A.06", AnswerCode.NO)
    diagnostics.answer(before, "A.02", AnswerCode.YES)
    library.install_workbook(_hand_written(tmp_path / "v11.xlsx", "1.1", reword=True))
    after = diagnostics.create("audit-chariots", establishment, "Campagne 2027").id
    diagnostics.answer(after, "A.02", AnswerCode.NO)
    comparison = diagnostics.compare(before, after)
    assert [(e.item_id, e.after_text) for e in comparison.removed] == [
        ("A.06", ""),
    ]
    assert comparison.removed[0].before_text.startswith("Le chariot 6 est scellé")
    assert comparison.added == ()
    assert [e.item_id for e in comparison.reworded] == ["A.01"]
    # the removed item's answer counts in no change; the item both versions share does
    assert [c.item_id for c in comparison.worse] == ["A.02"]
