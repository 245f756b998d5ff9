"""Alembic migrations, shipped inside the package so the packaged application has them.

`upgrade_to_head()` runs at every start-up. When the database is already at SCHEMA_HEAD it
only reads one row and never imports Alembic (which would cost start-up time); a test checks
that SCHEMA_HEAD is the head of the migration scripts. Before upgrading a database that holds
data, a copy is kept beside it (`<name>.before-<revision>.bak`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from hospiperf_desktop.errors import DatabaseError
from hospiperf_desktop.storage.schema_head import SCHEMA_HEAD

__all__ = ["SCHEMA_HEAD", "upgrade_to_head"]
MIGRATIONS_DIR = Path(__file__).resolve().parent


def current_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:
        return None


def alembic_config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def _backup(path: Path, revision: str) -> None:
    target = path.with_name(f"{path.name}.before-{revision}.bak")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def upgrade_to_head(engine: Engine, path: Path) -> None:
    with engine.connect() as connection:
        revision = current_revision(connection)
        connection.rollback()
    if revision == SCHEMA_HEAD:
        return
    if revision is not None:
        if revision not in known_revisions():
            raise DatabaseError(
                f"{path}: written by a newer HospiPerf (schema {revision}); update the application"
            )
        _backup(path, revision)
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")  # type: ignore[arg-type]
