"""Where things live on disk: resources (from source or a PyInstaller bundle) and the database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hospiperf_desktop import APP_ID

DB_ENV_VAR = "HOSPIPERF_DB"
DB_FILENAME = "hospiperf.sqlite"


def _bundle_root() -> Path | None:
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if meipass else None


def resource_path(*parts: str) -> Path:
    """Path of a file under `resources/`, both from a source checkout and in the bundle."""
    root = _bundle_root() or Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)


def default_database_path() -> Path:
    """The database used when neither `--db` nor HOSPIPERF_DB says otherwise."""
    from platformdirs import user_data_path

    return user_data_path(APP_ID, appauthor=False) / DB_FILENAME


def resolve_database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db PATH` first, then the HOSPIPERF_DB environment variable, then the user data folder."""
    chosen = explicit or os.environ.get(DB_ENV_VAR) or default_database_path()
    return Path(chosen).expanduser().resolve()


LOG_ENV_VAR = "HOSPIPERF_LOG_DIR"


def log_folder() -> Path:
    """Where the error log goes: $HOSPIPERF_LOG_DIR, else `logs/` in the user data folder."""
    from platformdirs import user_data_path

    chosen = os.environ.get(LOG_ENV_VAR)
    return Path(chosen) if chosen else user_data_path(APP_ID, appauthor=False) / "logs"
