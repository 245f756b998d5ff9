"""Questionnaire files: every shipped one loads; broken ones are refused with precise places."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hospiperf_desktop.diagnostics.loader import TemplateError, parse_template, shipped_library
from hospiperf_desktop.diagnostics.template import AnswerCode, Scale
from hospiperf_desktop.paths import resource_path

FIXTURE = Path(__file__).parent.parent / "fixtures" / "questionnaires" / "test-mini.json"
SHIPPED = sorted(resource_path("questionnaires").glob("*.json"))

# The library the issue asks for, by file id.
EXPECTED_LIBRARY = {
    "interdiag-medicaments-es",
    "interdiag-medicaments-ehpad-avec-pui",
    "interdiag-medicaments-ehpad-sans-pui",
    "interdiag-medicaments-had-avec-pui",
    "interdiag-medicaments-had-sans-pui",
    "interdiag-dms-dmi-pui",
    "interdiag-dms-dmi-unite-soins",
    "conciliation-medicamenteuse",
    "radiopharmacie",
    "sterilisation",
    "approvisionnement-outre-mer",
    "pecm-territoriale",
    "cooperation-pui",
    "mutualisation-biomedicale-ght",
}


def _data() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _issues(data: Any) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        parse_template(json.dumps(data).encode(), "broken.json")
    return [str(issue) for issue in caught.value.issues]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_questionnaire_loads_with_five_items_per_theme_and_actions(
    path: Path,
) -> None:
    template = parse_template(path.read_bytes(), path.name)
    assert template.id == path.stem
    assert all(len(theme.items) >= 5 for theme in template.themes)
    assert all(item.actions for item in template.items)
    assert any(item.critical for item in template.items)
    assert len({item.text for item in template.items}) == len(template.items), "duplicate questions"


def test_the_library_holds_every_questionnaire_the_issue_names() -> None:
    assert {t.id for t in shipped_library().templates()} == EXPECTED_LIBRARY


def test_conciliation_keeps_the_reference_process_axes() -> None:
    template = shipped_library().get("conciliation-medicamenteuse")
    assert template is not None
    process = next(v for v in template.volets if v.id == "PROC")
    assert [a.id for a in process.axes] == list("ABCDEF")
    assert len(next(v for v in template.volets if v.id == "STRAT").axes) == 4
    assert template.places["A.01"].axis.id == "A"


def test_the_fixture_loads_into_the_expected_tree() -> None:
    template = parse_template(FIXTURE.read_bytes(), FIXTURE.name)
    assert [v.id for v in template.volets] == ["STRAT", "PROC"]
    assert [a.id for a in template.axes] == ["A", "B", "C"]
    assert len(template.items) == 20
    assert template.item("B.01").scale is Scale.BINARY
    assert template.item("B.01").codes == (AnswerCode.YES, AnswerCode.NO, AnswerCode.NA)
    assert AnswerCode.NA not in template.item("B.02").codes
    assert template.places["C.07"].theme.id == "C2"


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(b'{"format": 1,\n  "id": }', "bad.json")
    assert "bad.json: file" in str(caught.value)
    assert "line 2, column" in str(caught.value)


def test_item_problems_name_the_item_and_the_field() -> None:
    data = _data()
    items = data["volets"][0]["axes"][0]["themes"][0]["items"]
    items[1]["weight"] = 0
    items[2]["scale"] = "stars"
    items[3]["actions"][0]["interest"] = "énorme"
    items[4]["id"] = "A.01"
    issues = _issues(data)
    assert "broken.json: item A.02: weight: 0 must be a number above 0" in issues
    assert any(i.startswith("broken.json: item A.03: scale: 'stars' is not one of") for i in issues)
    assert any("item A.04 > actions[0]: interest" in i for i in issues)
    assert "broken.json: item A.01: id: is used twice" in issues


def test_a_theme_with_fewer_than_five_items_is_refused() -> None:
    data = _data()
    del data["volets"][0]["axes"][0]["themes"][0]["items"][4]
    assert "broken.json: theme A1: items: has 4 items, at least 5" in _issues(data)


def test_missing_top_level_fields_are_all_reported_at_once() -> None:
    data = _data()
    del data["title"]
    data["version"] = "v2"
    data["target"] = "hospital"
    issues = _issues(data)
    assert "broken.json: questionnaire: title: is required" in issues
    assert any("version: must look like" in i for i in issues)
    assert any("target: 'hospital' is not one of" in i for i in issues)


def test_a_weight_that_is_not_a_finite_number_is_refused() -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace('"weight": 3', '"weight": NaN', 1)
    with pytest.raises(TemplateError) as caught:
        parse_template(text.encode(), "nan.json")
    # Refused by the bounded JSON loader before the questionnaire checks see it.
    assert "nan.json: file: : NaN is not a number JSON allows" in str(caught.value)
