"""FINESS numbers: what a user may type, and what is refused with which reason."""

from __future__ import annotations

import json

import pytest

from hospiperf_desktop.establishments.finess import (
    check_finess,
    is_overseas_finess,
    is_valid_finess,
    luhn_check_digit,
    normalize_finess,
)
from hospiperf_desktop.paths import resource_path

SERIAL = "0012345"  # 6 serial digits after the département; the Luhn digit is computed per test


def _demo_finess() -> list[str]:
    data = json.loads(resource_path("demo", "foundation.json").read_text(encoding="utf-8"))
    return [item["finess"] for item in data["establishments"]]


def _problem_code(raw: str) -> str | None:
    problem = check_finess(raw)
    return problem.code if problem else None


@pytest.mark.parametrize("finess", ["750712184", "130783236", *_demo_finess()])
def test_real_and_demo_numbers_are_accepted(finess: str) -> None:
    assert check_finess(finess) is None
    assert is_valid_finess(finess)


@pytest.mark.parametrize("typed", ["75 071 218 4", " 750712184 ", "75\t0712184", "7507 12184"])
def test_spaces_people_type_are_ignored(typed: str) -> None:
    assert normalize_finess(typed) == "750712184"
    assert is_valid_finess(typed)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "finess_required"),
        ("   ", "finess_required"),
        ("75071218", "finess_length"),
        ("7507121845", "finess_length"),
        ("75A712184", "finess_format"),
        ("ABCDEFGHI", "finess_format"),
        ("75071218X", "finess_format"),
        ("001234567", "finess_format"),
        ("961234567", "finess_format"),
        ("991234567", "finess_format"),
        ("2C0012345", "finess_format"),
        ("750712185", "finess_checksum"),
        ("130783237", "finess_checksum"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(raw: str, code: str) -> None:
    assert _problem_code(raw) == code
    assert not is_valid_finess(raw)


def test_length_message_says_how_many_characters_were_typed() -> None:
    problem = check_finess("1234")
    assert problem is not None
    assert "9" in problem.message and "4" in problem.message


def test_wrong_check_digit_message_names_the_check_digit() -> None:
    problem = check_finess("750712185")
    assert problem is not None
    assert "check digit" in problem.message


@pytest.mark.parametrize("departement", ["01", "13", "69", "95", "97", "98"])
def test_every_valid_departement_is_accepted_with_a_right_key(departement: str) -> None:
    payload = departement + SERIAL[1:]
    assert is_valid_finess(payload + luhn_check_digit(payload))


@pytest.mark.parametrize(("corsica", "substitutes"), [("2A", ("20", "19")), ("2B", ("20", "18"))])
def test_corsica_is_accepted_under_either_documented_substitution(
    corsica: str, substitutes: tuple[str, str]
) -> None:
    serial = SERIAL[1:]
    for substitute in substitutes:
        finess = corsica + serial + luhn_check_digit(substitute + serial)
        assert check_finess(finess) is None, finess
        assert check_finess(finess.lower()) is None, "lower-case 2a/2b is the same number"


@pytest.mark.parametrize(("corsica", "substitutes"), [("2A", ("20", "19")), ("2B", ("20", "18"))])
def test_corsica_with_a_key_wrong_under_both_substitutions_is_refused(
    corsica: str, substitutes: tuple[str, str]
) -> None:
    serial = SERIAL[1:]
    right = {luhn_check_digit(sub + serial) for sub in substitutes}
    wrong = next(d for d in "0123456789" if d not in right)
    assert _problem_code(corsica + serial + wrong) == "finess_checksum"


@pytest.mark.parametrize(
    ("raw", "overseas"),
    [
        ("970109609", True),
        ("971000000", True),
        ("980000000", True),
        ("97 0109609", True),
        ("750712184", False),
        ("130783236", False),
        ("2A0000000", False),
        ("", False),
    ],
)
def test_overseas_numbers_are_recognised_by_their_97_98_prefix(raw: str, overseas: bool) -> None:
    assert is_overseas_finess(raw) is overseas


def test_check_digit_makes_any_payload_valid() -> None:
    for payload in ("75071218", "13078323", "69099001", "00000000"):
        digit = luhn_check_digit(payload)
        assert len(digit) == 1 and digit.isdigit()
    assert luhn_check_digit("75071218") == "4"
