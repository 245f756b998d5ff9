"""Questionnaire workbooks: every shipped questionnaire round-trips; mistakes are all reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.loader import load_template_file, parse_template
from hospiperf_desktop.diagnostics.workbook import (
    read_workbook,
    template_to_workbook,
    to_json_bytes,
)
from hospiperf_desktop.paths import resource_path

SHIPPED = sorted(resource_path("questionnaires").glob("*.json"))


def _defaults(document: dict[str, object]) -> dict[str, object]:
    """The document with the loader's defaults written out (the workbook always writes them)."""
    data = json.loads(json.dumps(document))
    data.setdefault("structure_note", "")
    for volet in data["volets"]:
        for axis in volet["axes"]:
            for theme in axis["themes"]:
                for item in theme["items"]:
                    item.setdefault("help", "")
                    item.setdefault("weight", 1)
                    item.setdefault("critical", False)
                    item.setdefault("scale", "graded")
                    item.setdefault("na_allowed", True)
                    for action in item["actions"]:
                        action.setdefault("who", "")
    return data


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_questionnaire_round_trips_through_its_workbook(
    path: Path, tmp_path: Path
) -> None:
    original = load_template_file(path)
    workbook = tmp_path / f"{path.stem}.xlsx"
    template_to_workbook(original, workbook)
    document, imported = read_workbook(workbook)
    assert imported == original  # every text, weight, flag, action and their order
    assert document == _defaults(json.loads(path.read_bytes()))
    assert parse_template(to_json_bytes(document), "again") == original


def test_shipped_questionnaires_are_found() -> None:
    assert len(SHIPPED) >= 14
