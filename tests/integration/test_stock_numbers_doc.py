"""docs/stock-numbers.md's example, run as written: its file, its commands, their output."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from integration_support import Cli

from hospiperf_desktop.stock.bounds import StockBounds

DOC = Path(__file__).parent.parent.parent / "docs" / "stock-numbers.md"


def _block(text: str, language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", text, re.S)
    assert match is not None, language
    return match.group(1)


def test_the_documented_bounds_format_loads() -> None:
    example = json.loads(_block(DOC.read_text(encoding="utf-8"), "json"))
    bounds = StockBounds.from_json(example)
    assert (bounds.quantity.high, bounds.unit_price.high, bounds.value.high) == (
        1_000_000, 3_000_000, 20_000_000,
    )  # fmt: skip


def test_the_documented_example_runs_as_shown(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DOC.read_text(encoding="utf-8")
    (tmp_path / "inventaire.csv").write_text(_block(text, "csv"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("establishment", "add", "--finess", "750000077", "--name", "CH Doc",
                       "--kind", "ch", "--beds", "100")  # fmt: skip
    assert code == 0, err
    session = _block(text, "console").strip().split("\n$ ")
    assert len(session) == 3
    for step in session:
        command, *expected = step.removeprefix("$ ").split("\n")
        args = shlex.split(command)
        assert args[0] == "hospiperf"
        code, out, err = cli(*args[1:])
        shown = (err or out).strip().split("\n")
        assert code == (2 if err else 0), err
        for line in expected:
            if line == "…":
                continue
            pieces = line.split("…")
            found = next((s for s in shown if s.startswith(pieces[0])), None)
            assert found is not None, (line, shown)
            position = 0
            for piece in pieces:  # every piece, in order
                position = found.index(piece, position) + len(piece)
