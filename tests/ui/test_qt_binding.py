"""The Qt binding itself: a defect there crashes every screen, so it is pinned and checked."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(int)


def test_emitting_signals_does_not_leak_references_to_true(qapp: object) -> None:
    """PySide6 6.12.0 dropped a reference to True at each emit; Python 3.11 then aborts
    ("bool_dealloc: deallocating True") once the count reaches zero — after a few thousand
    progress updates. The version is excluded in pyproject.toml; this keeps it out."""
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True)
    for value in range(200):
        emitter.changed.emit(value)
    assert len(received) == 200
    assert sys.getrefcount(True) >= before - 10
