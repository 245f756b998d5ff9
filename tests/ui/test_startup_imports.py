"""The window must show before heavy libraries load: importing the UI must not pull them in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "alembic", "matplotlib", "openpyxl", "reportlab")


def test_starting_the_ui_does_not_import_heavy_libraries():
    code = f"import sys, ui.app; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == []


# Loaded only when a section, a document or a signature needs them.
ON_DEMAND = ("matplotlib", "openpyxl", "reportlab", "cryptography", "numpy", "PIL", "psycopg")
# Light, but not needed to paint the window (a few milliseconds each): imported where used.
AFTER_SHOWN = ("html", "dataclasses")
WATCH_MARKS = """
import sys
import ui.smoke as smoke

shown = smoke.mark

def mark(event):
    shown(event)
    names = {names!r}
    print(event, "loaded", *[m for m in names if m in sys.modules], flush=True)
    print(event, "switch", sys.getswitchinterval(), flush=True)

smoke.mark = mark
from ui.app import run
sys.exit(run(["main.py", "--db", sys.argv[1], "--smoke-test"]))
"""


def test_the_window_shows_and_lists_before_heavy_libraries_load(tmp_path):
    """Shown: neither the ORM nor anything heavy; first listing (a database at the current
    schema) and services open: still no chart, workbook, PDF, crypto or migration library."""
    from hospiperf_desktop.services import open_services

    database = tmp_path / "start.sqlite"
    open_services(database).close()
    # The table modules (their Qt enums take milliseconds) come with the first page, after
    # the window is shown.
    code = WATCH_MARKS.format(names=(*HEAVY, *ON_DEMAND, *AFTER_SHOWN, "ui.record_table"))
    result = subprocess.run(
        [sys.executable, "-c", code, str(database)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)},
        timeout=60,
        check=True,
    )
    loaded = {
        line.split()[0]: set(line.split()[2:])
        for line in result.stdout.splitlines()
        if line.split()[1:2] == ["loaded"]
    }
    switch = {
        line.split()[0]: float(line.split()[2])
        for line in result.stdout.splitlines()
        if line.split()[1:2] == ["switch"]
    }
    # The worker hands the interpreter over to the window within 1 ms (ui/app.py).
    assert switch["shown"] == pytest.approx(0.001)
    assert loaded["shown"] == set()
    after_shown = {"ui.record_table", *AFTER_SHOWN}
    assert loaded["ready"] - after_shown <= {"sqlalchemy"}  # services may be opening
    assert loaded["services"] - after_shown == {"sqlalchemy"}
