"""Integration fixtures: real SQLite files in a temporary folder, never the user's database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hospiperf_desktop.services import Services, open_services


@pytest.fixture(autouse=True)
def _no_user_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that forgets `--db` must not touch the real user data folder."""
    monkeypatch.setenv("HOSPIPERF_DB", str(tmp_path / "default-from-env.sqlite"))


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "hospiperf.sqlite"


@pytest.fixture
def services(db_file: Path) -> Iterator[Services]:
    opened = open_services(db_file)
    try:
        yield opened
    finally:
        opened.close()
