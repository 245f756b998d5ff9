"""The database handle: one SQLite file, WAL journal, foreign keys on, durable commits.

Services open one short transaction per user action with `read()` or `write()`; nothing else
creates sessions. Write transactions start with BEGIN IMMEDIATE so that two writers queue
instead of failing half-way; readers never block in WAL mode.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from hospiperf_desktop.errors import DatabaseError
from hospiperf_desktop.french import french_compare

_WRITE_OPTION = "hospiperf_write"
BUSY_TIMEOUT_SECONDS = 30
FRENCH = "french"


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (the pysqlite recipe), so that
    # transactional DDL in migrations and BEGIN IMMEDIATE both work.
    dbapi_connection.isolation_level = None
    # `ORDER BY name COLLATE french`: accented names among the others, not after Z.
    dbapi_connection.create_collation(FRENCH, french_compare)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """An opened, migrated database. Create it with `open_database()`.

    A `write()` block opened while another is active in the same thread joins it as a
    savepoint, so a job can run several service calls as one all-or-nothing transaction.
    """

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )
        self._active: ContextVar[Session | None] = ContextVar(f"session-{id(self)}", default=None)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work, rolled back at the end (or the enclosing write's session)."""
        if (outer := self._active.get()) is not None:
            yield outer
            return
        with self._read_sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        if (outer := self._active.get()) is not None:
            with outer.begin_nested():
                yield outer
            return
        with self._write_sessions() as session, session.begin():
            token = self._active.set(session)
            try:
                yield session
            finally:
                self._active.reset(token)

    def backup_to(self, target: Path) -> None:
        """Copy the whole database into `target` (a new file) with SQLite's online backup API.

        Never a file copy: the copy is consistent even while other connections write, and it
        holds what the WAL holds. The caller chooses the name and makes it atomic (write to a
        temporary name, then rename); the copy is fsync'ed before this returns.
        """
        raw = self.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            destination = sqlite3.connect(target)
            try:
                # Large steps: the copy restarts when another connection writes meanwhile.
                source.backup(destination, pages=4096)
                # A single file: no WAL beside the copy.
                destination.execute("PRAGMA journal_mode=DELETE")
            finally:
                destination.close()
        finally:
            raw.close()
        with target.open("rb") as copied:
            os.fsync(copied.fileno())

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path) -> Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    from hospiperf_desktop.storage.migrations import upgrade_to_head

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    try:
        upgrade_to_head(engine, path)
    except exc.DatabaseError as err:
        engine.dispose()
        raise DatabaseError(f"{path}: not a HospiPerf database or damaged ({err.orig})") from err
    except BaseException:
        engine.dispose()
        raise
    return Database(path, engine)
