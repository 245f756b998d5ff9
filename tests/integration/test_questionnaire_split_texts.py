"""Versions 2.2 (ES, EHPAD sans PUI, EHPAD avec PUI) and 1.2 (outre-mer): after the splits of
the first review (2.1 / 1.1), the help and actions of each original item still spoke of the
question that moved to the new id. The new versions change those texts only: every id, weight,
critical flag, scale and axis is the same as in the released version, the moved topic is gone
from the old item and covered by the new one, and a diagnostic made on the released version
keeps it (and its score) once the new file is shipped.

Versions 2.3 / 1.3 change only the structure note: the pharmacist graded the file before its
corrections; the corrections and the grade after them are ours (see `ATTRIBUTION`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from integration_support import make_input

from hospiperf_desktop.diagnostics.loader import TemplateLibrary, load_template_file
from hospiperf_desktop.diagnostics.scoring import score
from hospiperf_desktop.diagnostics.template import AnswerCode, Item, Template
from hospiperf_desktop.services import open_services

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "resources" / "questionnaires"
# The versions released by the first review (2.1, outre-mer 1.1), as shipped before 2.2 / 1.2.
RELEASED = ROOT / "tests" / "fixtures" / "questionnaires-first-review"

VERSIONS = {
    "interdiag-medicaments-es": ("2.1", "2.2"),
    "interdiag-medicaments-ehpad-sans-pui": ("2.1", "2.2"),
    "interdiag-medicaments-ehpad-avec-pui": ("2.1", "2.2"),
    "approvisionnement-outre-mer": ("1.1", "1.2"),
}
# The version shipped now: the note alone changed after the split texts.
SHIPPED_VERSION = {
    "interdiag-medicaments-es": "2.3",
    "interdiag-medicaments-ehpad-sans-pui": "2.3",
    "interdiag-medicaments-ehpad-avec-pui": "2.3",
    "approvisionnement-outre-mer": "1.3",
}
# The released note credited the pharmacist with the grade after the corrections; the shipped
# one says who gave which grade. (released words, shipped words)
ATTRIBUTION = {
    "interdiag-medicaments-es": (
        "qualité : note B avant, A- après.",
        "qualité : note B avant corrections. Les corrections qui suivent sont les"
        " nôtres ; la note après corrections (A-) est notre propre estimation, qu’aucun"
        " pharmacien n’a encore relue.",
    ),
    "interdiag-medicaments-ehpad-sans-pui": (
        "qualité : note C avant, B+ après.",
        "qualité : note C avant corrections. Les corrections qui suivent sont les"
        " nôtres ; la note après corrections (B+) est notre propre estimation, qu’aucun"
        " pharmacien n’a encore relue.",
    ),
    "interdiag-medicaments-ehpad-avec-pui": (
        "Revue de la version 2.1 par un pharmacien hospitalier auditeur qualité (les points de la"
        " revue de la version sans PUI appliqués là où l’item existe) : note B avant, A- après.",
        "Revue de la version 2.1 : nous avons appliqué, là où l’item existe, les points relevés par"
        " un pharmacien hospitalier auditeur qualité dans la version sans PUI ; ce pharmacien n’a"
        " pas relu la version avec PUI ; les notes de cette version sont les nôtres : note B avant"
        " corrections, A- après.",
    ),
    "approvisionnement-outre-mer": (
        "qualité : note B avant, A- après.",
        "qualité : note B avant corrections. Les corrections qui suivent sont les"
        " nôtres ; la note après corrections (A-) est notre propre estimation, qu’aucun"
        " pharmacien n’a encore relue.",
    ),
}
# Every item whose question, help or actions changed, and nothing else.
CHANGED = {
    "interdiag-medicaments-es": {
        "A.07",
        "B.09",
        "B.12",
        "C.01",
        "C.03",
        "C.10",
        "D.04",
        "F.06",
        "I.05",
        "I.13",
    },
    "interdiag-medicaments-ehpad-sans-pui": {"A.01", "A.10", "A.14", "B.02"},
    "interdiag-medicaments-ehpad-avec-pui": {"A.01", "E.02"},
    "approvisionnement-outre-mer": {"A.06", "F.05", "F.12", "G.07", "H.07"},
}
ES = "interdiag-medicaments-es"
SANS_PUI = "interdiag-medicaments-ehpad-sans-pui"
AVEC_PUI = "interdiag-medicaments-ehpad-avec-pui"
OVERSEAS = "approvisionnement-outre-mer"

# (file, old id, new id, words of the moved topic: absent from the old item's help and
# actions, present in the new item; words that must only be absent from the old item)
MOVED: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    (ES, "A.07", "A.12", ("GHT", "projet médical partagé"), ()),
    (ES, "B.09", "B.12", ("never event", "barrière"), ()),
    (ES, "C.01", "C.11", ("lits", "déploiement"), ("unités restantes",)),
    (ES, "C.03", "C.12", ("au lit", "tournée"), ("chevet", "poste mobile", "tablette")),
    (ES, "C.10", "C.13", ("DMP",), ("dossier médical partagé",)),
    (ES, "D.04", "D.11", ("unité", "affich"), ("infirmi",)),
    (ES, "F.06", "F.14", ("OK chimio", "feu vert"), ()),
    (ES, "I.05", "I.13", ("antidote", "naloxone", "vitamine K"), ("prothrombinique",)),
    (SANS_PUI, "A.01", "A.12", ("quatre",), ("sign",)),
    (SANS_PUI, "A.10", "A.14", ("recueil", "tracé", "autres officines"), ()),
    (SANS_PUI, "B.02", "B.11", ("valid",), ("signature",)),
    (AVEC_PUI, "A.01", "A.12", ("médecin coordonnateur", "pharmacien gérant"), ()),
    (AVEC_PUI, "B.02", "B.11", ("valid",), ("signature",)),
    (OVERSEAS, "A.06", "A.11", ("suppléant",), ()),
    (OVERSEAS, "F.05", "F.12", ("repli", "aérien"), ()),
    (OVERSEAS, "G.07", "G.12", ("alarme",), ()),
    (OVERSEAS, "H.07", "H.13", ("risque", "territoire"), ()),
]


def _shipped(name: str) -> Template:
    return load_template_file(SHIPPED / f"{name}.json")


def _released(name: str) -> Template:
    return load_template_file(RELEASED / f"{name}.json")


def _guidance(item: Item) -> str:
    """The help and the actions of an item (not its question), lower-cased."""
    parts = [item.help]
    for action in item.actions:
        parts += [action.text, action.indicator, action.who]
    return " ".join(parts).casefold()


def _all_text(item: Item) -> str:
    return f"{item.text} {_guidance(item)}".casefold()


def _frame(template: Template) -> list[tuple[object, ...]]:
    """Everything but the wording: structure, ids, labels, weights, flags, scales."""
    rows: list[tuple[object, ...]] = []
    for volet in template.volets:
        rows.append(("volet", volet.id, volet.label))
        for axis in volet.axes:
            rows.append(("axis", axis.id, axis.label))
            for theme in axis.themes:
                rows.append(("theme", theme.id, theme.label))
                for i in theme.items:
                    rows.append((i.id, i.weight, i.critical, i.scale, i.na_allowed))
    return rows


@pytest.mark.parametrize("name", VERSIONS)
def test_the_new_version_follows_the_released_one_and_changes_only_texts(name: str) -> None:
    released, shipped = _released(name), _shipped(name)
    assert (released.version, shipped.version) == (VERSIONS[name][0], SHIPPED_VERSION[name])
    assert _frame(shipped) == _frame(released)
    assert (shipped.title, shipped.target, shipped.family, shipped.description) == (
        released.title,
        released.target,
        released.family,
        released.description,
    )
    old = {item.id: item for item in released.items}
    changed = {item.id for item in shipped.items if item != old[item.id]}
    assert changed == CHANGED[name]


@pytest.mark.parametrize("name", VERSIONS)
def test_the_structure_note_keeps_the_first_review_and_names_each_changed_item(
    name: str,
) -> None:
    released, shipped = _released(name), _shipped(name)
    before, after = ATTRIBUTION[name]
    assert released.structure_note.count(before) == 1
    attributed = released.structure_note.replace(before, after)
    assert shipped.structure_note.startswith(attributed)
    added = shipped.structure_note[len(attributed) :]
    assert f"Version {VERSIONS[name][1]}" in added
    assert f"Version {SHIPPED_VERSION[name]} : seule cette note change" in added
    assert "docs/questionnaire-review.md" in added
    for item_id in CHANGED[name]:
        assert item_id in added, item_id


@pytest.mark.parametrize(
    ("name", "old_id", "new_id", "moved", "gone"),
    MOVED,
    ids=[f"{name}-{old}" for name, old, *_ in MOVED],
)
def test_the_old_item_no_longer_speaks_of_the_half_that_moved_and_the_new_item_covers_it(
    name: str, old_id: str, new_id: str, moved: tuple[str, ...], gone: tuple[str, ...]
) -> None:
    template = _shipped(name)
    old, new = template.item(old_id), template.item(new_id)
    for word in moved + gone:
        assert word.casefold() not in _guidance(old), f"{old_id}: {word!r}"
    for word in moved:
        assert word.casefold() in _all_text(new), f"{new_id}: {word!r}"
    assert old.actions and new.actions


def test_es_b12_follows_the_barriers_in_the_cme_not_in_a_comedims() -> None:
    item = _shipped(ES).item("B.12")
    assert "comedims" not in _guidance(item)
    assert all("CME" in action.text for action in item.actions)
    assert "sous-commission" in item.actions[0].text


def test_ehpad_avec_pui_e02_no_longer_waits_for_a_written_confirmation_within_24_hours() -> None:
    item = _shipped(AVEC_PUI).item("E.02")
    assert "24 heures" not in item.text
    assert "24" not in _all_text(item)
    assert "sans attendre" in item.text and "à la PUI" in item.text
    assert "dotation pour besoins urgents" in item.help
    assert item.critical and item.weight == 3
    # The same rule as the sans-PUI file, where the officine takes the PUI's place.
    sans_pui = _shipped(SANS_PUI).item("E.02")
    assert "sans attendre" in sans_pui.text and "24 heures" not in sans_pui.text
    assert "dotation pour besoins urgents" in sans_pui.help


@pytest.mark.parametrize("name", VERSIONS)
def test_a_diagnostic_made_on_the_released_version_keeps_it_after_the_new_file_ships(
    name: str, db_file: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(RELEASED / f"{name}.json", library / f"{name}.json")
    released_version = json.loads((RELEASED / f"{name}.json").read_text(encoding="utf-8"))[
        "version"
    ]
    services = open_services(db_file, TemplateLibrary(library))
    try:
        establishment = services.establishments.add(make_input(1))
        diag = services.diagnostics.create(name, establishment.id).id
        old_template = services.diagnostics.get(diag).template
        assert old_template.version == released_version
        items = old_template.items
        answers = {item.id: AnswerCode.YES for item in items}
        answers[items[0].id] = AnswerCode.NO
        for item_id, code in answers.items():
            services.diagnostics.answer(diag, item_id, code)
        before = services.diagnostics.score(diag)
    finally:
        services.close()
    shutil.copy(SHIPPED / f"{name}.json", library / f"{name}.json")
    services = open_services(db_file, TemplateLibrary(library))
    try:
        kept = services.diagnostics.get(diag)
        assert kept.template.version == released_version
        assert kept.template == old_template
        assert services.diagnostics.score(diag) == before
        fresh = services.diagnostics.create(name, establishment.id).id
        renewed = services.diagnostics.get(fresh).template
        assert renewed.version == SHIPPED_VERSION[name]
        # Texts only: the same answers give the same score on either version.
        assert score(renewed, answers) == before
    finally:
        services.close()
