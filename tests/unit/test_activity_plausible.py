"""Plausible ranges of the activity measures: loaded with their source, required for every
measure, and used to find the values that need a justification (pure, no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospiperf_desktop.activity.catalog import ValueProblem, check_value, load_catalog
from hospiperf_desktop.activity.unusual import Place, find_unusual
from hospiperf_desktop.paths import resource_path

SHIPPED = resource_path("activity", "measures.json")


def _copy_without_range(tmp_path: Path, measure_id: str) -> Path:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for family in data["families"]:
        for measure in family["measures"]:
            if measure["id"] == measure_id:
                del measure["plausible"]
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_measure_without_a_plausible_range_is_refused_by_the_loader(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'commandes_dmi': no plausible range"):
        load_catalog(_copy_without_range(tmp_path, "commandes_dmi"))


def test_a_value_past_the_magnitude_limit_is_refused_naming_the_plausible_range() -> None:
    orders = load_catalog(SHIPPED).measure("commandes_dmi")
    with pytest.raises(ValueProblem) as caught:
        check_value(orders, 10**16)
    assert "10,000,000,000,000,000 is larger than any value kept" in str(caught.value)
    assert "plausible range 0 to 30,000 (hypothèse HospiPerf" in str(caught.value)
    assert check_value(orders, 1e15) == 1e15, "the limit itself is a number we keep"


def test_unusual_values_are_found_by_range_then_by_distance_to_n_1_cleared_ones_never() -> None:
    measures = load_catalog(SHIPPED).measures
    previous = {("prep_cytotoxiques", 0): 1000.0, ("commandes_dmi", 0): 20_000.0}
    values = {
        ("commandes_dmi", 0): 45_000.0,  # outside 0 - 30 000 (and near N-1)
        ("prep_cytotoxiques", 0): 99.0,  # 10.1 times less than N-1
        ("prep_nutrition_parenterale", 0): 500.0,  # no N-1: only the range counts
        ("etp_pui", 0): None,  # cleared
    }
    place = Place("activite.csv", 3, "B (valeur)")
    found = find_unusual(
        measures,
        values,
        lambda measure, month: previous.get((measure, month)),
        {("commandes_dmi", 0): place},
    )
    assert [(u.measure_id, u.reason, u.previous) for u in found] == [
        ("commandes_dmi", "outside_range", 20_000.0),
        ("prep_cytotoxiques", "far_from_previous", 1000.0),
    ]
    assert str(found[0]).startswith(
        "activite.csv, line 3, column B (valeur): commandes_dmi/0: 45,000 is outside the"
        " plausible range 0 to 30,000"
    )
    assert "more than ten times away from N-1 (1,000" in str(found[1])
