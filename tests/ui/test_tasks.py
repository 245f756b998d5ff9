"""The one background-work mechanism: progress shown, cancel really cancels."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton

from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.establishments.model import EstablishmentInput


def test_cancelling_a_long_job_leaves_the_database_unchanged(qtbot, window, services):
    reached_half = threading.Event()
    outcome: list[str] = []

    def long_job(progress):
        with services.database.write():
            for i in range(200):
                payload = f"7509{i:04d}"
                services.establishments.add(
                    EstablishmentInput(
                        finess=payload + luhn_check_digit(payload), name=f"N{i}", kind="ch"
                    )
                )
                progress.report(i + 1, 200, "")
                if i == 100:
                    reached_half.set()
                    # Wait here (the GUI keeps running) until the user presses Cancel;
                    # bounded, so that a broken cancel fails the test instead of hanging it.
                    for _ in range(1000):
                        progress.check_cancelled()
                        threading.Event().wait(0.01)

    window.runner.run(
        long_job,
        on_success=lambda _r: outcome.append("done"),
        on_cancel=lambda: outcome.append("cancelled"),
        label="Import…",
    )
    assert reached_half.wait(20)
    qtbot.waitUntil(lambda: _visible_progress_dialog(window) is not None, timeout=5_000)
    dialog = _visible_progress_dialog(window)
    qtbot.waitUntil(lambda: dialog.value() == 101, timeout=5_000)
    assert dialog.maximum() == 200

    cancel_button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Annuler")
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=10_000)
    assert services.establishments.list() == []
    assert services.audit.verify().entries_checked == 0


def test_gui_stays_responsive_while_a_job_runs(qtbot, window):
    release = threading.Event()
    window.runner.run(lambda _p: release.wait(10))
    ticks: list[int] = []
    from PySide6.QtCore import QTimer

    for delay in (10, 20, 30):
        QTimer.singleShot(delay, lambda d=delay: ticks.append(d))
    qtbot.waitUntil(lambda: len(ticks) == 3, timeout=2_000)
    assert window.runner.busy
    release.set()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5_000)


def test_an_unexpected_error_in_a_job_reaches_the_failure_callback(qtbot, window):
    errors: list[BaseException] = []

    def broken(_progress):
        raise ZeroDivisionError("boom")

    window.runner.run(broken, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], ZeroDivisionError)


def _visible_progress_dialog(window) -> QProgressDialog | None:
    dialogs = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    return dialogs[0] if dialogs else None
