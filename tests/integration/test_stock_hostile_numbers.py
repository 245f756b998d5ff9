"""Every hostile number of tests/fixtures/hostile/stock-numbers: refused by the rule."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from integration_support import Cli, make_finess

FINESS = make_finess(13)
CORPUS = Path(__file__).parent.parent / "fixtures" / "hostile" / "stock-numbers"


def _dump(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.csv")), ids=lambda p: p.stem)
def test_a_hostile_number_is_refused_with_a_short_clean_message_and_nothing_written(
    cli: Cli, db: Path, path: Path
) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Hostile",
                       "--kind", "ch", "--beds", "50")  # fmt: skip
    assert code == 0, err
    before = _dump(db)
    code, out, err = cli("stock", "import", str(path), "--establishment", FINESS,
                         "--kind", "snapshot", "--date", "31/03/2026")  # fmt: skip
    assert code == 2 and out == ""
    assert err.startswith("hospiperf: error: ") and "Traceback" not in err
    assert f"{path.name}, line 2" in err
    assert len(err.encode()) < 1024
    assert not any(ord(c) < 32 and c != "\n" for c in err)
    assert err.count("\n") == 1
    assert _dump(db) == before
