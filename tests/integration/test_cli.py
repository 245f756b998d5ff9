"""The `hospiperf` command line, end to end on a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from integration_support import Cli, audit_count, make_finess, raw_rows, tamper

from hospiperf_desktop import __version__
from hospiperf_desktop.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]


def _add(cli: Cli, finess: str, name: str = "CH de Test", *extra: str) -> tuple[int, str, str]:
    return cli("establishment", "add", "--finess", finess, "--name", name, "--kind", "ch", *extra)


def _listed(cli: Cli) -> list[dict[str, Any]]:
    code, out, _err = cli("establishment", "list", "--json")
    assert code == 0
    listed: list[dict[str, Any]] = json.loads(out)
    return listed


def test_init_creates_the_database(cli: Cli, db: Path) -> None:
    code, out, err = cli("init")
    assert (code, err) == (0, "")
    assert db.exists() and str(db) in out


def test_add_then_list_as_json(cli: Cli) -> None:
    details = ["--region", "ile-de-france", "--beds", "1200", "--ght-support", "--ght", "GHT Paris"]
    code, out, _ = _add(cli, "75 071 218 4", "AP-HP", *details)
    assert code == 0 and "750712184" in out
    (item,) = _listed(cli)
    assert item["finess"] == "750712184"
    assert item["name"] == "AP-HP"
    assert item["kind"] == "ch"
    assert item["region"] == "Île-de-France"
    assert item["beds"] == 1200
    assert item["is_ght_support"] is True and item["ght_name"] == "GHT Paris"
    assert item["overseas"] is False


def test_overseas_is_deduced_from_the_finess(cli: Cli) -> None:
    assert _add(cli, "970109609")[0] == 0
    assert _listed(cli)[0]["overseas"] is True


def test_a_bad_finess_is_one_error_line_and_nothing_is_added(cli: Cli, db: Path) -> None:
    code, out, err = _add(cli, "750712185")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "check digit" in err
    assert _listed(cli) == []
    assert audit_count(db) == 0


def test_an_unknown_command_is_one_error_line(cli: Cli) -> None:
    code, out, err = cli("frobnicate")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "frobnicate" in err


def test_demo_reports_what_it_added_and_adds_nothing_twice(cli: Cli) -> None:
    code, out, _ = cli("demo", "--json")
    assert code == 0
    result = json.loads(out)
    stock = result["added"].pop("stock")  # rows imported and shortages recorded
    activity = result["added"].pop("activity")  # values entered
    assert result["added"] == {
        "profiles": 3,
        "establishments": 5,
        "diagnostics": 4,
        "calculators": 2,
    }
    assert stock > 1_000 and activity > 300 and result["total"] == 14 + stock + activity
    assert json.loads(cli("demo", "--json")[1])["total"] == 0
    assert len(_listed(cli)) == 5


def test_audit_verify_passes_then_fails_after_tampering(cli: Cli, db: Path) -> None:
    _add(cli, make_finess(1))
    _add(cli, make_finess(2))
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "intact" in out
    tamper(db, "UPDATE audit_entries SET actor = 'someone else' WHERE id = 1")
    code, out, _ = cli("audit", "verify")
    assert code == 1
    assert "BROKEN" in out and "entry 1" in out
    code, out, _ = cli("audit", "verify", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert [p["code"] for p in report["problems"]] == ["altered"]


def test_update_changes_only_the_given_fields(cli: Cli) -> None:
    _add(cli, make_finess(1), "Old name", "--beds", "40")
    code, out, _ = cli("establishment", "update", make_finess(1), "--name", "New name")
    assert code == 0 and "New name" in out
    (item,) = _listed(cli)
    assert (item["name"], item["beds"]) == ("New name", 40)


def test_update_of_an_unknown_finess_is_an_error(cli: Cli) -> None:
    code, _, err = cli("establishment", "update", make_finess(9), "--name", "x")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_delete_needs_yes(cli: Cli, db: Path) -> None:
    _add(cli, make_finess(1))
    code, _, err = cli("establishment", "delete", make_finess(1))
    assert code == 2 and "--yes" in err and len(err.strip().splitlines()) == 1
    assert len(_listed(cli)) == 1
    code, out, _ = cli("establishment", "delete", make_finess(1), "--yes")
    assert code == 0 and make_finess(1) in out
    assert _listed(cli) == []
    assert raw_rows(db, "SELECT action FROM audit_entries ORDER BY id") == [
        ("create",),
        ("delete",),
    ]


def test_profiles_add_list_and_use(cli: Cli, db: Path) -> None:
    assert cli("profile", "add", "--name", "Claire Martin", "--role", "pharmacist")[0] == 0
    assert cli("profile", "add", "--name", "Julien Roche", "--role", "preparateur", "--use")[0] == 0
    code, out, _ = cli("profile", "list", "--json")
    profiles = {p["name"]: p for p in json.loads(out)}
    assert code == 0 and profiles["Julien Roche"]["current"] is True
    assert profiles["Claire Martin"]["current"] is False
    code, out, _ = cli("profile", "use", str(profiles["Claire Martin"]["id"]))
    assert code == 0 and "Claire Martin" in out
    _add(cli, make_finess(1))
    actors = raw_rows(db, "SELECT actor FROM audit_entries WHERE entity = 'establishment'")
    assert actors == [("Claire Martin (pharmacist)",)]
    code, _, err = cli("profile", "add", "--name", "X", "--role", "boss")
    assert code == 2 and len(err.strip().splitlines()) == 1, "unknown role: one error line"


def test_version(cli: Cli) -> None:
    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"hospiperf {__version__}"


def _console(
    db_folder: Path, *args: str, env_db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("HOSPIPERF_DB", None)
    env["XDG_DATA_HOME"] = str(db_folder / "xdg")  # never the real user data folder
    if env_db is not None:
        env["HOSPIPERF_DB"] = str(env_db)
    return subprocess.run(
        [sys.executable, "-m", "hospiperf_desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_real_console_entry_lists_json_with_db_or_environment(cli: Cli, db: Path) -> None:
    _add(cli, make_finess(1), "Via the console")
    by_option = _console(db.parent, "--db", str(db), "establishment", "list", "--json")
    assert by_option.returncode == 0, by_option.stderr
    assert [e["name"] for e in json.loads(by_option.stdout)] == ["Via the console"]
    by_env = _console(db.parent, "establishment", "list", "--json", env_db=db)
    assert by_env.returncode == 0, by_env.stderr
    assert json.loads(by_env.stdout) == json.loads(by_option.stdout)


def test_changing_to_an_overseas_finess_marks_the_establishment_overseas(tmp_path, capsys):
    db = str(tmp_path / "o.sqlite")
    assert (
        main(
            [
                "--db",
                db,
                "establishment",
                "add",
                "--finess",
                "750712184",
                "--name",
                "A",
                "--kind",
                "ch",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--db",
                db,
                "establishment",
                "update",
                "750712184",
                "--new-finess",
                "970109609",
                "--json",
            ]
        )
        == 0
    )
    updated = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert (updated["finess"], updated["overseas"]) == ("970109609", True)
