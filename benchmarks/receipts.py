"""Receipts for 1,000 bundles, then the regional benchmark file over them (issue 16).

1,000 small bundles of 50 establishments (20 periods each), each a distinct bag signed by its
establishment's key (made with `write_bag` as in bundles.py, not timed), are imported into a
fresh SQLite consolidation with `ars.receipts.import_with_receipts`: every bundle is fully
verified and consolidated, and its receipt signed with the ARS key, written atomically and
recorded. Then the signed benchmarks file is built from the consolidation (as `hospiperf ars
benchmarks` does). Target: both together under 30 s.

    python benchmarks/receipts.py [--bundles 1000]
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bundles import info, key_pair, small_payload

from hospiperf_desktop.ars.receipts import import_with_receipts
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.authority import (
    generate_ars_keys,
    open_ars_signer,
    read_ars_public_key,
)
from hospiperf_desktop.bundles.bag import write_bag
from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.library.benchmarks import document
from hospiperf_desktop.library.package import PackageItem, write_package
from hospiperf_desktop.receipts.document import read_receipt

TARGET_SECONDS = 30.0
PASSPHRASE = "phrase de passe du banc d'essai"


def make_bundles(folder: Path, count: int) -> tuple[list[Path], list[object]]:
    establishments = 50
    finesses = [f"69{i:06d}" + luhn_check_digit(f"69{i:06d}") for i in range(establishments)]
    keys = {finess: key_pair(finess) for finess in finesses}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    paths = []
    for number in range(count):
        finess = finesses[number % establishments]
        period = str(2000 + number // establishments)
        private, public = keys[finess]
        created = start + timedelta(minutes=number)
        path = folder / f"bundle-{number:04d}.zip"
        write_bag(
            str(path),
            small_payload(finess, period, number),
            info(finess, period, public, created, number),
            private.sign,
            created,
        )
        paths.append(path)
    return paths, [public for _, public in keys.values()]


def benchmark_file(consolidation: Consolidation, signer: object, out: Path) -> int:
    from hospiperf_desktop.bundles.bag import sha256

    items = consolidation.benchmarks()
    created = datetime.now(UTC)
    content = json.dumps(
        document(items, created=created.isoformat(), publisher="ARS", source="benchmark"),
        ensure_ascii=False,
    ).encode("utf-8")
    version = created.strftime("%Y%m%d%H%M%S")
    item = PackageItem(
        "benchmarks",
        f"data/benchmarks/regional-{version}.json",
        "regional",
        version,
        "Repères régionaux",
        sha256(content),
        content,
    )
    write_package(
        out,
        [item],
        kind="benchmarks",
        publisher="ARS",
        signer_fingerprint=signer.public.fingerprint,  # type: ignore[attr-defined]
        sign=signer.sign,  # type: ignore[attr-defined]
        created=created,
        software_version="benchmark",
    )
    return len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hospiperf-bench-") as name:
        folder = Path(name)
        paths, publics = make_bundles(folder, args.bundles)
        generate_ars_keys(folder / "ars", PASSPHRASE, "ARS du banc d'essai")
        signer = open_ars_signer(folder / "ars", PASSPHRASE)
        consolidation = Consolidation(f"sqlite:///{folder / 'ars.sqlite'}", "benchmark")
        consolidation.trust(publics)  # type: ignore[arg-type]
        gc.collect()
        begin = time.perf_counter()
        issued = import_with_receipts(consolidation, paths, signer, folder / "receipts")
        receipts_done = time.perf_counter()
        distributions = benchmark_file(consolidation, signer, folder / "benchmarks.zip")
        end = time.perf_counter()
        consolidation.close()
        accepted = sum(i.outcome.status == "imported" for i in issued)
        written = len(list((folder / "receipts").iterdir()))
        key = read_ars_public_key(folder / "ars" / "ars.pub.json")
        sample = read_receipt(issued[-1].receipt, key)  # type: ignore[arg-type]
        assert written == args.bundles and sample.verdict == "accepted"
    total = end - begin
    print(f"bundles={args.bundles}  accepted={accepted}  receipts_written={written}")
    print(f"import_with_receipts_seconds={receipts_done - begin:.2f}")
    print(f"benchmark_file_seconds={end - receipts_done:.2f}  distributions={distributions}")
    verdict = "met" if total < TARGET_SECONDS else "missed"
    print(f"total_seconds={total:.2f}  (target < {TARGET_SECONDS:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
