"""Establishment input: each problem is reported on the right field with a stable code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hospiperf_desktop.errors import FieldIssue
from hospiperf_desktop.establishments.model import (
    MAX_BEDS,
    MAX_CARE_UNITS,
    EstablishmentInput,
    normalized,
    validate,
)

VALID = EstablishmentInput(
    finess="750712184", name="Hôpital Test", kind="ch", region="Île-de-France", beds=100
)


def _issues(**changes: object) -> list[FieldIssue]:
    return validate(normalized(replace(VALID, **changes)))


def _codes(**changes: object) -> set[tuple[str, str]]:
    return {(issue.field, issue.code) for issue in _issues(**changes)}


def test_a_complete_establishment_has_no_issue() -> None:
    assert _issues() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": ""}, ("name", "required")),
        ({"name": "   "}, ("name", "required")),
        ({"name": "x" * 201}, ("name", "too_long")),
        ({"kind": "hospital"}, ("kind", "unknown_kind")),
        ({"kind": ""}, ("kind", "required")),
        ({"region": "Atlantis"}, ("region", "unknown_region")),
        ({"is_ght_support": True, "ght_name": None}, ("ght_name", "support_needs_ght")),
        ({"is_ght_support": True, "ght_name": "  "}, ("ght_name", "support_needs_ght")),
        ({"beds": -1}, ("beds", "out_of_range")),
        ({"beds": MAX_BEDS + 1}, ("beds", "out_of_range")),
        ({"care_units": -3}, ("care_units", "out_of_range")),
        ({"care_units": MAX_CARE_UNITS + 1}, ("care_units", "out_of_range")),
        ({"finess": "750712185"}, ("finess", "finess_checksum")),
        ({"legal_entity_finess": "750712185"}, ("legal_entity_finess", "finess_checksum")),
        ({"legal_entity_finess": "12345"}, ("legal_entity_finess", "finess_length")),
    ],
)
def test_each_problem_is_reported_on_its_field(
    changes: dict[str, object], expected: tuple[str, str]
) -> None:
    assert _codes(**changes) == {expected}


def test_several_problems_are_all_reported_at_once() -> None:
    codes = _codes(name="", kind="nope", beds=-5, finess="123")
    assert codes == {
        ("name", "required"),
        ("kind", "unknown_kind"),
        ("beds", "out_of_range"),
        ("finess", "finess_length"),
    }


def test_out_of_range_issue_gives_the_bounds_for_the_message() -> None:
    (issue,) = _issues(beds=MAX_BEDS + 1)
    assert issue.params == {"min": 0, "max": MAX_BEDS}


def test_limits_themselves_are_accepted() -> None:
    assert _issues(beds=0, care_units=0) == []
    assert _issues(beds=MAX_BEDS, care_units=MAX_CARE_UNITS) == []


@pytest.mark.parametrize(
    "typed", ["ile-de-france", "ILE-DE-FRANCE", "Île-de-France", "  ile-de-France  "]
)
def test_region_ignores_case_and_accents_and_is_stored_with_its_canonical_name(
    typed: str,
) -> None:
    clean = normalized(replace(VALID, region=typed))
    assert clean.region == "Île-de-France"
    assert validate(clean) == []


def test_region_found_without_accents_for_auvergne_rhone_alpes() -> None:
    assert normalized(replace(VALID, region="auvergne-rhone-alpes")).region == (
        "Auvergne-Rhône-Alpes"
    )


def test_blank_region_is_no_region_rather_than_an_unknown_one() -> None:
    clean = normalized(replace(VALID, region="   "))
    assert clean.region is None
    assert validate(clean) == []


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("CHU", "chu"),
        (" Ch ", "ch"),
        ("clinique", "clinic"),
        ("Clinique", "clinic"),
        ("autre", "other"),
        ("EHPAD", "ehpad"),
    ],
)
def test_kind_aliases_and_case_are_turned_into_the_canonical_kind(typed: str, kind: str) -> None:
    clean = normalized(replace(VALID, kind=typed))
    assert clean.kind == kind
    assert validate(clean) == []


def test_text_is_tidied_before_being_stored() -> None:
    clean = normalized(
        replace(
            VALID,
            finess=" 75 071 218 4 ",
            name="  Hôpital   Test  ",
            ght_name=" ",
            legal_entity_finess="13 078 323 6",
        )
    )
    assert clean.finess == "750712184"
    assert clean.name == "Hôpital Test"
    assert clean.ght_name is None
    assert clean.legal_entity_finess == "130783236"


def test_support_establishment_with_its_ght_name_is_valid() -> None:
    assert _issues(is_ght_support=True, ght_name="GHT Paris Centre") == []
