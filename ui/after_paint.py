"""Worker jobs started once the window has painted what it just changed.

A worker busy in Python while a table paints makes each of the table's `data()` calls wait
for the interpreter: measured with `benchmarks/scale.py` on a region's database, the
diagnostics list took 160-190 ms to paint while it was being read again, and the Activité
grid 200-250 ms while the other tab's work units were computed; 20-35 ms when the job starts
after the paint. Qt lays views out on a zero timer and repaints with low-priority events, so
there is no event to wait for: the job starts `AFTER_PAINT_MS` later, which a person going
back to a list does not notice.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

AFTER_PAINT_MS = 100


def after_paint(widget: QWidget, job: Callable[[], object]) -> None:
    """Call `job` once `widget` has painted (never after `widget` is deleted)."""
    QTimer.singleShot(AFTER_PAINT_MS, widget, job)
