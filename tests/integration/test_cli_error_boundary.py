"""The CLI's error boundary: never a traceback, one short line, a documented exit code.

Exit 2 for what a user can act on (a bad argument, a missing file, a locked, read-only or
full database, a number too large to compute with); exit 3 and the traceback in the log
file for anything else.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy.exc
from integration_support import Cli, make_finess, make_input

from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.establishments.service import EstablishmentService
from hospiperf_desktop.services import Services
from hospiperf_desktop.storage import database

FINESS = make_finess(3)


@pytest.fixture
def ready(cli: Cli) -> Cli:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Test",
                       "--kind", "ch", "--beds", "120")  # fmt: skip
    assert code == 0, err
    return cli


def _one_clean_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert len(err) < 1024
    assert not any(ord(c) < 32 for c in err[:-1]), "no control character in the message"
    return err


def test_an_unexpected_error_prints_one_line_exits_3_and_logs_the_traceback(
    ready: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(self: EstablishmentService) -> None:
        raise RuntimeError("boom\x00" * 2000)

    monkeypatch.setattr(EstablishmentService, "list", broken)
    code, _, err = ready("establishment", "list")
    assert code == 3
    _one_clean_line(err)
    log = tmp_path / "logs" / "hospiperf.log"
    assert err.startswith("hospiperf: unexpected error (RuntimeError: boom")
    assert err.rstrip().endswith(f"details in {log}")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "in broken" in text and "hospiperf establishment" in text


@pytest.mark.parametrize(
    ("sqlite_message", "expected"),
    [
        ("attempt to write a readonly database", "read-only file or folder"),
        ("database or disk is full", "the disk is full"),
        ("disk I/O error", "the disk reported an error"),
    ],
)
def test_database_faults_are_messages_with_exit_2(
    ready: Cli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sqlite_message: str,
    expected: str,
) -> None:
    def failing(self: EstablishmentService) -> None:
        # As SQLAlchemy raises it: the sqlite3 error wrapped in its own OperationalError.
        raise sqlalchemy.exc.OperationalError(
            "INSERT …", {}, sqlite3.OperationalError(sqlite_message)
        )

    monkeypatch.setattr(EstablishmentService, "list", failing)
    code, _, err = ready("establishment", "list")
    assert code == 2
    assert expected in _one_clean_line(err)
    assert not (tmp_path / "logs").exists(), "a known fault is not a bug: nothing logged"


def test_a_database_locked_by_another_program_is_a_message_with_the_busy_exit_code(
    ready: Cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        code, _, err = ready("establishment", "update", FINESS, "--name", "CH Renommé")
        other.execute("ROLLBACK")
    assert code == 22  # busy (docs/backups.md): the script can wait and try again
    assert "the database is busy: another program kept it locked" in _one_clean_line(err)
    code, listing, _ = ready("establishment", "list")
    assert "CH Test" in listing, "nothing was changed"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("diag", "show", str(2**63)), "is not a valid id"),
        (("diag", "show", "99999999999999999999999"), "is not a valid id"),
        (("calc", "scenario-show", "0"), "is not a valid id"),
        (("dashboard", "--establishment", FINESS, "--year", "-2026"), "is not a year"),
        (("bundle", "export", "--establishment", FINESS, "--year", "-1", "--out", "x.zip"),
         "is not a year"),
        (("calc", "purchasing", "/nonexistent/paat.csv"), "file not found"),
        (("activity", "import", "/nonexistent/a.xlsx", "--establishment", FINESS,
          "--year", "2026"), "file not found"),
        (("stock", "reorder", "--establishment", FINESS, "--service-level", "inf"),
         "not a finite number"),
        (("calc", "coordinated", "--structure", "MSP", "--teleconsultations", "-3"),
         "is not a count"),
        (("stock", "indicators", "--establishment", FINESS, "--window", "10" * 30),
         "too large to compute"),
        (("establishment", "update", FINESS, "--beds", "1e400"), "is not a whole number"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_in_one_line_with_exit_2(
    ready: Cli, args: tuple[str, ...], expected: str
) -> None:
    code, _, err = ready(*args)
    assert code == 2
    assert expected in _one_clean_line(err)


def test_a_sum_too_large_to_compute_is_a_message_with_exit_2(ready: Cli, db: Path) -> None:
    measures = ("lignes_cmd_medicaments", "lignes_cmd_dmi")
    for measure in measures:
        code, _, err = ready("activity", "set", "--establishment", FINESS, "--year", "2026",
                             measure, "100")  # fmt: skip
        assert code == 0, err
    with closing(sqlite3.connect(db)) as conn:  # stored before values were checked
        conn.execute(
            "UPDATE activity_values SET value = 1.5e307 WHERE measure_id IN (?, ?)", measures
        )
        conn.commit()
    # Each work-unit count (value x coefficient) is finite; their sum is not.
    code, _, err = ready("uo", "compute", "--establishment", FINESS, "--year", "2026", "--json")
    assert code == 2
    assert "too large to compute" in _one_clean_line(err)


def test_values_typed_on_the_command_line_are_finite_and_of_sane_size(ready: Cli) -> None:
    for text in ("1e308", "-2e12", "inf"):
        code, _, err = ready("activity", "set", "--establishment", FINESS, "--year", "2026",
                             "etp_pui", text)  # fmt: skip
        assert code == 2, text
        _one_clean_line(err)
    code, _, err = ready("calc", "coordinated", "--structure", "MSP", "--pharmacist-share", "nan")
    assert code == 2 and "not a finite number" in _one_clean_line(err)


def test_json_output_never_prints_infinity_or_nan(ready: Cli, db: Path) -> None:
    code, _, err = ready("activity", "set", "--establishment", FINESS, "--year", "2026",
                         "etp_pui", "10")  # fmt: skip
    assert code == 0, err
    with closing(sqlite3.connect(db)) as conn:  # stored before values were checked
        conn.execute("UPDATE activity_values SET value = 9e999 WHERE measure_id = 'etp_pui'")
        conn.commit()
    code, out, err = ready("activity", "show", "--establishment", FINESS, "--year", "2026",
                           "--json")  # fmt: skip
    assert code == 0

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(out, parse_constant=refuse)
    assert "non-finite numbers printed as null" in err
    assert "etp_pui" in json.dumps(data)


def test_a_bundle_never_carries_infinity_stored_before_values_were_checked(
    services: Services, db_file: Path
) -> None:
    establishment = services.establishments.add(make_input(4))
    services.activity.values.set_values(
        establishment.id, 2026, {("lignes_cmd_medicaments", 0): 10.0, ("etp_pui", 0): 2.0}
    )
    with closing(sqlite3.connect(db_file)) as conn:
        conn.execute("UPDATE activity_values SET value = 9e999 WHERE measure_id = 'etp_pui'")
        conn.commit()
    prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    documents = [f for f in prepared.files if f.path.endswith(".json")]
    assert len(documents) >= 3
    for document in documents:
        json.loads(document.content, parse_constant=refuse)


def test_an_error_message_never_echoes_control_characters_or_megabytes(ready: Cli) -> None:
    code, _, err = ready("establishment", "update", "\x00" * 4096 + "\x1b[31m")
    assert code == 2
    _one_clean_line(err)
