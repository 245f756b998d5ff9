"""Every file dialog of the window: it starts in the user's Documents folder, then in the
last folder used for that kind of file (reports, workbooks, bundles, keys…), remembered in
the user settings (an INI file in the user's configuration folder).

Callers give a `kind` ("pdf", "xlsx", "bundle", "key", "evidence"…); by default it is the
suggested file's extension. The dialogs are Qt's static functions, so that the platform's
own dialog is used where there is one, and the tests can stand in for them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from hospiperf_desktop import APP_ID


def user_settings() -> QSettings:
    """The window's own settings (folders, geometry…), never in the database."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_ID, APP_ID)


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """The last folder used for `kind`, while it still exists; else the Documents folder."""
    remembered = user_settings().value(f"folders/{kind}")
    if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
        return Path(remembered)
    return documents_folder()


def remember_folder(kind: str, chosen: Path) -> None:
    folder = chosen if chosen.is_dir() else chosen.parent
    user_settings().setValue(f"folders/{kind}", str(folder))


def _kind(kind: str | None, name: str) -> str:
    return kind or Path(name).suffix.lstrip(".").lower() or "file"


def save_path(
    parent: QWidget,
    title: str,
    suggested: str,
    pattern: str,
    kind: str | None = None,
    *,
    confirm_overwrite: bool = True,
) -> Path | None:
    """Ask where to write `suggested` (a file name); None when the user cancels.

    `confirm_overwrite=False` for a file that is opened when it exists (a database)."""
    kind = _kind(kind, suggested)
    start = start_folder(kind) / Path(suggested).name
    options = {} if confirm_overwrite else {"options": QFileDialog.Option.DontConfirmOverwrite}
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start), pattern, **options)
    if not chosen:
        return None
    remember_folder(kind, Path(chosen))
    return Path(chosen)


def open_path(parent: QWidget, title: str, pattern: str = "", kind: str = "file") -> Path | None:
    """Ask for one file to read; None when the user cancels."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), pattern)
    if not chosen:
        return None
    remember_folder(kind, Path(chosen))
    return Path(chosen)


def open_paths(parent: QWidget, title: str, pattern: str = "", kind: str = "file") -> list[Path]:
    """Ask for several files to read; an empty list when the user cancels."""
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder(kind)), pattern)
    if chosen:
        remember_folder(kind, Path(chosen[0]))
    return [Path(name) for name in chosen]


def existing_folder(parent: QWidget, title: str, kind: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind)))
    if not chosen:
        return None
    remember_folder(kind, Path(chosen))
    return Path(chosen)
