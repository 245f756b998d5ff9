"""Run every hostile reference package through `hospiperf library import --yes`.

    python tests/hostile/run_hostile.py

Prints one line per case (exit code and message); exits 1 when a case is not refused
cleanly (exit 2, one line on stderr, nothing installed).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hospiperf_desktop.bundles.authority import ArsPublicKey
from tests.hostile.packages import CASES, good


def check_case(name: str, folder: Path) -> tuple[bool, str]:
    key = Ed25519PrivateKey.generate()
    db = folder / name / "hospiperf.sqlite"
    (db.parent / "keys").mkdir(parents=True)
    (db.parent / "keys" / "ars-x.pub.json").write_text(
        ArsPublicKey("ARS test", key.public_key().public_bytes_raw()).to_json()
    )
    package = folder / name / f"{name}.zip"
    package.write_bytes(CASES[name](good(db.parent, key), key))
    cli = [sys.executable, "-m", "hospiperf_desktop", "--db", str(db)]
    done = subprocess.run(
        [*cli, "library", "import", str(package), "--yes"], capture_output=True, text=True
    )
    listed = subprocess.run([*cli, "library", "list", "--json"], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    ok = done.returncode == 2 and len(lines) == 1 and listed.stdout.strip() == "[]"
    return ok, f"{name}: exit {done.returncode}: {done.stderr.strip()[:160]}"


def main() -> int:
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            ok, line = check_case(name, Path(tmp))
            print(("ok    " if ok else "FAIL  ") + line)
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
