"""The ES, EHPAD and outre-mer questionnaires reviewed by a hospital pharmacist (issue 20):
each new file loads, keeps every item id of its previous version (a split item keeps its id,
its second question has a new one), and a diagnostic made on the previous version keeps
showing and scoring with that version once the new file is shipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from integration_support import make_input

from hospiperf_desktop.diagnostics.loader import TemplateLibrary, load_template_file
from hospiperf_desktop.diagnostics.scoring import score
from hospiperf_desktop.diagnostics.template import AnswerCode, Template
from hospiperf_desktop.services import open_services

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "resources" / "questionnaires"
PREVIOUS = ROOT / "tests" / "fixtures" / "questionnaires-previous"

# old id -> ids of the questions split off it, per file
SPLITS: dict[str, dict[str, tuple[str, ...]]] = {
    "interdiag-medicaments-es": {
        "A.01": ("A.11",),
        "A.07": ("A.12",),
        "B.09": ("B.12",),
        "C.01": ("C.11",),
        "C.03": ("C.12",),
        "C.10": ("C.13",),
        "D.04": ("D.11",),
        "F.01": ("F.13",),
        "F.06": ("F.14",),
        "G.09": ("G.13",),
        "I.02": ("I.12",),
        "I.05": ("I.13",),
    },
    "interdiag-medicaments-ehpad-sans-pui": {
        "A.01": ("A.12",),
        "A.07": ("A.13",),
        "A.10": ("A.14",),
        "B.02": ("B.11",),
        "B.09": ("B.12",),
    },
    "interdiag-medicaments-ehpad-avec-pui": {"A.01": ("A.12",), "B.02": ("B.11",)},
    "approvisionnement-outre-mer": {
        "A.06": ("A.11",),
        "E.01": ("E.11",),
        "E.03": ("E.12",),
        "F.05": ("F.12",),
        "F.07": ("F.13",),
        "G.07": ("G.12",),
        "H.07": ("H.13",),
    },
}
# new items for topics the review found missing
ADDED: dict[str, tuple[str, ...]] = {
    "interdiag-medicaments-es": (
        "F.15",
        "F.16",
        "F.17",
        "G.14",
        "G.15",
        "G.16",
        "G.17",
        "H.13",
        "H.14",
    ),
    "interdiag-medicaments-ehpad-sans-pui": (
        "F.12",
        "F.13",
        "G.07",
        "G.08",
        "I.07",
        "I.08",
        "I.09",
    ),
    "interdiag-medicaments-ehpad-avec-pui": ("F.11", "F.12", "G.08", "G.09", "I.08", "I.09"),
    "approvisionnement-outre-mer": ("A.12", "D.11", "E.13", "F.14", "G.13", "G.14"),
}
REVIEWED = tuple(SPLITS)


def _ids(template: Template) -> set[str]:
    return {item.id for item in template.items}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


@pytest.mark.parametrize("name", REVIEWED)
def test_the_new_file_loads_with_a_higher_version_and_records_its_review(name: str) -> None:
    new = load_template_file(SHIPPED / f"{name}.json")
    old = load_template_file(PREVIOUS / f"{name}.json")
    assert _version(new.version) > _version(old.version)
    assert "note B avant" in new.structure_note or "note C avant" in new.structure_note
    assert "docs/questionnaire-review.md" in new.structure_note


@pytest.mark.parametrize("name", REVIEWED)
def test_every_previous_id_still_exists_and_each_new_id_is_a_split_or_an_added_topic(
    name: str,
) -> None:
    new = _ids(load_template_file(SHIPPED / f"{name}.json"))
    old = _ids(load_template_file(PREVIOUS / f"{name}.json"))
    assert old <= new
    split_off = {new_id for ids in SPLITS[name].values() for new_id in ids}
    assert set(SPLITS[name]) <= old
    assert new - old == split_off | set(ADDED[name])


@pytest.mark.parametrize(
    ("name", "item_id", "present", "absent"),
    [
        ("interdiag-medicaments-ehpad-sans-pui", "A.03", "deux fois par an", "une fois par an"),
        ("interdiag-medicaments-es", "B.12", "DGOS", "ANSM"),
        ("interdiag-medicaments-es", "E.02", "dénomination commune", "dénomination, dosage"),
        ("interdiag-medicaments-es", "E.03", "relues à voix haute", "réécoutées"),
        ("interdiag-medicaments-es", "G.09", "absents", "à défaut"),
        (
            "interdiag-medicaments-es",
            "G.10",
            "registre comptable est tenu à la PUI",
            "avec un registre à jour",
        ),
        ("approvisionnement-outre-mer", "A.03", "plafond", "au-delà des 4 semaines"),
        ("approvisionnement-outre-mer", "D.08", "Guyane", "avant la saison cyclonique"),
        ("approvisionnement-outre-mer", "H.09", "stocks stratégiques de l’État", "ORSAN"),
        (
            "approvisionnement-outre-mer",
            "H.02",
            "DP-Ruptures",
            "Les informations de l’ANSM sur les ruptures",
        ),
    ],
)
def test_the_errors_found_by_the_review_are_corrected(
    name: str, item_id: str, present: str, absent: str
) -> None:
    item = next(i for i in load_template_file(SHIPPED / f"{name}.json").items if i.id == item_id)
    assert present in item.text
    assert absent not in item.text


def test_help_texts_no_longer_rely_on_a_model_agreement_or_a_law_that_does_not_say_it() -> None:
    ehpad = {
        i.id: i
        for i in load_template_file(SHIPPED / "interdiag-medicaments-ehpad-sans-pui.json").items
    }
    assert "Aucune convention type opposable" in ehpad["A.07"].help
    assert all("convention type" not in a.text or "aucune" in a.text for a in ehpad["A.07"].actions)
    for name in ("interdiag-medicaments-ehpad-sans-pui", "interdiag-medicaments-ehpad-avec-pui"):
        h11 = next(i for i in load_template_file(SHIPPED / f"{name}.json").items if i.id == "H.11")
        assert "réservée aux infirmiers" not in h11.text and "protocole local" in h11.help


@pytest.mark.parametrize(
    ("name", "critical"),
    [
        ("interdiag-medicaments-es", ("G.11", "H.04", "H.09", "B.12", "G.16", "H.13", "F.17")),
        ("interdiag-medicaments-ehpad-sans-pui", ("G.03", "E.02", "B.09", "A.07", "G.07", "F.13")),
        ("interdiag-medicaments-ehpad-avec-pui", ("G.03", "E.02", "B.08", "G.08", "F.12")),
        ("approvisionnement-outre-mer", ("G.06", "E.13", "G.13", "G.12")),
    ],
)
def test_the_items_the_review_names_critical_are_critical(
    name: str, critical: tuple[str, ...]
) -> None:
    items = {i.id: i for i in load_template_file(SHIPPED / f"{name}.json").items}
    assert all(items[item_id].critical for item_id in critical)


def test_weights_by_risk() -> None:
    ehpad = {
        i.id: i
        for i in load_template_file(SHIPPED / "interdiag-medicaments-ehpad-sans-pui.json").items
    }
    assert ehpad["A.01"].weight == 1
    overseas = load_template_file(SHIPPED / "approvisionnement-outre-mer.json")
    weights = {i.id: i.weight for i in overseas.items}
    assert weights["G.06"] > weights["G.05"]
    assert sum(w == 1 for w in weights.values()) < len(weights) / 2


@pytest.mark.parametrize("name", REVIEWED)
def test_a_diagnostic_made_on_the_previous_version_keeps_it_after_the_new_file_is_shipped(
    name: str, db_file: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(PREVIOUS / f"{name}.json", library / f"{name}.json")
    old_version = json.loads((PREVIOUS / f"{name}.json").read_text(encoding="utf-8"))["version"]
    services = open_services(db_file, TemplateLibrary(library))
    try:
        establishment = services.establishments.add(make_input(1))
        diag = services.diagnostics.create(name, establishment.id).id
        old_template = services.diagnostics.get(diag).template
        items = old_template.items
        answers = {item.id: AnswerCode.YES for item in items}
        answers[items[0].id] = AnswerCode.NO
        answers[items[1].id] = (
            AnswerCode.PARTLY if AnswerCode.PARTLY in items[1].codes else AnswerCode.NO
        )
        for item_id, code in answers.items():
            services.diagnostics.answer(diag, item_id, code)
        before = services.diagnostics.score(diag)
    finally:
        services.close()
    shutil.copy(SHIPPED / f"{name}.json", library / f"{name}.json")
    services = open_services(db_file, TemplateLibrary(library))
    try:
        kept = services.diagnostics.get(diag)
        assert kept.template.version == old_version
        assert _ids(kept.template) == _ids(old_template)
        after = services.diagnostics.score(diag)
        assert after == before == score(old_template, answers)
        assert after.overall.completion == 100.0
        summary = next(s for s in services.diagnostics.list() if s.id == diag)
        assert summary.template_version == old_version
        fresh = services.diagnostics.create(name, establishment.id).id
        renewed = services.diagnostics.get(fresh).template
        assert renewed.version != old_version and _ids(renewed) > _ids(old_template)
    finally:
        services.close()
