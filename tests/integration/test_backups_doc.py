"""The examples of docs/backups.md, run as a user would type them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hospiperf_desktop.storage.migrations import SCHEMA_HEAD

DOC = Path(__file__).parents[2] / "docs" / "backups.md"


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def _hospiperf(db: Path) -> str:
    return f"{sys.executable} -m hospiperf_desktop --db {db}"


def _fill(db: Path) -> None:
    _run(f"{_hospiperf(db)} establishment add --finess 690990023 --name 'CH A' --kind ch")
    _run(f"{_hospiperf(db)} establishment add --finess 690990015 --name 'CH B' --kind ch")


def _run(script: str, **env: str) -> str:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(DOC.parents[1])},
        cwd=DOC.parents[1],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 tool is not installed")
def test_checking_a_backup_by_hand_with_sqlite3_gives_what_the_sidecar_says(tmp_path: Path) -> None:
    db = tmp_path / "old" / "hospiperf.sqlite"
    _fill(db)
    created = json.loads(_run(f"{_hospiperf(db)} backup create --json"))
    sidecar = json.loads(Path(created["file"] + ".json").read_text(encoding="utf-8"))
    [by_hand] = [b for b in _blocks() if "PRAGMA integrity_check" in b]

    lines = _run(by_hand, BACKUP=created["file"]).splitlines()

    assert lines[0] == "ok"
    assert lines[1] == sidecar["revision"] == SCHEMA_HEAD
    assert int(lines[2]) == sidecar["establishments"] == 2
    assert lines[3].split("|")[1] == sidecar["audit_head_hash"]


def test_moving_to_a_new_laptop_as_the_doc_says_brings_every_row(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "hospiperf.sqlite", tmp_path / "new" / "hospiperf.sqlite"
    usb = tmp_path / "usb"
    _fill(old)
    _run(f"{_hospiperf(new)} init")
    [on_old] = [b for b in _blocks() if "backup create --to" in b]
    [on_new] = [b for b in _blocks() if "backup restore" in b]

    _run(
        on_old.replace("hospiperf ", _hospiperf(old) + " ").replace(
            "/media/usb/hospiperf", str(usb)
        )
    )
    [made] = usb.glob("hospiperf-*.sqlite")
    script = on_new.replace("hospiperf ", _hospiperf(new) + " ").replace(
        "/media/usb/hospiperf", str(usb)
    )
    script = re.sub(r"hospiperf-\d{8}-\d{6}-r\d{4}\.sqlite", made.name, script)
    out = _run(script)

    assert "checked" in out and "restored" in out
    listed = json.loads(_run(f"{_hospiperf(new)} establishment list --json"))
    assert len(listed) == 2
    assert "intact" in _run(f"{_hospiperf(new)} audit verify")
