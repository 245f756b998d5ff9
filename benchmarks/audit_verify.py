"""`audit verify` on a large trail, against the way it verified before (kept here as the
baseline and measured in the same run).

The trail (default 76,000 entries of ~2.7 kB, ~200 MiB: the size the issue measured) is
recorded through `AuditService.record`, a thousand entries per write transaction, and cached
under ~/.cache/hospiperf-bench/. The baseline is the algorithm as it was before issue 19: every
entry loaded as an ORM object in one list (`session.scalars(...)`), turned into a
`ChainedEntry` and hashed with `json.dumps(asdict(entry), sort_keys=True, ...)`. Both run in
the same process, alternately, and the medians are compared; then each runs once under
tracemalloc for its peak of Python memory, on the whole trail and on its first quarter (a
copy cut with the head moved back), to show whether memory grows with the trail.

    .venv/bin/python benchmarks/audit_verify.py [--entries N] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from scale_data import CACHE
from sqlalchemy import select

from hospiperf_desktop.audit.chain import GENESIS_HASH, ChainedEntry
from hospiperf_desktop.services import Services, open_services
from hospiperf_desktop.storage.models import AuditEntry, AuditHead

DATA_VERSION = 1
BATCH = 1_000
WORDS = ["pharmacie", "stock", "rupture", "délai", "« fournisseur »", "qualité", "stérilisation"]


def old_verify(services: Services) -> tuple[int, int]:
    """The baseline: the trail as ORM objects in one list, each hashed via asdict + dumps."""
    problems = 0
    with services.database.read() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        head_row = session.get(AuditHead, 1)
        expected_prev, last, count = GENESIS_HASH, None, 0
        for row in rows:
            count += 1
            entry = ChainedEntry(
                id=row.id,
                recorded_at=row.recorded_at,
                actor=row.actor,
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                before=row.before,
                after=row.after,
                prev_hash=row.prev_hash,
            )
            problems += entry.prev_hash != expected_prev
            canonical = json.dumps(
                asdict(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False
            )
            problems += hashlib.sha256(canonical.encode("utf-8")).hexdigest() != row.hash
            expected_prev, last = row.hash, (row.id, row.hash)
        problems += last != ((head_row.last_id, head_row.last_hash) if head_row else None)
    return count, problems


def new_verify(services: Services) -> tuple[int, int]:
    report = services.audit.verify()
    return report.entries_checked, len(report.problems)


def snapshot(rng: random.Random, size: int) -> dict[str, object]:
    """An answer sheet's worth of JSON, with accents and quotes to escape."""
    answers, length = [], 0
    while length < size:
        comment = " ".join(rng.choices(WORDS, k=rng.randint(4, 14)))
        answers.append({"item": f"A.{rng.randint(1, 99):02d}", "code": "yes", "comment": comment})
        length += len(comment) + 45
    return {"diagnostic": rng.randint(1, 1000), "answers": answers}


def build_trail(path: Path, entries: int) -> None:
    services = open_services(path)
    rng = random.Random(19)
    audit = services.audit
    for start in range(0, entries, BATCH):
        with services.database.write() as session:
            for n in range(start, min(entries, start + BATCH)):
                audit.record(
                    session,
                    action="update",
                    entity="diagnostic",
                    entity_id=str(n % 1000 + 1),
                    before=snapshot(rng, 1_300),
                    after=snapshot(rng, 1_300),
                )
    services.database.close()


def trail(entries: int) -> Path:
    path = CACHE / f"audit-{entries}-v{DATA_VERSION}.sqlite"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        for leftover in CACHE.glob(f"{partial.name}*"):
            leftover.unlink()
        print(f"building {path} (once) …", flush=True)
        started = time.perf_counter()
        build_trail(partial, entries)
        partial.rename(path)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def cut_copy(source: Path, folder: Path, keep: int) -> Path:
    """A copy of the trail holding its first `keep` entries (the head moved back with it)."""
    target = folder / f"cut-{keep}.sqlite"
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as connection:
        triggers = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit%'"
        ).fetchall()
        for (name,) in triggers:
            connection.execute(f'DROP TRIGGER "{name}"')
        connection.execute("DELETE FROM audit_entries WHERE id > ?", (keep,))
        last = connection.execute("SELECT hash FROM audit_entries WHERE id = ?", (keep,))
        connection.execute(
            "UPDATE audit_head SET last_id = ?, last_hash = ?", (keep, last.fetchone()[0])
        )
    connection.close()
    return target


def peak_mib(job: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    job()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=76_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = trail(args.entries)
    with tempfile.TemporaryDirectory(prefix="hospiperf-audit-") as folder:
        copy = Path(folder) / "trail.sqlite"
        shutil.copyfile(source, copy)
        services = open_services(copy)
        size = copy.stat().st_size / 2**20
        expected = (args.entries, 0)
        old_times, new_times = [], []
        for _ in range(args.repeat):
            for job, times in ((old_verify, old_times), (new_verify, new_times)):
                gc.collect()
                started = time.perf_counter()
                outcome = job(services)
                times.append(time.perf_counter() - started)
                assert outcome == expected, (job.__name__, outcome)
        old_peak = peak_mib(lambda: old_verify(services))
        new_peak = peak_mib(lambda: new_verify(services))
        services.database.close()
        quarter = open_services(cut_copy(source, Path(folder), args.entries // 4))
        quarter_peak = peak_mib(lambda: new_verify(quarter))
        quarter.database.close()
    old, new = statistics.median(old_times), statistics.median(new_times)
    print(f"trail_entries {args.entries} ({size:.0f} MiB database)")
    print(f"old_seconds {old:.2f}  runs {' '.join(f'{t:.2f}' for t in old_times)}")
    print(f"new_seconds {new:.2f}  runs {' '.join(f'{t:.2f}' for t in new_times)}")
    print(f"old_peak_mib {old_peak:.1f}")
    print(f"new_peak_mib {new_peak:.2f} (quarter of the trail: {quarter_peak:.2f})")
    print(f"speedup {old / new:.1f}  (goal >= 5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
