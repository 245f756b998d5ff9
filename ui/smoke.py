"""`--smoke-test`: the packaging check and the start-up benchmark run the real window.

It prints `shown <t>` once the window is painted, `ready <t>` once the first listing is on
screen (it may be read before the services are open: establishments/peek.py) and
`services <t>` once they are (time.monotonic() seconds), then quits. With `--visit-sections`
it first opens every section and every tab in it, lets their data load, and prints
`section <key> <tabs>` for each; an error message on screen ends the run with exit code 1
and `error <text>`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget

from ui.main_window import SECTION_KEYS, MainWindow

POLL_MS = 50
SECTIONS_TIMEOUT_MS = 180_000


def mark(event: str) -> None:
    print(f"{event} {time.monotonic():.6f}", flush=True)


def run_smoke_test(app: QApplication, window: MainWindow, *, visit_sections: bool) -> None:
    seen: set[str] = set()
    walks: list[SectionWalk] = []  # kept alive: its timer calls its methods

    def once(event: str) -> None:
        if event in seen:  # `listed` again (a reload) or the services' own listing
            return
        seen.add(event)
        mark(event)
        if seen >= {"ready", "services"}:
            if visit_sections:
                walks.append(SectionWalk(app, window))
                walks[0].start()
            else:
                app.quit()

    def watch() -> None:
        window.ensure_pages().listed.connect(lambda: once("ready"))
        window.services_ready.connect(lambda: once("services"))

    app.processEvents()
    mark("shown")
    QTimer.singleShot(0, watch)
    QTimer.singleShot(30_000, lambda: seen >= {"ready", "services"} or app.exit(1))


class SectionWalk:
    """Opens each section, then each of its tabs, waiting for the worker to be idle."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self._app, self._window = app, window
        self._steps = self._plan()
        self._timer = QTimer(window)
        self._timer.timeout.connect(self._poll)
        self._idle_polls = 0

    def start(self) -> None:
        QTimer.singleShot(SECTIONS_TIMEOUT_MS, lambda: self._fail("timeout"))
        self._advance()
        self._timer.start(POLL_MS)

    def _plan(self) -> Iterator[Callable[[], None]]:
        navigation = self._window.navigation
        for row, key in enumerate(SECTION_KEYS):
            if row == 0:
                continue
            yield lambda row=row: navigation.setCurrentRow(row)
            tabs = self._window.pages.widget(row).findChildren(QTabWidget)
            for widget in tabs:
                for index in range(widget.count()):
                    yield lambda w=widget, i=index: w.setCurrentIndex(i)
            count = sum(t.count() for t in tabs)
            yield lambda key=key, count=count: print(f"section {key} {count}", flush=True)
        yield self._app.quit

    def _poll(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            self._fail(modal.text().replace("\n", " "))
            return
        busy = self._window.runner.busy
        self._idle_polls = 0 if busy else self._idle_polls + 1
        if self._idle_polls >= 2:
            self._idle_polls = 0
            self._advance()

    def _advance(self) -> None:
        step = next(self._steps, None)
        if step is None:
            self._timer.stop()
        else:
            step()

    def _fail(self, text: str) -> None:
        print(f"error {text}", flush=True)
        self._app.exit(1)
