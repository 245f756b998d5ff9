"""Helpers shared by the integration tests (imported as a plain module)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.establishments.model import EstablishmentInput

# Runs `hospiperf --db <db> ARGS` in-process; returns (exit code, stdout, stderr).
Cli = Callable[..., tuple[int, str, str]]


def make_finess(serial: int, departement: str = "75") -> str:
    """A valid FINESS number: département, 6-digit serial, Luhn check digit."""
    payload = f"{departement}{serial:06d}"
    return payload + luhn_check_digit(payload)


def make_input(serial: int = 1, **changes: Any) -> EstablishmentInput:
    fields: dict[str, Any] = {
        "finess": make_finess(serial),
        "name": f"Centre hospitalier n°{serial}",
        "kind": "ch",
        "region": "Île-de-France",
        "beds": 100 + serial,
    }
    fields.update(changes)
    return EstablishmentInput(**fields)


def raw_rows(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Read with a plain sqlite3 connection, as any outside tool could."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def tamper(path: Path, *statements: str) -> None:
    """Act as someone editing the file by hand: drop the guard triggers, then run SQL."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def audit_count(path: Path) -> int:
    return int(raw_rows(path, "SELECT COUNT(*) FROM audit_entries")[0][0])
