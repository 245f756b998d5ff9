"""Speed at scale: every section and main action, on the demonstration and a region's database.

The large database (50 establishments, 10 years of activity, 1,000 diagnostics with ~86k
answers and ~25k plan actions, 4 sites of 2,000 products with two years of daily movements,
~2.7M) is built once through the application's services and cached (`scale_data.py`; a few
minutes the first time). The small one is the demonstration data.

For each database the real main window is opened on a copy, and each action is run on the
GUI thread as a user's click would: a 10 ms QTimer probe records the largest gap between its
ticks (the longest time the window could not repaint or answer) while the action and every
worker job it starts run to the end (the task runner idle for 150 ms). One line per measure:

    name small_ms large_ms ratio

where names ending in `_block` are the longest GUI-thread block and the others wall time.
Last, `bundle_export` times preparing an export bundle (through the services, off the window)
of the establishment with the most validated diagnostics, and `bundle_export_again` the same
export once more (its PDF reports are then found, not made again); `bundle_export_one_report`
(and `_again`) the same with only its first validated diagnostic: one report on either
database, the same work, so that its ratio is the cost of the database's size alone. The last
lines name the blocks over 100 ms and the wall times over twice the small database's.

    QT_QPA_PLATFORM=offscreen python benchmarks/scale.py [--quick] [--repeat N]

The application's modules are compiled to bytecode first (as installed). `--quick` uses a
smaller "large" database (10 establishments, 150 diagnostics, one site of 600 products and a
year of movements) to iterate.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTabWidget
from scale_data import FULL, QUICK, large_database, small_database, working_copy

from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.content_cache import forget_documents
from hospiperf_desktop.services import Services
from ui.app import GUI_SWITCH_INTERVAL_S, install_french, start
from ui.main_window import MainWindow

BLOCK_GOAL_MS = 100
SETTLE_S = 0.15
TIMEOUT_S = 120


class Probe:
    """A 10 ms timer on the GUI thread; the largest gap between its ticks is the longest block."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = self.largest = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.largest = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.largest = max(self.largest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.largest


def settle(window: MainWindow) -> float:
    """Run the event loop until the worker has been idle for SETTLE_S; returns when it went
    idle last (jobs may start others when their result is shown)."""
    loop = QEventLoop()
    idle_since = time.perf_counter()
    deadline = idle_since + TIMEOUT_S
    while True:
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        now = time.perf_counter()
        if window.runner.busy:
            idle_since = now
        elif now - idle_since >= SETTLE_S:
            return idle_since
        if now > deadline:
            raise TimeoutError("the window never went idle")


class Bench:
    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self.results: dict[str, float] = {}
        self.window: MainWindow | None = None

    def measure(self, name: str, action: Callable[[], object]) -> None:
        gc.collect()
        self.probe.start()
        started = time.perf_counter()
        action()
        assert self.window is not None
        finished = settle(self.window)
        block = self.probe.stop()
        self.results[f"{name}_block"] = block * 1000
        self.results[name] = (max(finished, started) - started) * 1000


def tab_name(tabs: QTabWidget, index: int) -> str:
    text = unicodedata.normalize("NFKD", tabs.tabText(index).lower().replace("&", ""))
    simple = text.encode("ascii", "ignore").decode().replace("(", "").replace(")", "")
    return "_".join(part for part in simple.replace("'", " ").split() if part)[:20]


def forget_drawn_charts() -> None:
    """Each run stands for a fresh start of the application: the charts a process keeps
    (`dashboard_outputs.family_chart_png`) are forgotten, not found from an earlier run."""
    outputs = sys.modules.get("hospiperf_desktop.activity.dashboard_outputs")
    if outputs is not None:  # not imported here first: a fresh start has not imported it
        outputs.family_chart_png.cache_clear()


def run_window(database: Path) -> dict[str, float]:
    forget_drawn_charts()
    probe = Probe()
    bench = Bench(probe)

    def open_window() -> None:
        window = MainWindow(str(database))
        window.resize(1366, 768)
        window.show()
        bench.window = window
        start(window, str(database), offer_demo=False)

    bench.measure("open", open_window)
    window = bench.window
    assert window.services is not None
    services = window.services
    establishments = services.establishments.list()
    with_stock = services.stock.analysis.establishments_with_stock()
    stock_sites = [e.id for e in establishments if e.id in with_stock]
    others = [e.id for e in establishments if e.id not in with_stock]
    first, second = stock_sites[0], (stock_sites[1:] or others)[0]
    window.current_establishment.set(first)
    bench.measure("establishments_reload", lambda: window.establishments.reload())

    sections = (
        (1, "diagnostics"), (2, "stock"), (3, "activity"), (4, "dashboard"),
        (5, "calculators"), (6, "exports"), (7, "audit"),
    )  # fmt: skip
    for row, name in sections:
        bench.measure(f"{name}_open", lambda row=row: window.navigation.setCurrentRow(row))
        page = window.pages.widget(row)
        if name == "diagnostics":
            measure_diagnostics(bench, window)
            continue
        if name in ("stock", "activity", "dashboard"):
            target = second
            select = page.select_establishment
            bench.measure(f"{name}_switch", lambda s=select, t=target: s(t))
            bench.measure(f"{name}_switch_back", lambda s=select: s(first))
        tabs = getattr(page, "tabs", None)
        if isinstance(tabs, QTabWidget):
            for index in range(1, tabs.count()):
                label = f"{name}_tab_{tab_name(tabs, index)}"
                bench.measure(label, lambda i=index, t=tabs: t.setCurrentIndex(i))
            bench.measure(f"{name}_tab_first", lambda t=tabs: t.setCurrentIndex(0))
        reload = getattr(page, "reload", None)
        if callable(reload):
            bench.measure(f"{name}_reload", reload)
    bench.measure("reload_pages", window.reload_pages)
    window.runner.wait()
    measure_export(bench, services)
    window.close()
    window.deleteLater()
    QCoreApplication.processEvents()
    return bench.results


