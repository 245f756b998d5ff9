"""The window comes back as it was left: size, section and splitter positions."""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter

from ui.app import start
from ui.main_window import AUDIT_ROW, MainWindow


def _open(qtbot, db_path) -> MainWindow:
    window = MainWindow(str(db_path))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.services_ready, timeout=20_000):
        start(window, str(db_path), offer_demo=False)
    return window


def test_the_window_size_is_restored_at_the_next_start(qtbot, db_path) -> None:
    first = _open(qtbot, db_path)
    first.showNormal()
    first.resize(620, 500)  # the offscreen screen is 800×600
    size = (first.width(), first.height())
    first.close()
    second = _open(qtbot, db_path)
    assert (second.width(), second.height()) == size
    second.close()


def test_the_section_and_its_splitter_are_restored_at_the_next_start(qtbot, db_path) -> None:
    first = _open(qtbot, db_path)
    assert first.navigation.currentRow() == 0  # nothing remembered yet
    first.navigation.setCurrentRow(AUDIT_ROW)
    splitter = first.audit_page().findChild(QSplitter)
    splitter.setSizes([300, 200])
    kept = splitter.sizes()
    first.close()
    second = _open(qtbot, db_path)
    assert second.navigation.currentRow() == AUDIT_ROW
    assert second.audit_page().findChild(QSplitter).sizes() == kept
    second.close()
