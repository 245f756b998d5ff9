"""A small progress protocol for long jobs, unaware of Qt.

Core jobs take a `Progress`, call `report()` as they go and `check_cancelled()` at safe
points; `Cancelled` propagates out of the job's transaction, which is then rolled back, so a
cancelled job leaves the database unchanged. The UI adapts this to a progress dialog.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Cancelled(Exception):
    """Raised inside a job when the user asked to stop it."""


class Progress(Protocol):
    def report(self, done: int, total: int | None = None, message: str = "") -> None: ...

    def check_cancelled(self) -> None: ...


class NullProgress:
    """Progress for callers that neither show progress nor cancel (CLI, tests)."""

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        return None

    def check_cancelled(self) -> None:
        return None


class CancellableProgress:
    """Thread-safe progress whose `cancel()` may be called from another thread."""

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        return None

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()
