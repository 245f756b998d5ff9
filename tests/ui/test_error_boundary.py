"""The window's error boundary: an unexpected exception, in a job or on the GUI thread,
becomes a short French message naming the log file, and its traceback goes to that log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from ui.error_boundary import GuiErrorBoundary


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *_a: texts.append(text))
    return texts


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOSPIPERF_LOG_DIR", str(tmp_path / "journal"))
    return tmp_path / "journal" / "hospiperf.log"


def test_an_exception_in_a_job_shows_a_french_message_and_logs_the_traceback(
    qtbot, window, shown: list[str], log: Path
) -> None:
    def job(_progress: object) -> None:
        raise RuntimeError("panne imprévue\x00" * 300)

    window.runner.run(job)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    (text,) = shown
    assert text.startswith("Une erreur inattendue s'est produite (RuntimeError: panne imprévue")
    assert f"Les détails sont enregistrés dans le journal :\n{log}\n" in text
    assert len(text) < 400 and "\x00" not in text
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "in job" in details
    assert details.count("RuntimeError: panne imprévue") == 1, "logged once, not per display"


def test_a_locked_database_in_a_job_is_a_french_message_without_a_log(
    qtbot, window, shown: list[str], log: Path
) -> None:
    def job(_progress: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    window.runner.run(job)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown == [
        "La base de données est utilisée par un autre programme. Fermez-le ou réessayez dans "
        "un moment ; rien n'a été enregistré."
    ]
    assert not log.exists()


def test_an_exception_on_the_gui_thread_shows_a_french_message_and_logs_it(
    qtbot, window, shown: list[str], log: Path
) -> None:
    def clicked() -> None:
        raise KeyError("colonne")

    boundary = GuiErrorBoundary(window).install()
    try:
        QTimer.singleShot(0, clicked)
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    finally:
        boundary.uninstall()
    (text,) = shown
    assert text.startswith("Une erreur inattendue s'est produite (KeyError: 'colonne')")
    assert str(log) in text
    assert "in clicked" in log.read_text(encoding="utf-8")


def test_a_sum_too_large_in_a_job_is_a_french_message_without_a_log(
    qtbot, window, shown: list[str], log: Path
) -> None:
    import math

    window.runner.run(lambda _p: math.fsum([1.5e308, 1.5e308]))
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown == [
        "Un nombre est trop grand pour être calculé : vérifiez les valeurs saisies ou importées."
    ]
    assert not log.exists()
