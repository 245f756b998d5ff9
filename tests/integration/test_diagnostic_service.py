"""Diagnostics on a real database: answers saved one by one, locking, reopening, snapshots,
imports all or nothing, evidence, plans and comparisons."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration_support import make_input, raw_rows

from hospiperf_desktop.diagnostics.loader import TemplateLibrary
from hospiperf_desktop.diagnostics.planning import ActionStatus, Priority
from hospiperf_desktop.diagnostics.records import AnswerRow, PlanEntryChange
from hospiperf_desktop.diagnostics.sheets import write_workbook
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.errors import ConflictError, FileImportError, ValidationError
from hospiperf_desktop.services import Services, open_services

FIXTURES = Path(__file__).parent.parent / "fixtures"
Y, M, P, N, NA = (
    AnswerCode.YES,
    AnswerCode.MOSTLY,
    AnswerCode.PARTLY,
    AnswerCode.NO,
    AnswerCode.NA,
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(FIXTURES / "questionnaires", folder)
    return folder


@pytest.fixture
def diag_services(db_file: Path, library: Path) -> Iterator[Services]:
    opened = open_services(db_file, TemplateLibrary(library))
    try:
        yield opened
    finally:
        opened.close()


def _new(services: Services, serial: int = 1) -> int:
    establishment = services.establishments.add(make_input(serial))
    return services.diagnostics.create("test-mini", establishment.id, "Campagne 2026").id


def test_each_answer_is_committed_as_soon_as_it_is_given(
    diag_services: Services, db_file: Path
) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.01", Y, "Procédure vue")
    rows = raw_rows(db_file, "SELECT item_id, code, comment FROM diagnostic_answers")
    assert rows == [("A.01", "yes", "Procédure vue")]
    summary = diag_services.diagnostics.get(diag).summary
    assert summary.completion == 5 and summary.score == 100


def test_an_answer_outside_the_item_scale_or_an_unknown_item_is_refused(
    diag_services: Services,
) -> None:
    diag = _new(diag_services)
    with pytest.raises(ValidationError, match=r"B\.01 accepts yes, no, na"):
        diag_services.diagnostics.answer(diag, "B.01", M)
    with pytest.raises(ValidationError, match=r"B\.02 accepts yes, mostly, partly, no$"):
        diag_services.diagnostics.answer(diag, "B.02", NA)
    with pytest.raises(ValidationError, match=r"'Z\.99' is not an item"):
        diag_services.diagnostics.answer(diag, "Z.99", Y)
    assert diag_services.diagnostics.get(diag).answers == {}


def test_validation_locks_answers_and_proposes_the_plan(diag_services: Services) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "C.03", N)
    diag_services.diagnostics.answer(diag, "B.02", P)
    diag_services.diagnostics.validate(diag)
    with pytest.raises(ConflictError, match="validated and locked"):
        diag_services.diagnostics.answer(diag, "A.01", Y)
    plan = diag_services.plans.plan(diag)
    assert [(e.item_id, e.priority) for e in plan] == [
        ("C.03", Priority.HIGH),
        ("B.02", Priority.MEDIUM),
        ("B.02", Priority.LOW),
    ]
    assert plan[0].critical and plan[1].owner == "Pharmacien"


def test_reopening_needs_a_reason_and_is_audited(diag_services: Services) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.02", Y)
    diag_services.diagnostics.validate(diag)
    with pytest.raises(ValidationError):
        diag_services.diagnostics.reopen(diag, "  ")
    diag_services.diagnostics.reopen(diag, "Erreur sur l'item A.01")
    diag_services.diagnostics.answer(diag, "A.01", Y)
    actions = [(e.action, e.entity) for e in diag_services.audit.recent(4)]
    assert actions[:3] == [
        ("answer", "diagnostic"),
        ("reopen", "diagnostic"),
        ("validate", "diagnostic"),
    ]
    reopen_entry = diag_services.audit.recent(2)[1]
    assert reopen_entry.after is not None
    assert reopen_entry.after["reason"] == "Erreur sur l'item A.01"
    assert diag_services.audit.verify().ok


def test_plan_stays_editable_after_validation_and_priority_can_be_overridden(
    diag_services: Services,
) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.03", N)
    diag_services.diagnostics.validate(diag)
    entry = diag_services.plans.plan(diag)[0]
    change = PlanEntryChange("Mme Martin", None, ActionStatus.IN_PROGRESS, Priority.LOW)
    updated = diag_services.plans.update(entry.id, change)
    assert updated.priority is Priority.LOW and updated.priority_overridden
    assert updated.computed_priority is Priority.HIGH
    back = diag_services.plans.update(
        entry.id, PlanEntryChange("Mme Martin", None, ActionStatus.DONE, None)
    )
    assert back.priority is Priority.HIGH and not back.priority_overridden


def test_a_new_template_version_never_changes_an_old_diagnostic(
    diag_services: Services, db_file: Path, library: Path
) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "B.01", Y)
    shutil.copy(FIXTURES / "questionnaires-v2" / "test-mini.json", library / "test-mini.json")
    reopened = open_services(db_file, TemplateLibrary(library))
    try:
        old = reopened.diagnostics.get(diag)
        assert old.template.version == "1.0"
        assert old.template.item("B.01").text == "Question B.01 ?"
        new = reopened.diagnostics.create("test-mini", old.summary.establishment_id)
        assert reopened.diagnostics.get(new.id).template.version == "1.1"
    finally:
        reopened.close()
    assert len(raw_rows(db_file, "SELECT id FROM template_snapshots")) == 2


def test_import_is_all_or_nothing_and_names_each_bad_line(
    diag_services: Services, tmp_path: Path
) -> None:
    diag = _new(diag_services)
    sheet = tmp_path / "réponses.csv"
    sheet.write_text(
        "item_id;answer;comment\nA.01;Oui;ok\nA.02;peut-être;\nZ.01;no;\nB.02;na;\n",
        encoding="cp1252",
    )
    with pytest.raises(FileImportError) as caught:
        diag_services.diagnostics.import_answer_file(diag, sheet)
    # Unreadable cells and rows the questionnaire refuses are reported together, by line.
    assert [str(i) for i in caught.value.issues] == [
        "réponses.csv, line 3, column B (answer): unknown answer 'peut-être';"
        " expected yes, mostly, partly, no or na",
        "réponses.csv, line 4, column item_id: unknown item 'Z.01'",
        "réponses.csv, line 5, column answer: B.02 accepts only yes, mostly, partly, no",
    ]
    assert diag_services.diagnostics.get(diag).answers == {}


def test_import_applies_codes_labels_and_comments(diag_services: Services) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.02", P)
    rows = [
        AnswerRow("A.01", Y, "vu", 2),
        AnswerRow("A.02", None, "commentaire seul", 3),
        AnswerRow("C.01", NA, None, 4),
    ]
    assert diag_services.diagnostics.import_answers(diag, rows, "sheet.csv") == 3
    answers = diag_services.diagnostics.get(diag).answers
    assert answers["A.02"].code is P and answers["A.02"].comment == "commentaire seul"
    assert answers["C.01"].code is NA


def test_excel_export_reimports_to_the_same_answers(
    diag_services: Services, tmp_path: Path
) -> None:
    first = _new(diag_services)
    for item, code in {"A.01": Y, "B.01": N, "C.02": M, "C.07": NA}.items():
        diag_services.diagnostics.answer(first, item, code, f"note {item}")
    detail = diag_services.diagnostics.get(first)
    out = tmp_path / "diag.xlsx"
    write_workbook(detail, diag_services.diagnostics.score(first), [], out)
    second = diag_services.diagnostics.create("test-mini", detail.summary.establishment_id).id
    diag_services.diagnostics.import_answer_file(second, out)
    again = diag_services.diagnostics.get(second)
    assert again.codes() == detail.codes()
    assert again.answers["C.02"].comment == "note C.02"


def test_evidence_is_stored_with_its_sha256(diag_services: Services, tmp_path: Path) -> None:
    diag = _new(diag_services)
    proof = tmp_path / "procédure.pdf"
    proof.write_bytes(b"%PDF-1.4 fake procedure")
    record = diag_services.diagnostics.add_evidence(diag, "A.01", proof)
    assert record.sha256 == hashlib.sha256(proof.read_bytes()).hexdigest()
    stored, content = diag_services.diagnostics.evidence_content(record.id)
    assert content == proof.read_bytes() and stored.filename == "procédure.pdf"


def test_two_campaigns_compare_per_axis(diag_services: Services) -> None:
    first = _new(diag_services)
    establishment = diag_services.diagnostics.get(first).summary.establishment_id
    second = diag_services.diagnostics.create("test-mini", establishment).id
    diag_services.diagnostics.answer(first, "C.01", Y)
    diag_services.diagnostics.answer(second, "C.01", N)
    comparison = diag_services.diagnostics.compare(first, second)
    assert next(a for a in comparison.axes if a.id == "C").delta == -100
    assert [c.item_id for c in comparison.worse] == ["C.01"]


def test_establishments_compare_on_their_latest_diagnostic(diag_services: Services) -> None:
    first, other = _new(diag_services, 1), _new(diag_services, 2)
    diag_services.diagnostics.answer(first, "A.01", Y)
    diag_services.diagnostics.answer(other, "A.01", N)
    peers = diag_services.diagnostics.compare_establishments("test-mini")
    assert [(r.finess[-3:], r.axes["A"]) for r in peers.rows] == [
        (diag_services.diagnostics.get(first).summary.establishment_finess[-3:], 100),
        (diag_services.diagnostics.get(other).summary.establishment_finess[-3:], 0),
    ]


def test_an_establishment_with_diagnostics_cannot_be_deleted(diag_services: Services) -> None:
    diag = _new(diag_services)
    establishment_id = diag_services.diagnostics.get(diag).summary.establishment_id
    with pytest.raises(ConflictError, match="has 1 diagnostic") as caught:
        diag_services.establishments.delete(establishment_id)
    assert caught.value.reason == "establishment_in_use"
    assert diag_services.establishments.get(establishment_id)


def test_deleting_a_draft_removes_its_answers_evidence_and_plan(
    diag_services: Services, db_file: Path, tmp_path: Path
) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.01", N)
    proof = tmp_path / "preuve.txt"
    proof.write_text("vu", encoding="utf-8")
    diag_services.diagnostics.add_evidence(diag, "A.01", proof)
    assert diag_services.plans.propose(diag) == 1
    diag_services.diagnostics.delete(diag)
    for table in ("diagnostics", "diagnostic_answers", "evidence_files", "plan_actions"):
        assert raw_rows(db_file, f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    assert diag_services.audit.verify().ok


def test_a_diagnostic_with_nothing_answered_cannot_be_validated(diag_services: Services) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.01", None, "un commentaire seul")
    with pytest.raises(ValidationError, match="answer at least one item"):
        diag_services.diagnostics.validate(diag)
    assert not diag_services.diagnostics.get(diag).summary.locked


def test_a_proposed_action_removed_is_abandoned_and_never_proposed_again(
    diag_services: Services,
) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "C.03", N)
    diag_services.diagnostics.validate(diag)
    [proposed] = diag_services.plans.plan(diag)
    assert diag_services.plans.delete(proposed.id) is False
    diag_services.diagnostics.reopen(diag, "compléter")
    diag_services.diagnostics.validate(diag)
    [kept] = diag_services.plans.plan(diag)
    assert (kept.id, kept.status) == (proposed.id, ActionStatus.ABANDONED)
    own = diag_services.plans.add(diag, "A.01", "Action de l'équipe")
    assert diag_services.plans.delete(own.id) is True
    assert [e.id for e in diag_services.plans.plan(diag)] == [proposed.id]


def test_reimporting_unchanged_answers_changes_nothing_and_the_audit_lists_changes(
    diag_services: Services,
) -> None:
    diag = _new(diag_services)
    diag_services.diagnostics.answer(diag, "A.01", Y, "vu")
    before = diag_services.diagnostics.get(diag).answers["A.01"]
    rows = [AnswerRow("A.01", Y, "vu", 2), AnswerRow("A.02", N, None, 3)]
    assert diag_services.diagnostics.import_answers(diag, rows, "sheet.csv") == 1
    assert diag_services.diagnostics.get(diag).answers["A.01"] == before
    entry = diag_services.audit.recent(1)[0]
    assert entry.action == "import_answers"
    assert entry.after == {
        "file": "sheet.csv",
        "changes": [{"item": "A.02", "before": None, "after": "no", "comment": ""}],
    }


def test_listed_scores_follow_every_answer_change_despite_the_score_cache(
    diag_services: Services, db_file: Path, library: Path
) -> None:
    diagnostics = diag_services.diagnostics
    diag = _new(diag_services)
    assert [s.completion for s in diagnostics.list()] == [0.0]
    diagnostics.answer(diag, "A.01", Y)
    listed = diagnostics.list()[0]
    fresh = diagnostics.get(diag).summary
    assert (listed.completion, listed.score) == (fresh.completion, fresh.score)
    assert listed.completion > 0
    diagnostics.answer(diag, "A.01", N)  # same item, same completion, another score
    assert diagnostics.list()[0].score == diagnostics.get(diag).summary.score != listed.score
    count = diagnostics.import_answers(diag, [AnswerRow("A.02", Y, None, 2)], "r.csv")
    assert count == 1
    assert diagnostics.list()[0].completion == diagnostics.get(diag).summary.completion
    # A change made by another process (its own cache) is seen by this one's next listing.
    other = open_services(db_file, TemplateLibrary(library))
    try:
        other.diagnostics.answer(diag, "A.02", None)
        assert diagnostics.list()[0] == other.diagnostics.get(diag).summary
    finally:
        other.close()
