"""The current establishment: chosen once, followed by every section.

Each section's establishment list (`EstablishmentChooser`) tells the window when the user
chooses one, and shows the window's choice when the section is shown again. The choice is
kept in the user settings, so the next start opens on it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ui.file_dialogs import user_settings

SETTINGS_KEY = "current/establishment"


class CurrentEstablishment(QObject):
    """The establishment the user works on, by id (None: not chosen yet)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        saved = user_settings().value(SETTINGS_KEY)
        try:
            self._id: int | None = int(saved) if saved not in (None, "") else None
        except (TypeError, ValueError):
            self._id = None

    @property
    def id(self) -> int | None:
        return self._id

    def set(self, establishment_id: int | None) -> None:
        if establishment_id == self._id:
            return
        self._id = establishment_id
        user_settings().setValue(SETTINGS_KEY, "" if establishment_id is None else establishment_id)
        self.changed.emit()


def current_of(widget: QWidget) -> CurrentEstablishment | None:
    """The current establishment of the window `widget` is in (None outside the window)."""
    found = getattr(widget.window(), "current_establishment", None)
    return found if isinstance(found, CurrentEstablishment) else None
