"""docs/sterilisation.md's worked example: its JSON is the shipped example, and the CLI gives
the values the page states."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from integration_support import Cli

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "sterilisation.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_worked_example_of_the_doc_page_gives_the_stated_values(
    cli: Cli, tmp_path: Path
) -> None:
    study = json.loads(_blocks("json")[-1])
    assert study == json.loads(
        (ROOT / "resources" / "examples" / "sterilisation-2026.json").read_text(encoding="utf-8")
    )
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    code, text, err = cli("calc", "sterilisation", str(path), "--json")
    assert code == 0, err
    answer = json.loads(text)
    stated = [line.split(" = ") for line in _blocks("text")[-1].strip().splitlines()]
    assert len(stated) == 12
    for key, value in stated:
        got = answer
        for part in key.split("."):
            got = got[part]
        if isinstance(got, list):
            assert ", ".join(got) == value, key
        elif isinstance(got, str):
            assert got == value, key
        else:
            assert got == pytest.approx(float(value), abs=0.01), key


def test_the_mapping_example_of_the_doc_page_is_a_valid_mapping(tmp_path: Path) -> None:
    from hospiperf_desktop.calculators.sterilisation_extraction import (
        ExtractionMapping,
        read_extraction,
    )

    mapping = json.loads(_blocks("json")[0])
    export = tmp_path / "export.csv"
    export.write_text(
        "Date;Libellé boîte;Procédé\n"
        "02/01/2026;BOITE GENOU;Vapeur\n"
        "03/01/2026;Optique 30°;Plasma\n",
        encoding="utf-8",
    )
    extraction = read_extraction(export, 2026, ExtractionMapping(**mapping))
    assert [(a.category, a.process, a.count) for a in extraction.activity] == [
        ("BD01", "basse_temperature", 1),
        ("VS3", "vapeur", 1),
    ]