def measure_diagnostics(bench: Bench, window: MainWindow) -> None:
    page = window.diagnostics
    assert page is not None
    rows = page.model_rows()
    assert rows, "no diagnostic to open"
    target = rows[0].id
    bench.measure("diagnostics_open_one", lambda: page.open(target))
    for index in range(1, page.tabs.count()):
        label = f"diagnostics_tab_{tab_name(page.tabs, index)}"
        bench.measure(label, lambda i=index: page.tabs.setCurrentIndex(i))
    bench.measure("diagnostics_tab_first", lambda: page.tabs.setCurrentIndex(0))
    bench.measure("diagnostics_back_to_list", page.back_to_list)


def measure_export(bench: Bench, services: Services) -> None:
    """Preparing the bundle of the establishment with the most validated diagnostics (each
    brings its PDF report), for its last two years, twice: the second export finds the
    reports made by the first (made once per content). Then the same establishment's bundle
    with only its first validated diagnostic, so one report on either database: the same
    work, which tells the cost of the database's size from that of the content's."""
    summaries = services.diagnostics.list()
    locked = Counter(d.establishment_id for d in summaries if d.locked)
    establishment = locked.most_common(1)[0][0]
    first = min(d.id for d in summaries if d.locked and d.establishment_id == establishment)
    years = tuple(sorted(services.activity.values.years(establishment))[-2:])
    for label, diagnostics in (("bundle_export", None), ("bundle_export_one_report", (first,))):
        forget_documents(services.database.path)  # each first export makes all it sends
        forget_drawn_charts()
        selection = Selection(establishment, years, diagnostics)
        for name in (label, f"{label}_again"):
            gc.collect()
            started = time.perf_counter()
            services.bundles.prepare(selection)
            bench.results[name] = (time.perf_counter() - started) * 1000


def median_results(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller large database")
    parser.add_argument("--repeat", type=int, default=3, help="runs per database (median)")
    args = parser.parse_args()
    # The application's modules compiled first, as a packaged application (PyInstaller ships
    # bytecode) or any second start has them: with PYTHONDONTWRITEBYTECODE set (as on the CI
    # machines), each first opening of a section would otherwise compile its modules anew.
    root = Path(__file__).resolve().parent.parent
    for package in ("hospiperf_desktop", "ui"):
        compileall.compile_dir(root / package, quiet=1)
    small_source = small_database()
    large_source = large_database(QUICK if args.quick else FULL)
    app = QApplication(sys.argv)
    install_french(app)
    gc.disable()  # as the application does (ui/gc_guard.py): collections on the GUI thread
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)  # as the application does (ui/app.py)
    measured: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="hospiperf-scale-") as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        os.environ["HOSPIPERF_LOG_DIR"] = str(Path(folder) / "logs")
        for label, source in (("small", small_source), ("large", large_source)):
            runs = []
            for attempt in range(args.repeat):
                copy_folder = Path(folder) / f"{label}-{attempt}"
                copy_folder.mkdir()
                runs.append(run_window(working_copy(source, copy_folder)))
            measured[label] = median_results(runs)
    small, large = measured["small"], measured["large"]
    print(f"{'name':<40} {'small_ms':>9} {'large_ms':>9} {'ratio':>6}")
    over = []
    for name in small:
        ratio = large[name] / small[name] if small[name] >= 1 else float("nan")
        print(f"{name:<40} {small[name]:>9.0f} {large[name]:>9.0f} {ratio:>6.1f}")
        if name.endswith("_block") and large[name] > BLOCK_GOAL_MS:
            over.append(name)
    print(f"blocks over {BLOCK_GOAL_MS} ms on the large database: {len(over)} {' '.join(over)}")
    grown = [
        name
        for name in small
        if not name.endswith("_block") and small[name] >= 1 and large[name] > 2 * small[name]
    ]
    print(f"wall times over 2x the small database: {len(grown)} {' '.join(grown)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
