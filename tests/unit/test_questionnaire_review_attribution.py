"""Each shipped questionnaire says who reviewed it and who gave each grade.

A hospital pharmacist graded three files before their corrections (ES B, EHPAD sans PUI C,
outre-mer B); every correction, every grade after them, and the review of the eleven other files
were made by us. A note that credits a pharmacist with a grade they did not give would be a
false statement shown to the user, so this reads every shipped note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.loader import load_template_file
from hospiperf_desktop.paths import resource_path

SHIPPED = sorted(resource_path("questionnaires").glob("*.json"))
# The files a pharmacist graded, with the grade they gave (before corrections).
PHARMACIST_GRADED = {
    "interdiag-medicaments-es": "B",
    "interdiag-medicaments-ehpad-sans-pui": "C",
    "approvisionnement-outre-mer": "B",
}


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_no_note_credits_a_pharmacist_with_a_grade_given_by_us(path: Path) -> None:
    note = load_template_file(path).structure_note
    # The wordings of version 2.2 / 1.1 that did so.
    assert "Revue qualité (pharmacien auditeur" not in note
    assert not re.search(r"auditeur qualité[^.]*: note [A-E][+-]? avant, [A-E][+-]? après", note)
    assert "Revue" in note
    if path.stem in PHARMACIST_GRADED:
        grade = PHARMACIST_GRADED[path.stem]
        assert f"pharmacien hospitalier auditeur qualité : note {grade} avant corrections" in note
        assert "notre propre estimation, qu’aucun pharmacien n’a encore relue" in note
    else:
        assert re.search(
            r"ces notes sont les nôtres|les notes de cette version sont les nôtres", note
        ), path.stem


def test_the_check_reads_all_fourteen_shipped_files() -> None:
    assert len(SHIPPED) == 14
