"""Helpers for the backup tests: a row-by-row dump, damage, a small tmpfs."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

Dump = dict[str, list[tuple[Any, ...]]]


def dump(path: Path, *, skip: tuple[str, ...] = ()) -> Dump:
    """Every row of every table, in rowid order, read as any outside tool could."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {
            table: conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            for table in tables
            if table not in skip
        }


def damage(path: Path, *, first_page: int = 2, pages: int = 6) -> None:
    """Overwrite some pages (after the header page) with garbage, as a failing disk would."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    with path.open("r+b") as file:
        file.seek(page_size * (first_page - 1))
        file.write(b"\xde\xad\xbe\xef" * (page_size * pages // 4))


@contextmanager
def small_tmpfs(where: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of a few MB (needs root); the test is skipped where mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True)
