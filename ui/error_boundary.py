"""The window's error boundary for the GUI thread: an exception escaping a slot or an event
handler becomes a short French message box naming the log file; the details go to the log.

Exceptions of jobs come back through TaskRunner's failed signal (ui/tasks.py) and are shown
by `show_error`; both end in `ui.messages.error_text`, which logs what is unexpected.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QWidget

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class GuiErrorBoundary:
    """Installed as `sys.excepthook`; `uninstall()` puts the previous hook back."""

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._previous: ExceptHook = sys.excepthook
        self._showing = False

    def install(self) -> GuiErrorBoundary:
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(
        self, kind: type[BaseException], err: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, err, tb)
            return
        from PySide6.QtWidgets import QMessageBox  # not at start-up: shown on an error only

        from hospiperf_desktop.failures import log_exception
        from ui.messages import error_text

        if err.__traceback__ is None:
            err = err.with_traceback(tb)
        log_exception(err, "window (GUI thread)")
        if self._showing:  # an error while the message is up: logged, not shown again
            return
        self._showing = True
        try:
            QMessageBox.critical(self._window, self._window.tr("Erreur"), error_text(err))
        finally:
            self._showing = False
