"""The hostile ARS corpus (tests/fixtures/hostile/ars/, made by make_corpus.py).

Each bundle is correctly signed by a trusted key and malformed inside. The rule for every
one: `hospiperf ars import` exits with 1, names the documented reason in a message under
1 KB with no control character, prints no traceback, and leaves the database unchanged;
`hospiperf bundle verify` refuses it for the same reason.
The control bundle `valid.zip` must import, which shows that the key and layout are sound.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hospiperf_desktop.cli import main

CORPUS = Path(__file__).parents[1] / "fixtures" / "hostile" / "ars"
EXPECTED: dict[str, dict[str, str]] = json.loads(
    (CORPUS / "expected.json").read_text(encoding="utf-8")
)
KEY = CORPUS / "corpus-key.pub.json"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def test_the_corpus_is_complete() -> None:
    bundles = sorted(p.name for p in CORPUS.glob("*.zip"))
    assert bundles == sorted(EXPECTED)
    assert len(bundles) >= 50


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_bundle_is_refused_by_the_rule(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "ars.sqlite"
    url = f"sqlite:///{database}"
    code, _, err = _run(capsys, "ars", "keys", "--db-url", url, "--add", str(KEY))
    assert code == 0, err
    code, out, err = _run(
        capsys, "bundle", "verify", str(CORPUS / name), "--trusted-keys", str(KEY), "--json"
    )
    verdict = json.loads(out)
    expected_ok = EXPECTED[name]["reason"] == "ok"
    assert verdict["valid"] is expected_ok, verdict
    assert code == (0 if expected_ok else 1) and not err
    if not expected_ok:
        assert verdict["reason"] == EXPECTED[name]["reason"], "verify says what import says"
    before = _dump(database)
    code, out, err = _run(capsys, "ars", "import", str(CORPUS / name), "--db-url", url, "--json")
    assert "Traceback" not in err and not err
    (outcome,) = json.loads(out)["bundles"]
    expected = EXPECTED[name]
    assert outcome["reason"] == expected["reason"], outcome["message"]
    if expected["reason"] == "ok":
        assert code == 0 and outcome["status"] == "imported"
        assert _dump(database) != before
        return
    assert code == 1 and outcome["status"] == "refused"
    message = outcome["message"]
    assert message.startswith(f"{name}: ") and expected["where"] in message, message
    assert len(message.encode()) < 1024
    assert not re.search(r"[\x00-\x1f\x7f]", message)
    assert _dump(database) == before, "a refused bundle writes nothing"
