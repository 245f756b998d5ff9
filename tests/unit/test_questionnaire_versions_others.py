"""The eleven questionnaires reviewed after issue 20 (all but the four the issue names):
each new version loads, keeps every item id of the previous one, and a diagnostic made and
answered on the previous version keeps showing and scoring with that version once the new
file ships."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.loader import TemplateLibrary, load_template_file
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.services import open_services

PREVIOUS = Path(__file__).parents[1] / "fixtures" / "questionnaires-previous"
# The files this review owns; the four files issue 20 names are tested by their own helper.
OTHERS = (
    "conciliation-medicamenteuse",
    "cooperation-pui",
    "interdiag-dms-dmi-pui",
    "interdiag-dms-dmi-unite-soins",
    "interdiag-medicaments-had-avec-pui",
    "interdiag-medicaments-had-sans-pui",
    "mutualisation-biomedicale-ght",
    "pecm-territoriale",
    "radiopharmacie",
    "sterilisation",
)
CHANGED = [name for name in OTHERS if (PREVIOUS / f"{name}.json").exists()]


def _establishment() -> EstablishmentInput:
    payload = "75000001"
    return EstablishmentInput(
        finess=payload + luhn_check_digit(payload),
        name="Centre hospitalier de test",
        kind="ch",
        region="Île-de-France",
        beds=120,
    )


def test_at_least_the_two_had_questionnaires_were_changed_and_kept() -> None:
    assert {"interdiag-medicaments-had-avec-pui", "interdiag-medicaments-had-sans-pui"} <= set(
        CHANGED
    )


@pytest.mark.parametrize("name", CHANGED)
def test_the_new_version_loads_is_newer_and_keeps_every_previous_item_id(name: str) -> None:
    old = load_template_file(PREVIOUS / f"{name}.json")
    new = load_template_file(resource_path("questionnaires") / f"{name}.json")
    assert old.id == new.id == name
    assert tuple(map(int, new.version.split("."))) > tuple(map(int, old.version.split(".")))
    missing = {item.id for item in old.items} - {item.id for item in new.items}
    assert not missing, f"ids dropped by {new.key}: {sorted(missing)}"
    assert "Revue qualité" in new.structure_note
    assert "Revue qualité" not in old.structure_note


@pytest.mark.parametrize("name", CHANGED)
def test_a_diagnostic_answered_on_the_previous_version_keeps_it_after_the_new_file_ships(
    name: str, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(PREVIOUS / f"{name}.json", library / f"{name}.json")
    old_version = json.loads((PREVIOUS / f"{name}.json").read_text(encoding="utf-8"))["version"]
    db_file = tmp_path / "data" / "hospiperf.sqlite"
    services = open_services(db_file, TemplateLibrary(library))
    try:
        establishment = services.establishments.add(_establishment())
        before = services.diagnostics.create(name, establishment.id).id
        old_items = services.diagnostics.get(before).template.items
        first, *rest = old_items
        services.diagnostics.answer(before, first.id, AnswerCode.NO)
        for item in rest:
            services.diagnostics.answer(before, item.id, AnswerCode.YES)
        expected = services.diagnostics.score(before).overall
    finally:
        services.close()

    shutil.copy(resource_path("questionnaires") / f"{name}.json", library / f"{name}.json")
    services = open_services(db_file, TemplateLibrary(library))
    try:
        kept = services.diagnostics.get(before)
        assert kept.template.version == old_version
        assert [item.id for item in kept.template.items] == [item.id for item in old_items]
        report = services.diagnostics.score(before).overall
        assert report.completion == 100
        assert report.score == expected.score
        assert report.score is not None and report.score < 100
        after = services.diagnostics.create(name, establishment.id).id
        renewed = services.diagnostics.get(after).template
        assert renewed.version != old_version
        assert len(renewed.items) >= len(old_items)
    finally:
        services.close()
