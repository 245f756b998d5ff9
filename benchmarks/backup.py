"""Backup of a ~200 MB database against copying its file, in the same run.

Builds (once, cached in the system temp folder) a database of about 200 MB: the real schema,
with rows written straight into `stock_movements` by sqlite3. Then, best of N each:

- `copy_seconds`: copying the database file and fsync'ing the copy (the baseline);
- `backup_write_seconds`: `Database.backup_to()` (checkpoint then a copy under a read lock, or
  SQLite's online backup API when a reader pins the WAL; fsync'ed);
- `backup_create_seconds`: the whole `hospiperf backup create` (write, reopen and run
  `PRAGMA integrity_check`, verify the audit chain, sidecar, rename);
- `open_seconds`: opening the database, including the quick check made at every start.

Goal: `write_ratio` = backup_write / copy < 2. Usage: python benchmarks/backup.py [--mb 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import best_of

from hospiperf_desktop.services import open_services
from hospiperf_desktop.storage.database import open_database

ROW_BYTES = 140  # about what one movement row takes on disk, indexes included


def build(path: Path, megabytes: int) -> None:
    if path.exists() and path.stat().st_size >= megabytes * 1_000_000 * 0.9:
        return
    path.unlink(missing_ok=True)
    services = open_services(path)
    from hospiperf_desktop.establishments.model import EstablishmentInput

    services.establishments.add(EstablishmentInput(finess="690990023", name="CH", kind="ch"))
    services.close()
    rows = megabytes * 1_000_000 // ROW_BYTES
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(stock_movements)")]
        print(f"building {path} ({rows} rows in stock_movements: {', '.join(columns)})")
        _fill(conn, rows)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _row(conn: sqlite3.Connection, table: str) -> tuple[str, list[object]]:
    """An INSERT of one plausible row: every NOT NULL column gets a value of its type."""
    by_type = {"INTEGER": 1, "FLOAT": 1.5, "DATE": "2025-01-01", "BOOLEAN": 0}
    names, values = [], []
    for _cid, name, kind, notnull, default, primary in conn.execute(f"PRAGMA table_info({table})"):
        if primary or not notnull or default is not None:
            continue
        names.append(name)
        known = {"kind": "movements", "category": "medicament"}
        values.append(known.get(name, by_type.get(str(kind).split("(")[0], "2025-01-01 00:00")))
    marks = ", ".join("?" * len(names))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values


def _fill(conn: sqlite3.Connection, rows: int) -> None:
    conn.execute("BEGIN")
    for table in ("stock_imports", "products"):
        sql, values = _row(conn, table)
        conn.execute(sql, values)
    sql, values = _row(conn, "stock_movements")
    conn.executemany(sql, (values for _ in range(rows)))
    conn.execute("COMMIT")


def copy_file(source: Path, target: Path) -> None:
    with source.open("rb") as original, target.open("wb") as copy:
        shutil.copyfileobj(original, copy, 1024 * 1024)
        copy.flush()
        os.fsync(copy.fileno())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / f"hospiperf-backup-bench-{args.mb}"
    cache.mkdir(exist_ok=True)
    database_path = cache / "hospiperf.sqlite"
    build(database_path, args.mb)
    size = database_path.stat().st_size
    work = Path(tempfile.mkdtemp(prefix="hospiperf-backup-", dir=cache))
    try:
        copy_seconds = best_of(args.repeat, lambda: copy_file(database_path, work / "copy"))
        open_seconds = best_of(args.repeat, lambda: open_database(database_path).close())
        services = open_services(database_path)
        try:
            target = work / "backup.sqlite"

            def write() -> None:
                target.unlink(missing_ok=True)
                services.database.backup_to(target)

            write_seconds = best_of(args.repeat, write)
            create_seconds = best_of(args.repeat, lambda: services.backups.create(work))
        finally:
            services.close()
    finally:
        shutil.rmtree(work)
    print(f"database_mb {size / 1e6:.0f}")
    print(f"copy_seconds {copy_seconds:.2f}")
    print(f"backup_write_seconds {write_seconds:.2f}")
    print(f"backup_create_seconds {create_seconds:.2f}")
    print(f"open_seconds {open_seconds:.2f}")
    print(f"write_ratio {write_seconds / copy_seconds:.2f} (goal < 2)")
    print(f"create_ratio {create_seconds / copy_seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
