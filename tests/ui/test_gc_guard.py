"""Cycles are collected on the GUI thread only, never in the worker."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from ui.gc_guard import GuiThreadGarbageCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_automatic_collection_is_off_and_the_timer_collects_due_generations(qapp) -> None:
    owner = QObject()
    GuiThreadGarbageCollector(owner)
    assert not gc.isenabled()
    for _ in range(gc.get_threshold()[0] + 10):
        _Cycle()
    assert gc.get_count()[0] > gc.get_threshold()[0]
    GuiThreadGarbageCollector.collect_due()
    assert gc.get_count()[0] < gc.get_threshold()[0]
