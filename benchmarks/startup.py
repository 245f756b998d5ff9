"""Start-up time of the application against a bare PySide6 window, in one run.

Both programs are started as fresh processes, alternating, several times each. Each prints
`shown <t>` (and the application `ready <t>`) with time.monotonic(), which is comparable
across processes, so the time counted runs from just before the process is spawned.

    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py [--runs N]

The last lines are `shown_ratio=X` (application window shown / bare window shown),
`ready_ratio=Y` (first listing on screen / bare window shown) and `services_ratio=Z`
(database and services open, every button usable / bare window shown). The first listing
may be read before the services are open (hospiperf_desktop/establishments/peek.py).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE_WINDOW = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.show()
app.processEvents()
print(f"shown {time.monotonic():.6f}", flush=True)
"""


def _timed(command: list[str]) -> dict[str, float]:
    start = time.monotonic()
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    marks = {}
    for line in result.stdout.splitlines():
        event, _, moment = line.partition(" ")
        if event in ("shown", "ready", "services"):
            marks[event] = float(moment) - start
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Measure what users run: compiled bytecode, as a pip install or the bundle provides
    # (this machine sets PYTHONDONTWRITEBYTECODE, which would recompile our code each start).
    compileall.compile_dir(ROOT / "hospiperf_desktop", quiet=1)
    compileall.compile_dir(ROOT / "ui", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.sqlite")
        # A realistic database (created, migrated, with the demonstration data) so that the
        # measured start checks the migrations instead of running them.
        subprocess.run(
            [sys.executable, "-m", "hospiperf_desktop", "--db", db, "demo"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        bare_cmd = [sys.executable, "-c", BARE_WINDOW]
        app_cmd = [sys.executable, "main.py", "--db", db, "--smoke-test"]
        _timed(bare_cmd), _timed(app_cmd)  # warm the file cache
        bare, shown, ready, services = [], [], [], []
        for _ in range(args.runs):
            bare.append(_timed(bare_cmd)["shown"])
            marks = _timed(app_cmd)
            shown.append(marks["shown"])
            ready.append(marks["ready"])
            services.append(marks["services"])
    baseline = statistics.median(bare)
    print(f"runs={args.runs} (medians, ms)")
    print(f"bare_window_shown={baseline * 1000:.0f}")
    print(f"app_window_shown={statistics.median(shown) * 1000:.0f}")
    print(f"app_data_ready={statistics.median(ready) * 1000:.0f}")
    print(f"app_services_open={statistics.median(services) * 1000:.0f}")
    print(f"shown_ratio={statistics.median(shown) / baseline:.2f}")
    print(f"ready_ratio={statistics.median(ready) / baseline:.2f}")
    print(f"services_ratio={statistics.median(services) / baseline:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
