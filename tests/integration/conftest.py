"""Integration fixtures: real SQLite files in a temporary folder, never the user's database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration_support import Cli

from hospiperf_desktop.cli import main
from hospiperf_desktop.diagnostics.loader import TemplateLibrary
from hospiperf_desktop.services import Services, open_services

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_user_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that forgets `--db` must not touch the real user data folder."""
    monkeypatch.setenv("HOSPIPERF_DB", str(tmp_path / "default-from-env.sqlite"))
    monkeypatch.setenv("HOSPIPERF_LOG_DIR", str(tmp_path / "logs"))


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


@pytest.fixture
def diag_services(db_file: Path, tmp_path: Path) -> Iterator[Services]:
    """Services whose questionnaire library is a copy of the test questionnaires."""
    folder = tmp_path / "library"
    shutil.copytree(FIXTURES / "questionnaires", folder)
    opened = open_services(db_file, TemplateLibrary(folder))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.sqlite"


@pytest.fixture
def cli(db: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run `hospiperf --db <db> ARGS`; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--db", str(db), *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole run (see postgres_server.py)."""
    from postgres_server import postgres_server

    with postgres_server() as url:
        yield url


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def consolidation_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh consolidation database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ars.sqlite'}"
    from postgres_server import fresh_database

    server = request.getfixturevalue("postgres_url")
    return fresh_database(server, f"ars_test_{next(_databases)}")
