"""Traceability export import (sterilisation study), against calamine reading the same file.

A 100,000-line xlsx export (date, composition name, process, quantity; 300 composition
names mapped to UO Sté categories, a year of days) is read by `read_extraction` (read, check
every line, map, total by category, process and month). Baseline in the same run: merely
reading the file with python-calamine (`to_python`). Target: import ≤ 2 × read. Reads and
imports alternate so that a busy spell of the machine weighs on both alike.

    python benchmarks/sterilisation_import.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from timing import best_of

from hospiperf_desktop.calculators.sterilisation import shipped_table
from hospiperf_desktop.calculators.sterilisation_extraction import (
    ExtractionMapping,
    read_extraction,
)

TARGET_RATIO = 2.0
NAMES = 300


def mapping() -> ExtractionMapping:
    categories = [c for c in shipped_table().categories if c.process == "vapeur"]
    return ExtractionMapping(
        compositions={f"BOITE {i:03d}": categories[i % len(categories)].id for i in range(NAMES)}
    )


def export_workbook(rows: int) -> Path:
    from openpyxl import Workbook

    path = Path(tempfile.gettempdir()) / f"hospiperf-bench-sterilisation-{rows}.xlsx"
    if path.exists():
        return path
    print(f"building {path} ({rows} lines, once) …", flush=True)
    rng = random.Random(11)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    sheet.append(["Date", "Composition", "Procédé", "Quantité"])
    start = date(2026, 1, 1)
    for _ in range(rows):
        sheet.append(
            [
                start + timedelta(days=rng.randrange(365)),
                f"BOITE {rng.randrange(NAMES):03d}",
                "Vapeur 134°C",
                rng.choice((1, 1, 1, 2)),
            ]
        )
    workbook.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = export_workbook(args.rows)
    profile = mapping()

    def read() -> None:
        from python_calamine import load_workbook

        load_workbook(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)

    reads, imports = [], []
    for _ in range(args.repeat):
        reads.append(best_of(1, read))
        imports.append(best_of(1, lambda: read_extraction(path, 2026, profile)))
    extraction = read_extraction(path, 2026, profile)
    assert extraction.lines == args.rows
    read_s, import_s = min(reads), min(imports)
    ratio = import_s / read_s
    print(f"calamine read: {read_s:.3f} s")
    print(f"import:        {import_s:.3f} s ({len(extraction.activity)} activity lines)")
    print(f"ratio:         {ratio:.2f} (target ≤ {TARGET_RATIO:g}) —",
          "OK" if ratio <= TARGET_RATIO else "OVER TARGET")  # fmt: skip
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
