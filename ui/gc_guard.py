"""Keep Python's cyclic garbage collector on the GUI thread.

CPython collects cycles in whichever thread happens to cross an allocation threshold. When
that is the worker thread of `ui/tasks.py`, a cycle holding Qt widgets (a lambda connected to
a signal that refers to its widget is enough) is destroyed from the wrong thread, and Qt
crashes. So automatic collection is switched off and a GUI-thread timer runs the same
generational collections the thresholds would have triggered.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 1000


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(CHECK_INTERVAL_MS)

    @staticmethod
    def collect_due() -> None:
        """Collect each generation whose count is over its threshold, youngest first."""
        thresholds = gc.get_threshold()
        for generation in range(3):
            if gc.get_count()[generation] > thresholds[generation]:
                gc.collect(generation)
