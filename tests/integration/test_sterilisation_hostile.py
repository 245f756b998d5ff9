"""Every hostile file of tests/fixtures/hostile/sterilisation is refused by the rule, and the
study readers, fed anything, answer a study or a FileImportError (Hypothesis)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integration_support import Cli, make_finess

from hospiperf_desktop.calculators.sterilisation import StudyError, compute
from hospiperf_desktop.calculators.sterilisation_extraction import read_extraction
from hospiperf_desktop.calculators.sterilisation_files import study_from_data
from hospiperf_desktop.errors import FileImportError

FINESS = make_finess(41)
CORPUS = Path(__file__).parent.parent / "fixtures" / "hostile" / "sterilisation"
EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "sterilisation-2026.json"


def _dump(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


def _refused_cleanly(code: int, out: str, err: str, name: str) -> None:
    assert code == 2 and out == ""
    assert err.startswith("hospiperf: error: ") and "Traceback" not in err
    assert name in err
    assert len(err.encode()) < 1024
    assert not any(ord(c) < 32 and c != "\n" for c in err)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("study-*")), ids=lambda p: p.stem)
def test_a_hostile_study_is_refused_with_a_short_clean_message_and_nothing_saved(
    cli: Cli, db: Path, path: Path
) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Hostile",
                       "--kind", "ch")  # fmt: skip
    assert code == 0, err
    before = _dump(db)
    code, out, err = cli("calc", "sterilisation", str(path), "--save", "Étude",
                         "--establishment", FINESS, "--json")  # fmt: skip
    _refused_cleanly(code, out, err, path.name)
    assert _dump(db) == before


@pytest.mark.parametrize("path", sorted(CORPUS.glob("export-*")), ids=lambda p: p.stem)
def test_a_hostile_export_is_refused_with_its_line_and_nothing_saved(
    cli: Cli, db: Path, path: Path
) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Hostile",
                       "--kind", "ch")  # fmt: skip
    assert code == 0, err
    before = _dump(db)
    code, out, err = cli("calc", "sterilisation", str(EXAMPLE), "--activity", str(path),
                         "--save", "Étude", "--establishment", FINESS)  # fmt: skip
    _refused_cleanly(code, out, err, path.name)
    assert _dump(db) == before


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
STUDY_KEYS = ("year", "activity", "staff", "equipment", "consumables", "premises",
              "overhead_rate", "cycles", "coefficients")  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(STUDY_KEYS), json_values), st.integers(1990, 2100))
def test_any_json_is_a_study_or_a_file_import_error(changes: dict, year: int) -> None:  # type: ignore[type-arg]
    data = {**json.loads(EXAMPLE.read_text(encoding="utf-8")), "year": year, **changes}
    try:
        study = study_from_data(data)
    except FileImportError as err:
        named = [i for i in err.issues if not i.message.startswith("and ")]  # "and N more"
        assert named and all(issue.column or issue.where for issue in named)
        return
    try:
        result = compute(study)
    except StudyError as err:
        assert err.where
        return
    assert result.total_cost >= 0


cell = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["05/01/2026", "2026-03-04", "VS1", "BS1", "Vapeur", "plasma", "1 200,5"]),
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cell, min_size=4, max_size=4), min_size=1, max_size=6))
def test_any_export_is_activity_or_a_file_import_error(tmp_path: Path, rows: list) -> None:  # type: ignore[type-arg]
    path = tmp_path / "export.csv"
    lines = ["Date;Composition;Procédé;Quantité"] + [
        ";".join(c.replace(";", ",").replace("\n", " ").replace("\r", " ").replace('"', "")
                 for c in row)
        for row in rows
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        extraction = read_extraction(path, 2026)
    except FileImportError as err:
        assert err.issues
        return
    assert all(a.count >= 0 and a.month is not None for a in extraction.activity)
