"""The verification script of docs/reference-packages.md, run as a third party would."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_reference_packages import item, make_package, uo_table

DOC = Path(__file__).parents[2] / "docs" / "reference-packages.md"


def _script(tmp_path: Path) -> Path:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    path = tmp_path / "verify_package.py"
    path.write_text(blocks[0], encoding="utf-8")
    return path


def test_the_documented_script_verifies_a_package_and_refuses_a_changed_one(
    tmp_path: Path,
) -> None:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    package = make_package(
        tmp_path / "p.zip",
        private,
        [item("uo_table", "uo", "uo-sterilisation-ars", "1.0", uo_table("1.0", 1.0))],
    )
    script = _script(tmp_path)

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        key = base64.b64encode(raw).decode()
        return subprocess.run(
            [sys.executable, "-I", str(script), str(path), key], capture_output=True, text=True
        )

    done = run(package)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["valid", "uo_table uo-sterilisation-ars 1.0"]

    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(changed, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename.endswith("1.0.json"):
                data = data.replace(b"1.0", b"9.0", 1)
            target.writestr(entry, data)
    done = run(changed)
    assert done.returncode == 1
    assert done.stdout.startswith("refused: data/uo/uo-sterilisation-ars-1.0.json")
