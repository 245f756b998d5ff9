"""The installed-questionnaire store: kept in the database, never replaced, retired not deleted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import make_input, raw_rows

from hospiperf_desktop.diagnostics.loader import TemplateError, TemplateLibrary
from hospiperf_desktop.errors import ConflictError, NotFoundError
from hospiperf_desktop.services import Services, open_services

FIXTURES = Path(__file__).parent.parent / "fixtures"


def questionnaire(
    version: str = "1.0", template_id: str = "audit-armoires", text: str = ""
) -> bytes:
    """A small valid questionnaire file (one theme of five items)."""
    items = [
        {
            "id": f"A.{n:02d}",
            "text": text if (text and n == 1) else f"L'armoire {n} est rangée selon la procédure.",
            "actions": [
                {
                    "text": "Ranger l'armoire",
                    "interest": "fort",
                    "difficulty": "faible",
                    "delay": "court",
                    "indicator": "Armoires conformes",
                }
            ],
        }
        for n in range(1, 6)
    ]
    data = {
        "format": 1,
        "id": template_id,
        "version": version,
        "title": "Audit des armoires de service",
        "family": "audit",
        "target": "care_unit",
        "description": "Audit des armoires à pharmacie des unités de soins.",
        "volets": [
            {
                "id": "V1",
                "label": "Armoires",
                "axes": [
                    {
                        "id": "A",
                        "label": "Rangement",
                        "themes": [{"id": "A1", "label": "Rangement", "items": items}],
                    }
                ],
            }
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def test_an_installed_questionnaire_is_kept_in_the_database_and_offered_after_reopening(
    diag_services: Services, db_file: Path, tmp_path: Path
) -> None:
    content = questionnaire()
    template = diag_services.questionnaires.install(content, "workbook", "armoires.xlsx")
    assert template.key == "audit-armoires@1.0"
    rows = raw_rows(
        db_file,
        "SELECT template_id, version, content, origin_kind, origin_source,"
        " retired FROM installed_questionnaires",
    )
    assert rows == [("audit-armoires", "1.0", content, "workbook", "armoires.xlsx", 0)]
    diag_services.close()
    reopened = open_services(db_file, TemplateLibrary(tmp_path / "library"))
    try:
        offered = {t.key for t in reopened.diagnostics.templates()}
        assert offered == {"audit-armoires@1.0", "test-mini@1.0"}
        establishment = reopened.establishments.add(make_input(1))
        diag = reopened.diagnostics.create("audit-armoires", establishment.id)
        assert reopened.diagnostics.template_for(diag.id).sha256 == template.sha256
    finally:
        reopened.close()


def test_the_same_bytes_twice_change_nothing_and_other_bytes_for_a_version_are_refused(
    diag_services: Services, db_file: Path
) -> None:
    library = diag_services.questionnaires
    library.install(questionnaire(), "workbook", "a.xlsx")
    library.install(questionnaire(), "workbook", "a-again.xlsx")
    with pytest.raises(ConflictError) as refused:
        library.install(questionnaire(text="Autre texte pour la même version."), "workbook", "b")
    assert refused.value.reason == "questionnaire_version_exists"
    rows = raw_rows(db_file, "SELECT origin_source FROM installed_questionnaires")
    assert rows == [("a.xlsx",)]


def test_a_new_version_must_go_up_and_becomes_the_one_offered(diag_services: Services) -> None:
    library = diag_services.questionnaires
    library.install(questionnaire("1.2"), "workbook", "a.xlsx")
    with pytest.raises(ConflictError) as refused:
        library.install(questionnaire("1.1"), "workbook", "older.xlsx")
    assert refused.value.reason == "questionnaire_version_not_higher"
    library.install(questionnaire("1.10", text="Texte reformulé de la question."), "package", "u")
    assert diag_services.diagnostics.template("audit-armoires").version == "1.10"
    entry = next(e for e in library.list() if e.template_id == "audit-armoires")
    assert [(v.version, v.origin_kind, v.offered) for v in entry.versions] == [
        ("1.2", "workbook", False),
        ("1.10", "package", True),
    ]


def test_the_id_of_a_shipped_questionnaire_is_refused(diag_services: Services) -> None:
    with pytest.raises(ConflictError) as refused:
        diag_services.questionnaires.install(
            questionnaire("9.0", "test-mini"), "workbook", "copie.xlsx"
        )
    assert refused.value.reason == "questionnaire_shipped_id"
    assert [e.template_id for e in diag_services.questionnaires.list() if not e.shipped] == []


def test_an_invalid_file_is_refused_with_the_loader_issues(diag_services: Services) -> None:
    with pytest.raises(TemplateError):
        diag_services.questionnaires.install(b'{"format": 1}', "workbook", "vide.xlsx")
    assert diag_services.questionnaires.list()[0].template_id == "test-mini"


def test_retiring_hides_a_version_and_removing_one_in_use_is_refused(
    diag_services: Services, db_file: Path
) -> None:
    library = diag_services.questionnaires
    library.install(questionnaire("1.0"), "workbook", "a.xlsx")
    establishment = diag_services.establishments.add(make_input(1))
    diag = diag_services.diagnostics.create("audit-armoires", establishment.id).id
    library.install(questionnaire("1.1", text="Nouvelle question."), "workbook", "b.xlsx")
    library.retire("audit-armoires", "1.1")
    assert diag_services.diagnostics.template("audit-armoires").version == "1.0"
    library.retire("audit-armoires", "1.0")
    assert "audit-armoires" not in {t.id for t in diag_services.diagnostics.templates()}
    with pytest.raises(NotFoundError):
        diag_services.diagnostics.template("audit-armoires")
    with pytest.raises(ConflictError) as refused:
        library.remove("audit-armoires", "1.0")
    assert refused.value.reason == "questionnaire_in_use"
    library.remove("audit-armoires", "1.1")  # no diagnostic uses it
    entry = next(e for e in library.list() if e.template_id == "audit-armoires")
    assert [(v.version, v.retired, v.diagnostics) for v in entry.versions] == [("1.0", True, 1)]
    assert diag_services.diagnostics.get(diag).template.version == "1.0"
    actions = raw_rows(db_file, "SELECT action FROM audit_entries WHERE entity='questionnaire'")
    assert [a for (a,) in actions] == ["install", "install", "retire", "retire", "remove"]


def test_shipped_questionnaires_are_listed_with_their_use_and_cannot_be_retired(
    diag_services: Services,
) -> None:
    establishment = diag_services.establishments.add(make_input(1))
    diag_services.diagnostics.create("test-mini", establishment.id)
    entry = diag_services.questionnaires.list()[0]
    assert (entry.template_id, entry.shipped, entry.diagnostics) == ("test-mini", True, 1)
    assert entry.latest.origin_kind == "shipped" and entry.latest.offered
    with pytest.raises(ConflictError):
        diag_services.questionnaires.retire("test-mini", "1.0")


def test_any_version_can_be_read_back_for_export(diag_services: Services) -> None:
    library = diag_services.questionnaires
    library.install(questionnaire("1.0"), "workbook", "a.xlsx")
    library.install(questionnaire("1.1", text="Nouvelle question."), "workbook", "b.xlsx")
    assert library.version_source("audit-armoires", "1.0") == questionnaire("1.0")
    assert library.version_template("audit-armoires").version == "1.1"
    assert (
        library.version_source("test-mini")
        == (FIXTURES / "questionnaires/test-mini.json").read_bytes()
    )
    with pytest.raises(NotFoundError):
        library.version_source("audit-armoires", "3.0")
