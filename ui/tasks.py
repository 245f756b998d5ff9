"""Run core jobs off the GUI thread, with an optional progress dialog that really cancels.

Every job goes through one TaskRunner whose pool has a single worker thread, so database
writes happen one at a time and in the order asked. A job is a function taking a core
`Progress`; its result or exception comes back to the GUI thread through Qt signals, and
widgets are touched only there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from hospiperf_desktop.progress import CancellableProgress, Cancelled, Progress

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog

T = TypeVar("T")
PROGRESS_DIALOG_DELAY_MS = 300


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _SignalProgress(CancellableProgress):
    """The core progress protocol, forwarded to the GUI thread as a signal."""

    def __init__(self, signals: _Signals) -> None:
        super().__init__()
        self._signals = signals

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        self._signals.progress.emit(done, total or 0, message)


class _Job(QRunnable):
    def __init__(
        self, fn: Callable[[Progress], Any], signals: _Signals, progress: _SignalProgress
    ) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals
        self._progress = progress

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except BaseException as err:  # reported to the GUI thread, never lost in the worker
            self._signals.failed.emit(err)
        else:
            self._signals.succeeded.emit(result)


class TaskRunner(QObject):
    """Runs jobs one at a time in a worker thread; the GUI thread gets their outcome."""

    idle_changed = Signal(bool)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: set[_Signals] = set()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(
        self,
        fn: Callable[[Progress], T],
        *,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        label: str | None = None,
        parent: QWidget | None = None,
    ) -> CancellableProgress:
        """Run `fn(progress)` in the worker. With `label`, a progress dialog with Cancel shows
        after a short delay, over `parent` (a dialog the job belongs to) or else the window.
        Returns the job's progress (its `cancel()` stops the job)."""
        signals = _Signals()
        progress = _SignalProgress(signals)
        dialog = self._dialog(label, progress, parent or self._parent) if label else None
        if dialog is not None:
            signals.progress.connect(lambda done, total, _msg: _update(dialog, done, total))

        def finish() -> None:
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            self._running.discard(signals)
            if not self._running:
                self.idle_changed.emit(True)

        # A job may end after its window was closed (the runner is then deleted): its
        # result has nowhere to go, so it is dropped rather than delivered to dead widgets.
        def succeeded(result: Any) -> None:
            if not isValid(self):
                return
            finish()
            if on_success is not None:
                on_success(result)

        def failed(err: BaseException) -> None:
            if not isValid(self):
                return
            finish()
            if not isinstance(err, Cancelled):
                _log_if_unexpected(err)
            if isinstance(err, Cancelled):
                if on_cancel is not None:
                    on_cancel()
            elif on_failure is not None:
                on_failure(err)
            else:
                show_error(self._parent, err)

        # Emitted from the worker thread, so delivered (queued) in the GUI thread.
        signals.succeeded.connect(succeeded)
        signals.failed.connect(failed)
        if not self._running:
            self.idle_changed.emit(False)
        self._running.add(signals)
        self._pool.start(_Job(fn, signals, progress))
        return progress

    def wait(self, msecs: int = -1) -> bool:
        """Block until every queued job has run (used when closing and in tests)."""
        return self._pool.waitForDone(msecs)

    def _dialog(
        self, label: str, progress: CancellableProgress, parent: QWidget
    ) -> QProgressDialog:
        # Imported here, not at start-up: Qt's enum namespace costs ~20 ms on first use, and
        # each Qt class imported makes its enums (the window shows before any dialog).
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QProgressDialog

        dialog = QProgressDialog(label, self.tr("Annuler"), 0, 0, parent)
        dialog.setWindowTitle(self.tr("Veuillez patienter"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DIALOG_DELAY_MS)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        # A lambda, not the bound method: PySide undoes a bound-method connection in the
        # thread where the progress object dies, and a finished job may free it in the
        # worker, which deadlocks or crashes (seen in the UI tests).
        dialog.canceled.connect(lambda: progress.cancel())
        dialog.canceled.connect(lambda: dialog.setLabelText(self.tr("Annulation en cours…")))
        return dialog


def _update(dialog: QProgressDialog, done: int, total: int) -> None:
    if dialog.wasCanceled():
        return
    dialog.setMaximum(total)
    dialog.setValue(done)


def _log_if_unexpected(err: BaseException) -> None:
    """A bug in a job goes to the log, whatever its on_failure shows."""
    from hospiperf_desktop.failures import is_unexpected, log_exception

    if is_unexpected(err):
        log_exception(err, "job in the worker")


def show_error(parent: QWidget, err: BaseException) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.messages import error_text

    QMessageBox.critical(parent, parent.tr("Erreur"), error_text(err))
