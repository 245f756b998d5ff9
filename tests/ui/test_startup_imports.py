"""The window must show before heavy libraries load: importing the UI must not pull them in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
