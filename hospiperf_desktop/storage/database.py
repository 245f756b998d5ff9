"""The database handle: one SQLite file, WAL journal, foreign keys on, durable commits.

Services open one short transaction per user action with `read()` or `write()`; nothing else
creates sessions. Write transactions start with BEGIN IMMEDIATE so that two writers queue
instead of failing half-way; readers never block in WAL mode.

Before SQLite touches the file, `open_database()` checks it (storage/health.py): a file that
is not ours is refused and never converted, a damaged one is refused and never written, a
read-only file or folder opens for reading only, and on a network share the database uses a
rollback journal instead of WAL. SQLite's errors during work come out as the faults of
`hospiperf_desktop.faults` (disk full, busy, read-only, damaged).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from hospiperf_desktop.errors import DatabaseError
from hospiperf_desktop.faults import DatabaseFault, DatabaseReadOnly
from hospiperf_desktop.french import french_compare
from hospiperf_desktop.storage.health import (
    Location,
    connect_uri,
    fault_for,
    inspect_location,
    preflight,
)

_WRITE_OPTION = "hospiperf_write"
BUSY_TIMEOUT_SECONDS = 30
BACKUP_MMAP_BYTES = 1 << 30
# SQLite locks a few bytes at this offset of the database file (its "pending byte"); on
# Windows those locks are mandatory, so a plain read of a file larger than this, made while
# a connection holds the database, fails there: such files take the page copy instead.
SQLITE_PENDING_BYTE = 0x4000_0000
FRENCH = "french"
# A thread other than the main one running statements sleeps YIELD_SLEEP_S once every
# YIELD_EVERY_S (see `yield_to_main_thread`).
YIELD_EVERY_S = 0.004
YIELD_SLEEP_S = 0.0002
_yielded = threading.local()


def _on_connect(journal: str | None, dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (the pysqlite recipe), so that
    # transactional DDL in migrations and BEGIN IMMEDIATE both work.
    dbapi_connection.isolation_level = None
    # `ORDER BY name COLLATE french`: accented names among the others, not after Z.
    dbapi_connection.create_collation(FRENCH, french_compare)
    cursor = dbapi_connection.cursor()
    try:
        if journal is None:  # read-only: change nothing, not even the journal mode
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute(f"PRAGMA journal_mode={journal}")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def yield_to_main_thread(*_args: Any) -> None:
    """Let the main (GUI) thread have the interpreter during a long run of statements.

    CPython makes the thread holding the GIL hand it over only when another has waited a
    whole switch interval with no switch in between; sqlite3 releases and re-takes the GIL
    around every statement, which counts as a switch, so a worker running thousands of small
    queries keeps it and the waiting thread waits as long as the job lasts (the "convoy
    effect", CPython issue 7946). Measured with `benchmarks/scale.py` on a region's database,
    the window went 45-90 ms without painting while the worker ran 1,000 small queries.
    Sleeping a fifth of a millisecond every 4 ms gives the GIL to whoever waits (such a sleep
    took 0.28 ms on the benchmark machine: the worker loses about 7 %); the main thread itself
    (the CLI, the GUI) never sleeps here.
    """
    if threading.current_thread() is threading.main_thread():
        return
    now = time.perf_counter()
    if now - getattr(_yielded, "at", 0.0) >= YIELD_EVERY_S:
        time.sleep(YIELD_SLEEP_S)
        _yielded.at = time.perf_counter()


def make_engine(path: Path, location: Location | None = None) -> Engine:
    """An engine on `path`: WAL, or a rollback journal on a network share, or read-only."""
    location = location or Location(read_only_reason=None, filesystem=None)
    read_only = location.read_only_reason is not None
    uri = connect_uri(
        path,
        read_only=read_only,
        immutable=location.read_only_reason in {"folder", "read_only_mount"},
    )

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS)

    # The file URL (not "sqlite://") keeps a pool of connections, not one per thread.
    engine = create_engine(f"sqlite:///{path}", creator=connect)
    journal = None if read_only else ("DELETE" if location.network_share else "WAL")
    event.listen(engine, "connect", partial(_on_connect, journal))
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "before_cursor_execute", yield_to_main_thread)
    return engine


@contextmanager
def _faults_named(path: Path) -> Iterator[None]:
    """Let SQLite's disk-full, busy, read-only and damage errors out as DatabaseFaults."""
    try:
        yield
    except (exc.OperationalError, exc.DatabaseError, sqlite3.Error) as err:
        fault = fault_for(err, path, busy_seconds=BUSY_TIMEOUT_SECONDS)
        if fault is None:
            raise
        raise fault from err


class Database:
    """An opened, migrated database. Create it with `open_database()`.

    A `write()` block opened while another is active in the same thread joins it as a
    savepoint, so a job can run several service calls as one all-or-nothing transaction.
    """

    def __init__(self, path: Path, engine: Engine, location: Location | None = None) -> None:
        self.path = path
        self.engine = engine
        self.location = location or Location(read_only_reason=None, filesystem=None)
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )
        self._active: ContextVar[Session | None] = ContextVar(f"session-{id(self)}", default=None)

    @property
    def read_only_reason(self) -> str | None:
        """Why nothing can be written (see DatabaseReadOnly.REASONS), or None."""
        return self.location.read_only_reason

    @property
    def network_share(self) -> bool:
        """On a network share: a rollback journal instead of WAL (see docs/backups.md)."""
        return self.location.network_share

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work, rolled back at the end (or the enclosing write's session)."""
        if (outer := self._active.get()) is not None:
            yield outer
            return
        with _faults_named(self.path), self._read_sessions() as session:
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
        if self.read_only_reason is not None:
            raise DatabaseReadOnly(self.path, self.read_only_reason)
        with _faults_named(self.path), self._write_sessions() as session, session.begin():
            token = self._active.set(session)
            try:
                yield session
            finally:
                self._active.reset(token)

    def backup_to(self, target: Path) -> None:
        """Copy the whole database into `target` (a new file), consistent even while other
        connections write, holding what the WAL holds; fsync'ed before this returns.

        The caller chooses the name and makes it atomic (write to a temporary name, then
        rename). The fast way is a plain file copy made inside a read transaction whose
        snapshot is the database file alone (see `_snapshot_copy`); when another connection
        keeps frames in the WAL, SQLite's online backup API copies page by page instead.
        """
        raw = self.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            if self.read_only_reason is not None or not self._snapshot_copy(source, target):
                _page_copy(source, target)
        finally:
            raw.close()
        # A single file: no WAL beside the copy (the header's journal-mode bytes say so).
        with closing(sqlite3.connect(target, isolation_level=None)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")
        with target.open("rb") as copied:
            os.fsync(copied.fileno())

    def _snapshot_copy(self, source: sqlite3.Connection, target: Path) -> bool:
        """Copy the file's bytes while a read transaction pins a snapshot that the WAL plays
        no part in. False (nothing copied) when that cannot be had.

        After a TRUNCATE checkpoint the WAL is empty; a read transaction begun then has an
        end mark of frame 0, so no checkpoint can write into the database file until it
        ends (SQLite's checkpoints stop at the oldest reader's mark), and frames written
        meanwhile are not part of the snapshot. A WAL that is not empty once the snapshot is
        held means another writer got in between: the page copy is used then. With a
        rollback journal the read transaction's shared lock keeps writers out instead.
        """
        wal = Path(f"{self.path}-wal")
        # No waiting: a reader elsewhere that keeps the WAL only means the other way.
        source.execute("PRAGMA busy_timeout=0")
        try:
            busy, _frames, _done = source.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        if busy:
            return False
        source.execute("BEGIN")
        try:
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if wal.exists() and wal.stat().st_size > 0:
                return False
            if not file_copy_possible(self.path.stat().st_size):  # checkpointed: its size
                return False
            shutil.copyfile(self.path, target)
            return True
        finally:
            source.execute("COMMIT")

    def close(self) -> None:
        self.engine.dispose()


def file_copy_possible(size: int, system: str = os.name) -> bool:
    """Whether the database file's bytes can be read while SQLite holds it: not on Windows
    once the file reaches SQLite's locked pending byte (1 GiB)."""
    return system != "nt" or size <= SQLITE_PENDING_BYTE


def _page_copy(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup API: page by page, in one step (a step never restarts, and in
    WAL mode the read it holds does not block writers)."""
    destination = sqlite3.connect(target)
    try:
        # The target is a new file that the caller discards on failure: no journal and no
        # syncs while copying (the caller fsyncs once).
        destination.execute("PRAGMA journal_mode=OFF")
        destination.execute("PRAGMA synchronous=OFF")
        # Reading the source through a memory map saves a copy of every page.
        source.execute(f"PRAGMA mmap_size={BACKUP_MMAP_BYTES}")
        try:
            source.backup(destination, pages=-1)
        finally:
            source.execute("PRAGMA mmap_size=0")
    finally:
        destination.close()


def open_database(path: Path) -> Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    Raises ForeignDatabase, DatabaseDamaged, DatabaseBusy, DatabaseReadOnly (only when a
    read-only database would need an upgrade), DiskFull or DatabaseError.
    """
    from hospiperf_desktop.storage.migrations import SCHEMA_HEAD, upgrade_to_head

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatabaseError(f"{path}: its folder cannot be created ({err.strerror})") from err
    location = inspect_location(path)
    revision = preflight(path, location, busy_seconds=BUSY_TIMEOUT_SECONDS)
    if location.read_only_reason is not None and revision != SCHEMA_HEAD:
        if not path.exists():
            raise DatabaseReadOnly(path.parent, location.read_only_reason)
        raise DatabaseReadOnly(path, "upgrade_needed")
    engine = make_engine(path, location)
    try:
        with _faults_named(path):
            if location.read_only_reason is None:
                upgrade_to_head(engine, path)
    except DatabaseFault:
        engine.dispose()
        raise
    except exc.DatabaseError as err:
        engine.dispose()
        raise DatabaseError(f"{path}: cannot be opened ({err.orig})") from err
    except BaseException:
        engine.dispose()
        raise
    return Database(path, engine, location)
