"""Settings stored with the data (as opposed to per-machine window settings kept by the UI)."""

from __future__ import annotations

from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.repositories import EstablishmentRepository, SettingsRepository

DEMO_OFFERED_KEY = "demo_offered"


class SettingsService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def is_first_run(self) -> bool:
        """True until the demonstration data has been offered once on an empty database."""
        with self._db.read() as session:
            if SettingsRepository(session).get(DEMO_OFFERED_KEY):
                return False
            return not EstablishmentRepository(session).all()

    def mark_demo_offered(self) -> None:
        with self._db.write() as session:
            SettingsRepository(session).set(DEMO_OFFERED_KEY, "1")
