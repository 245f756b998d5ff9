"""The core must work where Qt is absent: import every core module with Qt made unimportable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import importlib, pkgutil, sys

class Blocker:
    BLOCKED = ("PySide6", "shiboken6", "ui", "matplotlib.pyplot")
    def find_spec(self, name, path=None, target=None):
        if name in self.BLOCKED or name.startswith(tuple(b + "." for b in self.BLOCKED)):
            raise ImportError(f"the core imported {name}")
        return None

sys.meta_path.insert(0, Blocker())
import hospiperf_desktop
names = [m.name for m in pkgutil.walk_packages(hospiperf_desktop.__path__, "hospiperf_desktop.")
         if ".migrations." not in m.name and not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
from hospiperf_desktop.cli import main
code = main(["--db", sys.argv[1], "establishment", "list", "--json"])
print(len(names), code)
"""


def test_every_core_module_imports_and_the_cli_runs_without_qt(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "core.sqlite")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    modules, code = result.stdout.split()[-2:]
    assert int(modules) >= 15
    assert code == "0"


def test_the_command_line_loads_heavy_libraries_only_when_a_command_needs_them() -> None:
    """`hospiperf --version` or `establishment list` must not pay for charts, workbooks,
    PDF or cryptography: those are imported inside the commands that use them."""
    import subprocess
    import sys

    code = (
        "import sys, hospiperf_desktop.cli as c; c.build_parser();"
        "print(','.join(m for m in ('matplotlib', 'openpyxl', 'reportlab', 'cryptography')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
