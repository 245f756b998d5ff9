"""The personal-data guard's detectors: a valid NIR (spaces allowed, Corsica included) is found,
the same number with its key altered by one digit is not; dates of birth and named persons."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hospiperf_desktop.bundles.personal_data import find_nirs, nir_key_ok, scan


def _key(body13: str) -> int:
    """The NIR key computed independently: Corsica's 2A/2B count as 19/18."""
    digits = body13[:5] + {"2A": "19", "2B": "18"}.get(body13[5:7], body13[5:7]) + body13[7:]
    return 97 - int(digits) % 97


bodies = st.builds(
    lambda sex, year, month, dept, commune, order: (
        f"{sex}{year:02d}{month:02d}{dept}{commune:03d}{order:03d}"
    ),
    st.sampled_from("12"),
    st.integers(0, 99),
    st.integers(1, 12),
    st.sampled_from(["75", "13", "2A", "2B", "97", "01"]),
    st.integers(1, 999),
    st.integers(1, 999),
)


@given(bodies, st.booleans(), st.sampled_from(["", "Commentaire : ", "voir "]))
def test_a_valid_nir_is_found_with_or_without_spaces(body: str, spaced: bool, before: str) -> None:
    key = f"{_key(body):02d}"
    if spaced:
        number = f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key}"
    else:
        number = body + key
    text = f"{before}{number} fin"
    assert find_nirs(text) == [number]
    assert [f.field for f in scan([("plan.action", text)])] == ["plan.action"]


@given(bodies, st.integers(1, 9), st.booleans())
def test_the_key_altered_by_one_digit_is_not_a_nir(body: str, delta: int, units: bool) -> None:
    key = _key(body)
    tens, ones = divmod(key, 10)
    altered = tens * 10 + (ones + delta) % 10 if units else ((tens + delta) % 10) * 10 + ones
    assert altered != key
    assert not nir_key_ok(body, altered)
    assert find_nirs(f"Commentaire {body}{altered:02d}") == []


def test_known_example_and_other_patterns() -> None:
    # 1 84 12 76 451 089 → key 97 − (1841276451089 mod 97)
    body = "1841276451089"
    assert nir_key_ok(body, 97 - int(body) % 97)
    found = scan(
        [
            ("comment", "Mme Dupont a signalé une erreur"),
            ("comment2", "vu avec M. Martin"),
            ("justification", "patiente Durand, née le 12/03/1950"),
            ("scenario", "Scénario 2026 sans nom"),
        ]
    )
    kinds = [(f.field, f.kind) for f in found]
    assert ("comment", "person") in kinds and ("comment2", "person") in kinds
    assert ("justification", "birth_date") in kinds and ("justification", "person") in kinds
    assert not [f for f in found if f.field == "scenario"]
    assert scan([("x", "12 lignes pour 3 patients le 12/03/2026")]) == []
