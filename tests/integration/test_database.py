"""The SQLite file: created and migrated on open, durable settings, clear refusals."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from integration_support import raw_rows

from hospiperf_desktop.errors import DatabaseError
from hospiperf_desktop.storage.database import open_database
from hospiperf_desktop.storage.migrations import MIGRATIONS_DIR, SCHEMA_HEAD
from hospiperf_desktop.storage.models import Base
from hospiperf_desktop.storage.repositories import SettingsRepository


def _tables(path: Path) -> set[str]:
    return {str(r[0]) for r in raw_rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}


def _version(path: Path) -> str:
    return str(raw_rows(path, "SELECT version_num FROM alembic_version")[0][0])


def test_opening_a_missing_file_creates_every_table_at_the_current_schema(db_file: Path) -> None:
    open_database(db_file).close()
    assert db_file.exists()
    assert set(Base.metadata.tables) | {"alembic_version"} <= _tables(db_file)
    assert _version(db_file) == SCHEMA_HEAD
    triggers = {
        r[0] for r in raw_rows(db_file, "SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    assert {"audit_entries_no_update", "audit_entries_no_delete"} <= triggers


def test_schema_head_constant_is_the_head_of_the_migration_scripts() -> None:
    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == SCHEMA_HEAD


def test_reopening_an_up_to_date_database_changes_nothing(db_file: Path) -> None:
    open_database(db_file).close()
    schema_before = raw_rows(db_file, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    open_database(db_file).close()
    assert raw_rows(db_file, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == (
        schema_before
    )
    assert _version(db_file) == SCHEMA_HEAD
    assert not list(db_file.parent.glob("*.bak")), "no backup for a database already up to date"


def test_connections_use_wal_foreign_keys_and_full_sync(db_file: Path) -> None:
    database = open_database(db_file)
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        database.close()


def test_a_file_that_is_not_a_database_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"These are my notes, not a database.\n" * 200)
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes().startswith(b"These are my notes"), "the file was left alone"


def test_a_database_from_a_newer_version_is_refused(db_file: Path) -> None:
    open_database(db_file).close()
    with closing(sqlite3.connect(db_file)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dface9999'")
        conn.commit()
    with pytest.raises(DatabaseError, match="newer"):
        open_database(db_file)
    assert _version(db_file) == "f00dface9999", "the newer database was not touched"


def _setting(database_path: Path, key: str) -> str | None:
    database = open_database(database_path)
    try:
        with database.read() as session:
            return SettingsRepository(session).get(key)
    finally:
        database.close()


def test_an_error_in_the_outer_write_undoes_the_nested_write_too(db_file: Path) -> None:
    database = open_database(db_file)
    try:
        with pytest.raises(RuntimeError), database.write() as outer:
            SettingsRepository(outer).set("outer", "1")
            with database.write() as inner:
                SettingsRepository(inner).set("inner", "1")
            raise RuntimeError("the job failed after its inner step")
    finally:
        database.close()
    assert _setting(db_file, "outer") is None
    assert _setting(db_file, "inner") is None


def test_a_failed_nested_write_is_undone_alone_when_the_outer_goes_on(db_file: Path) -> None:
    database = open_database(db_file)
    try:
        with database.write() as outer:
            SettingsRepository(outer).set("outer", "1")
            with pytest.raises(RuntimeError), database.write() as inner:
                SettingsRepository(inner).set("inner", "1")
                raise RuntimeError("this step failed")
    finally:
        database.close()
    assert _setting(db_file, "outer") == "1"
    assert _setting(db_file, "inner") is None


def test_a_finished_write_is_committed_for_other_connections(db_file: Path) -> None:
    database = open_database(db_file)
    try:
        with database.write() as session:
            SettingsRepository(session).set("theme", "dark")
        assert raw_rows(db_file, "SELECT value FROM settings WHERE key='theme'") == [("dark",)]
    finally:
        database.close()


def test_backup_to_copies_committed_data_into_one_consistent_file(db_file: Path) -> None:
    database = open_database(db_file)
    with database.write() as session:
        SettingsRepository(session).set("first_run_done", "1")
    copy = db_file.with_name("copy.sqlite")
    database.backup_to(copy)
    database.close()
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute(
            "SELECT value FROM settings WHERE key = 'first_run_done'"
        ).fetchone() == ("1",)
    assert _version(copy) == SCHEMA_HEAD
    assert not copy.with_name("copy.sqlite-wal").exists()
