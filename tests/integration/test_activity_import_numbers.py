"""`hospiperf activity import` of a `;` file: a lone "1.500" is refused naming its file, line
and column until `--decimal-point` or `--thousands-point` says what a dot means; the choice is
audited with each value it read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import Cli, make_finess, raw_rows

FINESS = make_finess(23)
DMI = "conso_dms_dmi"
DRUGS = "conso_medicaments"


@pytest.fixture
def ready(cli: Cli) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Points",
                       "--kind", "ch", "--beds", "250")  # fmt: skip
    assert code == 0, err


def _stored(db: Path) -> list[tuple[str, int, float]]:
    rows = raw_rows(db, "SELECT measure_id, month, value FROM activity_values ORDER BY 1, 2")
    return [tuple(r) for r in rows]


def _import(cli: Cli, path: Path, *flags: str) -> tuple[int, str, str]:
    return cli("activity", "import", str(path), "--establishment", FINESS, "--year", "2026",
               *flags)  # fmt: skip


def test_a_lone_1_500_is_refused_naming_line_and_column_until_the_dot_is_said(
    cli: Cli, ready: None, db: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "activite.csv"
    sheet.write_text(f"code;valeur\n{DRUGS};12\n{DMI};1.500\n", encoding="utf-8")
    code, out, err = _import(cli, sheet)
    assert code == 2 and out == ""
    assert "ambiguous numbers: (say what a dot means with --decimal-point or" in err
    assert "activite.csv, line 3, column B (valeur): '1.500' could be 1.5 or 1500" in err
    assert "Traceback" not in err
    assert _stored(db) == []

    code, _, err = _import(cli, sheet, "--thousands-point")
    assert code == 0, err
    assert _stored(db) == [(DMI, 0, 1500.0), (DRUGS, 0, 12.0)]
    [after] = raw_rows(
        db, f"SELECT after FROM audit_entries WHERE entity_id LIKE '%/{DMI}' ORDER BY id"
    )
    assert json.loads(after[0]) == {
        "value": 1500.0,
        "file": "activite.csv",
        "single_dot": "thousands",
    }

    code, _, err = _import(cli, sheet, "--decimal-point")
    assert code == 0, err
    assert _stored(db) == [(DMI, 0, 1.5), (DRUGS, 0, 12.0)]


def test_the_file_of_the_issue_reads_1_500_as_its_column_does(
    cli: Cli, ready: None, db: Path, tmp_path: Path
) -> None:
    """`1.500` next to `2.500.000`: the column groups thousands with dots, so 1 500 €."""
    sheet = tmp_path / "b.csv"
    sheet.write_text(f"code;valeur\n{DMI};1.500\n{DRUGS};2.500.000\n", encoding="utf-8")
    code, _, err = _import(cli, sheet)
    assert code == 0, err
    assert _stored(db) == [(DMI, 0, 1500.0), (DRUGS, 0, 2_500_000.0)]


def test_both_flags_at_once_are_a_usage_error(cli: Cli, ready: None, tmp_path: Path) -> None:
    sheet = tmp_path / "activite.csv"
    sheet.write_text(f"code;valeur\n{DMI};1.500\n", encoding="utf-8")
    code, _, err = _import(cli, sheet, "--decimal-point", "--thousands-point")
    assert code == 2 and "not allowed with argument" in err
