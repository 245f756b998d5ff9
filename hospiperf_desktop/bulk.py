"""Helpers for jobs that build hundreds of thousands of small objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk job builds its rows.

    Hundreds of thousands of row tuples and lists stay alive until the job ends; each
    automatic full collection would walk all of them again for nothing (they hold no
    cycles). Left alone when collection is already off (the GUI collects on its own thread
    at its own pace, ui/gc_guard.py), so the window behaves as before.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
