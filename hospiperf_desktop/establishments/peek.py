"""The establishments list read with sqlite3 alone, for the window's first screen.

Opening the services imports SQLAlchemy and its ORM (about twice a bare window's start-up);
the first screen only lists establishments. When the database file exists and is already at
the current schema, this reads that list read-only, without SQLAlchemy, while the services
open behind it. In any other case (no file yet, an older or newer schema, a damaged, foreign
or busy file) it returns None and the services, opened as usual, list and report.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from hospiperf_desktop.french import collation_key
from hospiperf_desktop.storage.health import connect_uri
from hospiperf_desktop.storage.schema_head import SCHEMA_HEAD

_FIELDS = tuple(EstablishmentInput.__dataclass_fields__)
_BOOLEANS = {"overseas", "is_ght_support"}
BUSY_SECONDS = 0.2  # a writer holds the file: leave it to the usual path, which waits


def peek_establishments(path: Path) -> list[Establishment] | None:
    """Every establishment, in French order of name, as `EstablishmentService.list()` gives."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(
            connect_uri(path, read_only=True), uri=True, timeout=BUSY_SECONDS
        )
    except sqlite3.Error:
        return None
    try:
        return _read(connection)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection) -> list[Establishment] | None:
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision != (SCHEMA_HEAD,):
        return None
    columns = ", ".join(("id", "fictitious", *_FIELDS))
    rows = connection.execute(f"SELECT {columns} FROM establishments").fetchall()
    records = [_record(row) for row in rows]
    return sorted(records, key=lambda record: collation_key(record.name))


def _record(row: tuple[Any, ...]) -> Establishment:
    fields = dict(zip(_FIELDS, row[2:], strict=True))
    for name in _BOOLEANS:
        fields[name] = bool(fields[name])
    return Establishment(id=row[0], fictitious=bool(row[1]), **fields)
