"""French collation: accented names sort among the others, not after Z."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hospiperf_desktop.french import collation_key, collation_text, french_compare, french_sorted


def test_accented_capitals_sort_with_their_letter() -> None:
    names = ["SERINGUE", "ÉNOXAPARINE", "ENALAPRIL", "ZOLPIDEM", "ÉTHER", "AMOXICILLINE"]
    assert french_sorted(names, key=str) == [
        "AMOXICILLINE",
        "ENALAPRIL",
        "ÉNOXAPARINE",
        "ÉTHER",
        "SERINGUE",
        "ZOLPIDEM",
    ]


def test_case_and_accents_only_break_ties() -> None:
    assert french_sorted(["île", "Ilot", "ile", "Île"], key=str) == ["ile", "Île", "île", "Ilot"]


def test_ligatures_sort_as_two_letters() -> None:
    assert french_sorted(["Oeillet", "Œdème", "Ombre", "Obus"], key=str) == [
        "Obus",
        "Œdème",
        "Oeillet",
        "Ombre",
    ]


@given(st.text(), st.text())
def test_the_comparison_agrees_with_the_key_and_the_text_key(a: str, b: str) -> None:
    order = french_compare(a, b)
    assert order == -french_compare(b, a)
    assert (order < 0) == (collation_key(a) < collation_key(b))
    if "\x00" not in a + b:
        assert (order < 0) == (collation_text(a) < collation_text(b))
