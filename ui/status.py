"""The status bar of the window a widget sits in."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget

STATUS_MILLISECONDS = 8000


def show_status(widget: QWidget, message: str) -> None:
    """Show `message` for a few seconds in the status bar of `widget`'s main window."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, STATUS_MILLISECONDS)
