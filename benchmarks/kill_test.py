"""Kill-at-random: write operations killed (SIGKILL) at random points, then checked.

Runs `hospiperf` write commands (stock import, diagnostic validation, backup, restore, bundle
export) in a subprocess, kills each at a random moment within its usual duration, and after
every kill checks that:

- `PRAGMA integrity_check` is ok and the audit trail verifies;
- the operation is all there or not at all (rows counted before and after, the database's
  establishments equal either the old ones or the backup's, checked backups all verify, the
  bundle file is absent or a complete zip).

Usage: python benchmarks/kill_test.py [--kills 50] [--seed 1]; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hospiperf_desktop.backup.service import verify_backup  # noqa: E402
from hospiperf_desktop.backup.store import list_folder  # noqa: E402
from hospiperf_desktop.establishments.finess import luhn_check_digit  # noqa: E402
from hospiperf_desktop.establishments.model import EstablishmentInput  # noqa: E402
from hospiperf_desktop.services import open_services  # noqa: E402

FINESS = "690990023"  # a demonstration establishment
DIAGNOSTIC = 2  # a draft diagnostic of the demonstration data
PASSPHRASE = "kill-test passphrase"
MOVEMENTS = 4000


@dataclass
class Bench:
    folder: Path
    db: Path
    reference: Path  # a backup restored by the restore rounds
    rounds: int = 0

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "hospiperf_desktop", "--db", str(self.db), *args]


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _count(path: Path, table: str) -> int:
    return int(_rows(path, f"SELECT count(*) FROM {table}")[0][0])


def _establishments(path: Path) -> set[str]:
    return {str(r[0]) for r in _rows(path, "SELECT finess FROM establishments")}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "KILL_PASS": PASSPHRASE}


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, env=_env(), cwd=ROOT)


def _movements(bench: Bench) -> Path:
    path = bench.folder / f"movements-{bench.rounds}.csv"
    rows = ["Date;Code UCD;Qté sortie;PU HT;UF"]
    rows += [
        f"{1 + i % 28:02d}/{1 + bench.rounds % 12:02d}/2025;34009300{i:05d};{i % 7 + 1};0,05;"
        f"UF {bench.rounds}"
        for i in range(MOVEMENTS)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# Each operation: prepare and return (command, check after the kill).
Operation = Callable[[Bench], tuple[list[str], Callable[[], str | None]]]


def op_import(bench: Bench) -> tuple[list[str], Callable[[], str | None]]:
    before = _count(bench.db, "stock_movements")
    imports = _count(bench.db, "stock_imports")
    command = bench.cli("stock", "import", str(_movements(bench)), "--establishment", FINESS,
                        "--kind", "movements", "--append")  # fmt: skip

    def check() -> str | None:
        after, imports_after = (
            _count(bench.db, "stock_movements"),
            _count(bench.db, "stock_imports"),
        )
        whole = (after, imports_after) in {(before, imports), (before + MOVEMENTS, imports + 1)}
        return None if whole else f"import half there: {before}->{after} movements"

    return command, check


def op_validate(bench: Bench) -> tuple[list[str], Callable[[], str | None]]:
    status = str(_rows(bench.db, f"SELECT status FROM diagnostics WHERE id={DIAGNOSTIC}")[0][0])
    audit = _count(bench.db, "audit_entries")
    if status == "draft":
        command = bench.cli("diag", "validate", str(DIAGNOSTIC))
    else:
        command = bench.cli("diag", "reopen", str(DIAGNOSTIC), "--reason", "kill test")

    def check() -> str | None:
        now = str(_rows(bench.db, f"SELECT status FROM diagnostics WHERE id={DIAGNOSTIC}")[0][0])
        changed_trail = _count(bench.db, "audit_entries") != audit
        if (now != status) != changed_trail:
            return f"status {status}->{now} but audit trail changed={changed_trail}"
        return None

    return command, check


def op_backup(bench: Bench) -> tuple[list[str], Callable[[], str | None]]:
    def check() -> str | None:
        for backup in list_folder(bench.db.parent / "backups"):
            if backup.checked and not verify_backup(backup.path).ok:
                return f"a backup listed as good does not verify: {backup.path.name}"
        return None

    return bench.cli("backup", "create"), check


def op_restore(bench: Bench) -> tuple[list[str], Callable[[], str | None]]:
    wanted = _establishments(bench.reference)
    if _establishments(bench.db) == wanted:  # make the restore visible
        services = open_services(bench.db)
        try:
            payload = f"75{bench.rounds:06d}"
            services.establishments.add(
                EstablishmentInput(finess=payload + luhn_check_digit(payload), name="X", kind="ch")
            )
        finally:
            services.close()
    before = _establishments(bench.db)

    def check() -> str | None:
        now = _establishments(bench.db)
        return None if now in (before, wanted) else "restore left a mix of two databases"

    return bench.cli("backup", "restore", str(bench.reference)), check


def op_bundle(bench: Bench) -> tuple[list[str], Callable[[], str | None]]:
    out = bench.folder / "bundle.zip"
    out.unlink(missing_ok=True)
    command = bench.cli("bundle", "export", "--establishment", FINESS, "--out", str(out),
                        "--passphrase-env", "KILL_PASS", "--no-pdf")  # fmt: skip

    def check() -> str | None:
        if not out.exists():
            return None
        try:
            with zipfile.ZipFile(out) as bundle:
                return None if bundle.testzip() is None else "bundle damaged"
        except zipfile.BadZipFile:
            return "a partial bundle was left under its final name"

    return command, check


OPERATIONS: dict[str, Operation] = {
    "import": op_import,
    "validation": op_validate,
    "backup": op_backup,
    "restore": op_restore,
    "bundle": op_bundle,
}


def _common_checks(bench: Bench) -> str | None:
    integrity = _rows(bench.db, "PRAGMA integrity_check")[0][0]
    if integrity != "ok":
        return f"integrity_check: {integrity}"
    services = open_services(bench.db)
    try:
        report = services.audit.verify()
    finally:
        services.close()
    return None if report.ok else f"audit verify: {report.problems[0].message}"


def _timed(bench: Bench, command: list[str]) -> float:
    started = time.monotonic()
    _run(command)
    return time.monotonic() - started


def setup(folder: Path) -> Bench:
    db = folder / "data" / "hospiperf.sqlite"
    bench = Bench(folder, db, folder / "reference" / "x")
    _run(bench.cli("demo"))
    _run(bench.cli("keys", "generate", "--establishment", FINESS, "--passphrase-env", "KILL_PASS"))
    _run(bench.cli("backup", "create", "--to", str(folder / "reference")))
    bench.reference = next((folder / "reference").glob("hospiperf-*.sqlite"))
    return bench


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="hospiperf-kill-") as temporary:
        bench = setup(Path(temporary))
        durations = {}
        for name, operation in OPERATIONS.items():  # one full run each, to time it
            command, check = operation(bench)
            durations[name] = _timed(bench, command)
            bench.rounds += 1
            assert check() is None and _common_checks(bench) is None, name
        print("full run (s): " + ", ".join(f"{k} {v:.2f}" for k, v in durations.items()))
        return _kill_rounds(bench, durations, rng, args.kills)


def _kill_rounds(bench: Bench, durations: dict[str, float], rng: random.Random, kills: int) -> int:
    killed = {name: 0 for name in OPERATIONS}
    finished = failures = 0
    names = list(OPERATIONS)
    started = time.monotonic()
    while sum(killed.values()) < kills:
        name = names[bench.rounds % len(names)]
        command, check = OPERATIONS[name](bench)
        bench.rounds += 1
        child = subprocess.Popen(command, env=_env(), cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        # Past the start-up of Python (nothing written yet) to just past the usual end.
        time.sleep(rng.uniform(0.3 * durations[name], 1.05 * durations[name]))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed[name] += 1
        else:
            finished += 1
        child.wait()
        problem = _common_checks(bench) or check()
        if problem:
            failures += 1
            print(f"FAILED after {name} (round {bench.rounds}): {problem}")
    elapsed = time.monotonic() - started
    print(
        f"{sum(killed.values())} kills ("
        + ", ".join(f"{k} {v}" for k, v in killed.items())
        + f"), {finished} runs finished before their kill, {failures} failures, {elapsed:.0f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
