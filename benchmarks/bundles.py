"""Signing, verifying and consolidating bundles, against baselines measured in the same run.

1. A 50 MB bundle (25 files of 2 MB of random bytes, like PDFs and workbooks that do not
   compress): `write_bag` (hash every file, build the tag files, sign, write the stored zip)
   and `verify_bundle` (every zip check, every hash, the signature), each against hashing the
   same 50 MB with SHA-256 in memory. Target: each ≤ 1.3 ×.
2. 1,000 bundles of 50 establishments (20 periods each), imported into a fresh SQLite
   consolidation database with `Consolidation.import_bundles`. Target: under 60 s, with flat
   memory (resident size sampled every 100 bundles). The baseline printed beside is verifying
   the same 1,000 bundles without a database.

    python benchmarks/bundles.py [--repeat 5] [--bundles 1000]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from timing import best_of

from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.bag import PayloadFile, write_bag
from hospiperf_desktop.bundles.keys import PublicKey
from hospiperf_desktop.bundles.verify import trusted_by_finess, verify_bundle
from hospiperf_desktop.establishments.finess import luhn_check_digit

SIGN_TARGET = 1.3
IMPORT_TARGET_SECONDS = 60.0


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def info(
    finess: str, period: str, key: PublicKey, created: datetime, number: int
) -> dict[str, str]:
    return {
        "Source-Organization": f"CH {finess}",
        "FINESS": finess,
        "Establishment-Name": f"CH {finess}",
        "Period": period,
        "Bagging-Date": created.date().isoformat(),
        "Created": created.isoformat(),
        "Software-Version": "HospiPerf Desktop benchmark",
        "Bundle-UUID": f"00000000-0000-4000-8000-{number:012d}",
        "Public-Key-Fingerprint": key.fingerprint,
        "Audit-Entries": str(100 + number),
        "Audit-Head": hashlib.sha256(str(number).encode()).hexdigest(),
    }


def key_pair(finess: str) -> tuple[Ed25519PrivateKey, PublicKey]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, PublicKey(finess, raw)


def big_bundle(folder: Path, repeat: int) -> None:
    private, public = key_pair("690990015")
    files = [
        PayloadFile(f"data/documents/file-{i:02d}.pdf", os.urandom(2_000_000)) for i in range(25)
    ]
    total = sum(len(f.content) for f in files)
    out = folder / "big.zip"
    created = datetime(2026, 1, 1, tzinfo=UTC)
    meta = info("690990015", "2026", public, created, 1)
    trusted = trusted_by_finess([public])

    def hash_only() -> None:
        for f in files:
            hashlib.sha256(f.content).digest()

    def sign() -> None:
        write_bag(str(out), files, meta, private.sign, created)

    def sign_in_memory() -> None:
        # The cryptographic part alone: the manifests and the signature, no zip written.
        hashes = {f.path: hashlib.sha256(f.content).hexdigest() for f in files}
        manifest = "".join(f"{hashes[p]}  {p}\n" for p in sorted(hashes)).encode()
        private.sign(hashlib.sha256(manifest).hexdigest().encode())

    def verify() -> None:
        verify_bundle(out, trusted)

    sign()
    hashing, signing, verifying, crypto = [], [], [], []
    for _ in range(repeat):  # alternate, so a busy spell weighs on all of them
        hashing.append(best_of(1, hash_only))
        signing.append(best_of(1, sign))
        verifying.append(best_of(1, verify))
        crypto.append(best_of(1, sign_in_memory))
    h, s, v, c = min(hashing), min(signing), min(verifying), min(crypto)
    print(f"bundle_bytes={total}")
    print(f"hash_seconds={h:.3f}")
    print(f"sign_seconds={s:.3f}")
    print(f"verify_seconds={v:.3f}")
    print(f"sign_without_writing_ratio={c / h:.2f}  (manifests and signature only)")
    for label, ratio in (("sign_ratio", s / h), ("verify_ratio", v / h)):
        verdict = "met" if ratio <= SIGN_TARGET else "missed"
        print(f"{label}={ratio:.2f}  (target {SIGN_TARGET}: {verdict})")


def small_payload(finess: str, period: str, number: int) -> list[PayloadFile]:
    establishment = {
        "finess": finess,
        "name": f"CH {finess}",
        "kind": "ch",
        "region": None,
        "beds": 300,
    }
    diagnostics = [
        {
            "id": i,
            "template_id": "interdiag-medicaments-es",
            "template_version": "1.0",
            "template_title": "Inter Diag Médicaments",
            "label": f"Campagne {period}",
            "status": "validated",
            "validated_at": None,
            "completion": 100.0,
            "score": 50.0 + (number + i) % 50,
            "axes": [
                {"id": f"A{a}", "label": f"Axe {a}", "score": 60.0, "completion": 100.0}
                for a in range(8)
            ],
            "critical_failures": [],
            "plan_actions": 12,
            "plan_done": 4,
        }
        for i in range(3)
    ]
    units = [
        {
            "table_id": "uo-pharma",
            "table_version": "2022.1",
            "total": 400000.0 + number,
            "per_fte": 11000.0,
            "per_bed": 600.0,
            "previous_total": None,
            "missing": [],
            "lines": [],
        }
    ]
    stock = {
        "at": "2026-10-31",
        "window_weeks": 13,
        "coverage": [
            {
                "category": c,
                "location": "central",
                "stock_value": 100000.0,
                "coverage_weeks": 6.5,
                "target_weeks": 4,
                "weekly_consumption_value": 15000.0,
            }
            for c in ("medicament", "solute", "dms", "dmi")
        ],
        "totals": [],
        "per_bed": [],
    }
    summary = {
        "format": "hospiperf-bundle/1",
        "finess": finess,
        "name": f"CH {finess}",
        "period": period,
        "years": [int(period)],
        "modules": ["activity", "diagnostics", "stock"],
        "software_version": "benchmark",
        "files": [],
    }
    encode = lambda value: json.dumps(value, ensure_ascii=False).encode()  # noqa: E731
    return [
        PayloadFile("data/bundle.json", encode(summary)),
        PayloadFile("data/establishment.json", encode(establishment)),
        PayloadFile("data/diagnostics.json", encode(diagnostics)),
        PayloadFile(f"data/activity/work-units-{period}.json", encode(units)),
        PayloadFile("data/stock/indicators.json", encode(stock)),
        PayloadFile("data/diagnostics/diagnostic-1-plan.csv", b"item;action\n" * 200),
    ]


def many_bundles(folder: Path, count: int) -> None:
    establishments = 50
    finesses = [f"69{i:06d}" + luhn_check_digit(f"69{i:06d}") for i in range(establishments)]
    keys = {finess: key_pair(finess) for finess in finesses}
    paths = []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(count):
        finess = list(keys)[number % establishments]
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
    trusted = trusted_by_finess([public for _, public in keys.values()])
    gc.collect()
    begin = time.perf_counter()
    for path in paths:
        verify_bundle(path, trusted)
    verify_only = time.perf_counter() - begin
    url = f"sqlite:///{folder / 'ars.sqlite'}"
    consolidation = Consolidation(url, "benchmark")
    consolidation.trust([public for _, public in keys.values()])
    samples = []
    gc.collect()
    begin = time.perf_counter()
    for chunk in range(0, count, 100):
        outcomes = consolidation.import_bundles(paths[chunk : chunk + 100])
        assert all(o.status == "imported" for o in outcomes), outcomes[:2]
        samples.append(rss_mb())
    elapsed = time.perf_counter() - begin
    consolidation.close()
    print(f"bundles={count}")
    print(f"verify_only_seconds={verify_only:.2f}")
    verdict = "met" if elapsed < IMPORT_TARGET_SECONDS else "missed"
    print(f"import_seconds={elapsed:.2f}  (target < {IMPORT_TARGET_SECONDS:.0f} s: {verdict})")
    print("rss_mb_every_100=" + ",".join(f"{s:.0f}" for s in samples))
    growth = samples[-1] - samples[0]
    print(f"rss_growth_mb={growth:.1f}  (from the first 100 to the last)")
    print(f"import_ratio={elapsed / verify_only:.2f}  (import / verify only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bundles", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hospiperf-bench-") as folder:
        big_bundle(Path(folder), args.repeat)
        many_bundles(Path(folder), args.bundles)


if __name__ == "__main__":
    main()
