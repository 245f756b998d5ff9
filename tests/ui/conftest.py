"""UI test fixtures: a real main window on a real database in a temporary folder."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from hospiperf_desktop.services import Services, open_services
from ui.app import install_french, start
from ui.main_window import MainWindow


@pytest.fixture(scope="session", autouse=True)
def french(qapp: QApplication) -> None:
    install_french(qapp)


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread() -> Iterator[None]:
    """As in the application (ui/gc_guard.py): never let a collection run in the worker."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def _user_settings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The window's settings (folders, geometry…) go to a throw-away folder for each test."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


@pytest.fixture(autouse=True)
def _log_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Errors a test provokes are logged in its folder, never in the user data folder."""
    monkeypatch.setenv("HOSPIPERF_LOG_DIR", str(tmp_path / "logs"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ui.sqlite"


@pytest.fixture
def window(qtbot, db_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(str(db_path))
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ensure_pages().loaded, timeout=20_000):
        start(win, str(db_path), offer_demo=False)
    yield win
    assert win.runner.wait(20_000), "a background job was still running at the end"


@pytest.fixture
def services(window: MainWindow) -> Services:
    assert window.services is not None
    return window.services


@pytest.fixture
def other_services(db_path: Path) -> Iterator[Services]:
    """A second handle on the same file, to check what the UI really stored."""
    handle = open_services(db_path)
    yield handle
    handle.close()
