"""Stock import and indicators, against baselines measured in the same run.

1. Import: a movements export of 200,000 lines (xlsx, 8 columns, 5,000 products, 40 care
   units, a year of days) is imported into a fresh database with the real service
   (`StockImports.run`: read, check every row, one transaction, bulk insert). Baseline: merely
   reading the same file with the fastest reader we know (python-calamine, `to_python`).
   Target: import ≤ 2 × read.
2. Indicators: a database holding 1,000,000 movements (5,000 products, 2 years) and a stock
   snapshot of 5,000 lines; `StockAnalysis.indicators()` and `reorder()` are timed. Target:
   each under 1 s. The baseline printed beside is one plain `SUM()` over all movements.

Each figure is the best of `--repeat` runs after the file is built (the xlsx is cached in the
system temp folder between runs); reads and imports alternate so that a busy spell of the
machine weighs on both alike.

    python benchmarks/stock.py [--rows 200000] [--movements 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from timing import best_of

from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.services import Services, open_services

IMPORT_TARGET_RATIO = 2.0
INDICATORS_TARGET_SECONDS = 1.0
PRODUCTS = 5_000
UNITS = 40


def movements_workbook(rows: int) -> Path:
    from openpyxl import Workbook

    path = Path(tempfile.gettempdir()) / f"hospiperf-bench-movements-{rows}.xlsx"
    if path.exists():
        return path
    print(f"building {path} ({rows} lines, once) …", flush=True)
    rng = random.Random(7)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Mouvements")
    sheet.append(
        ["Date", "Code UCD", "Désignation", "Qté entrée", "Qté sortie", "PU HT", "UF",
         "Fournisseur"]
    )  # fmt: skip
    start = date(2025, 1, 1)
    for i in range(rows):
        product = rng.randrange(PRODUCTS)
        receipt = rng.random() < 0.1
        sheet.append(
            [
                start + timedelta(days=i * 365 // rows),
                f"9{product:06d}",
                f"Produit de santé n° {product}",
                rng.randint(10, 200) if receipt else 0,
                0 if receipt else rng.randint(1, 20),
                round(0.5 + (product % 97) * 1.7, 2),
                "" if receipt else f"UF {rng.randrange(UNITS):04d}",
                f"Fournisseur {product % 60}" if receipt else "",
            ]
        )
    partial = path.with_suffix(".part")
    workbook.save(partial)
    partial.replace(path)
    return path


def new_database(folder: Path, name: str) -> tuple[Services, int]:
    path = folder / f"{name}.sqlite"
    path.unlink(missing_ok=True)
    services = open_services(path)
    establishment = services.establishments.add(
        EstablishmentInput(finess="690990015", name="CH banc d'essai", kind="ch", beds=400)
    )
    return services, establishment.id


def bench_import(folder: Path, rows: int, repeat: int) -> bool:
    from python_calamine import load_workbook

    from hospiperf_desktop.stock.mapping import ImportKind

    workbook = movements_workbook(rows)

    def read() -> None:
        load_workbook(str(workbook)).get_sheet_by_index(0).to_python()

    # Read and import alternate, so that a busy spell of the machine weighs on both alike.
    reads, runs = [], []
    for attempt in range(repeat):
        reads.append(best_of(1, read))
        services, establishment_id = new_database(folder, f"import-{attempt}")
        mapping = services.stock.imports.preview(workbook, ImportKind.MOVEMENTS).mapping
        gc.collect()
        start = time.perf_counter()
        result = services.stock.imports.run(establishment_id, workbook, mapping)
        runs.append(time.perf_counter() - start)
        services.close()
        assert result.imported == rows, result
    read_seconds = min(reads)
    import_seconds = min(runs)
    ratio = import_seconds / read_seconds
    print(f"import: {rows} lines, {rows / import_seconds:,.0f} lines/s")
    print(f"read_seconds={read_seconds:.3f}")
    print(f"import_seconds={import_seconds:.3f}")
    print(f"import_ratio={ratio:.2f} (target ≤ {IMPORT_TARGET_RATIO})")
    return ratio <= IMPORT_TARGET_RATIO


def fill_movements(services: Services, establishment_id: int, count: int) -> date:
    """1,000,000 movements and a 5,000-line snapshot, written straight into the schema."""
    rng = random.Random(11)
    now = "2026-01-01 00:00:00"
    with sqlite3.connect(services.database_path) as raw:
        raw.execute(
            "INSERT INTO stock_imports (id, establishment_id, kind, file_name, sha256, row_count,"
            " mapping, imported_by, imported_at) VALUES (1, ?, 'movements', 'bench', 'x', ?,"
            " '{}', 'bench', ?)",
            (establishment_id, count, now),
        )
        raw.execute(
            "INSERT INTO stock_imports (id, establishment_id, kind, file_name, sha256, row_count,"
            " mapping, imported_by, imported_at) VALUES (2, ?, 'snapshot', 'bench', 'y', ?,"
            " '{}', 'bench', ?)",
            (establishment_id, PRODUCTS, now),
        )
        categories = ("medicament", "solute", "dms", "dmi", "magasin_general")
        raw.executemany(
            "INSERT INTO products (id, establishment_id, code, label, category, mitm,"
            " has_substitute, unit_price, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [
                (p + 1, establishment_id, f"9{p:06d}", f"Produit {p}", categories[p % 5],
                 p % 17 == 0, 0.5 + (p % 97) * 1.7, now, now)
                for p in range(PRODUCTS)
            ],
        )  # fmt: skip
        raw.executemany(
            "INSERT INTO care_units (id, establishment_id, name, key) VALUES (?, ?, ?, ?)",
            [(u + 1, establishment_id, f"UF {u:04d}", f"uf{u:04d}") for u in range(UNITS)],
        )
        start = date(2024, 1, 1)
        days = 730
        raw.executemany(
            "INSERT INTO stock_movements (import_id, establishment_id, product_id, day,"
            " quantity_in, quantity_out, value_in, value_out, care_unit_id, supplier_id, lot)"
            " VALUES (1, ?, ?, ?, 0, ?, 0, ?, ?, NULL, '')",
            (
                (
                    establishment_id,
                    rng.randrange(PRODUCTS) + 1,
                    (start + timedelta(days=i * days // count)).isoformat(),
                    q := rng.randint(1, 20),
                    q * 3.5,
                    rng.randrange(UNITS) + 1,
                )
                for i in range(count)
            ),
        )
        at = start + timedelta(days=days)
        raw.executemany(
            "INSERT INTO stock_lines (import_id, establishment_id, product_id, snapshot_date,"
            " location, location_kind, location_key, quantity, unit_price, value, lot,"
            " expiry_date) VALUES (2, ?, ?, ?, ?, ?, ?, ?, 3.5, ?, '', ?)",
            [
                (
                    establishment_id, p + 1, at.isoformat(),
                    "PUI" if p % 4 else f"UF {p % UNITS:04d}",
                    "central" if p % 4 else "care_unit",
                    "pui" if p % 4 else f"uf{p % UNITS:04d}",
                    q := rng.randint(0, 400), q * 3.5,
                    (at + timedelta(days=rng.randint(-30, 700))).isoformat(),
                )
                for p in range(PRODUCTS)
            ],
        )  # fmt: skip
    return at


def bench_indicators(folder: Path, count: int, repeat: int) -> bool:
    services, establishment_id = new_database(folder, "indicators")
    at = fill_movements(services, establishment_id, count)
    analysis = services.stock.analysis

    def plain_sum() -> None:
        with sqlite3.connect(services.database_path) as raw:
            raw.execute("SELECT SUM(value_out) FROM stock_movements").fetchone()

    baseline = best_of(repeat, plain_sum)
    indicators = best_of(repeat, lambda: analysis.indicators(establishment_id, at))
    reorder = best_of(repeat, lambda: analysis.reorder(establishment_id, at))
    result = analysis.indicators(establishment_id, at)
    assert result.movement_count > 0 and result.coverage, result
    services.close()
    print(f"indicators: {count} movements")
    print(f"plain_sum_seconds={baseline:.3f}")
    print(f"indicators_seconds={indicators:.3f} (ratio to plain sum {indicators / baseline:.2f})")
    print(f"reorder_seconds={reorder:.3f} (ratio to plain sum {reorder / baseline:.2f})")
    ok = max(indicators, reorder) < INDICATORS_TARGET_SECONDS
    print(f"indicators target (< {INDICATORS_TARGET_SECONDS} s): {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        imported = bench_import(Path(folder), args.rows, args.repeat)
        print(f"import target (≤ {IMPORT_TARGET_RATIO} × read): {'met' if imported else 'MISSED'}")
        indicators = bench_indicators(Path(folder), args.movements, args.repeat)
    return 0 if imported and indicators else 1


if __name__ == "__main__":
    raise SystemExit(main())
