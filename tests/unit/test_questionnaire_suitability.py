"""Which shipped questionnaires the new-diagnostic dialog and the CLI propose for a place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.loader import TemplateError, parse_template, shipped_library
from hospiperf_desktop.diagnostics.suitability import suitable
from hospiperf_desktop.establishments.model import Establishment

FIXTURE = Path(__file__).parent.parent / "fixtures" / "questionnaires" / "test-mini.json"
OVERSEAS = "approvisionnement-outre-mer"
GHT_ONES = {"cooperation-pui", "pecm-territoriale", "mutualisation-biomedicale-ght"}


def _place(kind: str, *, overseas: bool = False, ght: str | None = None) -> Establishment:
    return Establishment(
        id=1, finess="750712184", name="Test", kind=kind, overseas=overseas, ght_name=ght
    )


def _ids(kind: str, **place: object) -> list[str]:
    return [t.id for t in suitable(shipped_library().templates(), _place(kind, **place))]


def test_a_mainland_pui_is_offered_inter_diag_first_and_never_the_overseas_questionnaire() -> None:
    ids = _ids("pui")
    assert ids[0] == "interdiag-medicaments-es"
    assert OVERSEAS not in ids
    assert not any("ehpad" in i or "had" in i for i in ids)
    assert {"radiopharmacie", "sterilisation", "interdiag-dms-dmi-unite-soins"} <= set(ids)


def test_an_overseas_pui_also_gets_the_overseas_questionnaire_right_after_inter_diag() -> None:
    ids = _ids("pui", overseas=True)
    assert ids[:2] == ["interdiag-medicaments-es", OVERSEAS]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("ehpad", ["interdiag-medicaments-ehpad-avec-pui", "interdiag-medicaments-ehpad-sans-pui"]),
        ("had", ["interdiag-medicaments-had-avec-pui", "interdiag-medicaments-had-sans-pui"]),
    ],
)
def test_an_ehpad_or_an_had_gets_only_its_own_variants(kind: str, expected: list[str]) -> None:
    assert _ids(kind) == expected


def test_questionnaires_for_a_ght_are_offered_only_to_a_member_of_a_ght() -> None:
    assert not GHT_ONES & set(_ids("ch"))
    assert set(_ids("ch", ght="GHT Exemple")) >= GHT_ONES
    assert _ids("ch", ght="GHT Exemple")[0] == "interdiag-medicaments-es"


def test_an_establishment_of_another_kind_gets_every_questionnaire_but_the_overseas_one() -> None:
    every = {t.id for t in shipped_library().templates()}
    assert set(_ids("other")) == every - {OVERSEAS}
    assert set(_ids("other", overseas=True)) == every


def test_only_the_overseas_supply_questionnaire_is_marked_overseas() -> None:
    assert [t.id for t in shipped_library().templates() if t.overseas] == [OVERSEAS]


def test_an_overseas_mark_that_is_not_true_or_false_is_refused_with_its_place() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["overseas"] = "oui"
    with pytest.raises(TemplateError) as caught:
        parse_template(json.dumps(data).encode(), "broken.json")
    assert [str(i) for i in caught.value.issues] == [
        "broken.json: questionnaire: overseas: must be true or false"
    ]
