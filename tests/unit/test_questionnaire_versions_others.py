"""The questionnaires reviewed after issue 20 (all but the four the issue names):
each new version loads, keeps every item id of the previous one, and a diagnostic made and
answered on the previous version keeps showing and scoring with that version once the new
file ships."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.loader import TemplateLibrary, load_template_file
from hospiperf_desktop.diagnostics.template import AnswerCode, Item
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


def test_every_one_of_the_ten_questionnaires_was_reviewed_and_its_previous_version_kept() -> None:
    assert set(CHANGED) == set(OTHERS)


# The riskiest correction of each file reviewed in the second pass: (file, item, check).
def _shipped(name: str) -> dict[str, Item]:
    template = load_template_file(resource_path("questionnaires") / f"{name}.json")
    return {item.id: item for item in template.items}


def test_dms_dmi_pui_e02_no_longer_rejects_devices_under_the_transitional_extension() -> None:
    item = _shipped("interdiag-dms-dmi-pui")["E.02"]
    assert "en cours de validité" not in item.text
    assert "prolongation transitoire" in item.text
    assert "2023/607" in item.help
    assert item.critical


def test_cooperation_lets_a_project_pooling_neither_preparations_nor_sterilisation_pass() -> None:
    items = _shipped("cooperation-pui")
    for item_id in ("D.06", "E.04", "E.08", "E.09"):
        assert AnswerCode.NA in items[item_id].codes, item_id
    assert items["E.04"].critical and items["E.08"].critical
    assert items["D.12"].critical  # recalls passed on between PUIs


@pytest.mark.parametrize(
    ("name", "item_id"),
    [
        ("pecm-territoriale", "C.05"),
        ("radiopharmacie", "F.04"),
        ("radiopharmacie", "G.12"),
        ("interdiag-dms-dmi-unite-soins", "H.08"),
        ("conciliation-medicamenteuse", "F.04"),
        ("sterilisation", "C.07"),
    ],
)
def test_patient_safety_items_flagged_by_the_review_are_critical(name: str, item_id: str) -> None:
    assert _shipped(name)[item_id].critical


def test_radiopharmacie_names_the_current_authority() -> None:
    items = _shipped("radiopharmacie")
    assert "ASNR" in items["B.07"].text
    assert "titulaire de l’autorisation de l’ASN" not in items["A.03"].text


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
