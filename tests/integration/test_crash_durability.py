"""A process killed while saving loses nothing it reported as saved, and leaves no damage."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from integration_support import raw_rows

from hospiperf_desktop.services import open_services

REPO_ROOT = Path(__file__).resolve().parents[2]
LINES_BEFORE_KILL = 30
MAX_ADDS = 5000  # the child stops by itself even if the kill never comes
WAIT_SECONDS = 60

CHILD = f"""
import sys
from pathlib import Path
from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.services import open_services

services = open_services(Path(sys.argv[1]))
for serial in range({MAX_ADDS}):
    payload = "69" + format(serial, "06d")
    finess = payload + luhn_check_digit(payload)
    services.establishments.add(EstablishmentInput(finess=finess, name=f"CH {{serial}}",
                                                   kind="ch", beds=serial))
    print(finess, flush=True)
"""


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.strip())
    lines.put(None)


def _run_and_kill(db_path: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True).start()
    committed: list[str] = []
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while len(committed) < LINES_BEFORE_KILL and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            committed.append(line)
    finally:
        if sys.platform == "win32":
            child.kill()
        else:
            child.send_signal(signal.SIGKILL)
        child.wait(timeout=WAIT_SECONDS)
    assert len(committed) >= LINES_BEFORE_KILL, (
        f"the child reported {len(committed)} saves; stderr:\n"
        f"{child.stderr.read() if child.stderr else ''}"
    )
    assert child.returncode != 0, "the child was killed mid-loop, not finished"
    # Anything the child saved after our last read was also committed: collect it too.
    while (line := lines.get(timeout=WAIT_SECONDS)) is not None:
        committed.append(line)
    return committed


def test_every_reported_save_survives_a_kill_and_the_file_is_sound(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.sqlite"
    committed = _run_and_kill(db_path)

    services = open_services(db_path)
    try:
        stored = {e.finess for e in services.establishments.list()}
        missing = [f for f in committed if f not in stored]
        assert not missing, f"reported as saved but lost after the kill: {missing}"
        assert len(stored) <= len(committed) + 1, "at most the save in progress is extra"
        report = services.audit.verify()
        assert report.ok, report.problems
        assert report.entries_checked == len(stored)
    finally:
        services.close()
    assert raw_rows(db_path, "PRAGMA integrity_check") == [("ok",)]
