"""The verification script of docs/bundle-format.md, run as a third party would run it."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from bundle_support import make_bundle, rewrite

from hospiperf_desktop.services import Services

DOC = Path(__file__).parents[2] / "docs" / "bundle-format.md"


def _script(tmp_path: Path) -> Path:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1, "the document holds exactly one Python script"
    path = tmp_path / "verify_bundle.py"
    path.write_text(blocks[0], encoding="utf-8")
    imports = set(re.findall(r"^(?:from|import) (\w+)", blocks[0], re.MULTILINE))
    assert imports <= {"base64", "hashlib", "json", "sys", "zipfile", "cryptography"}, imports
    return path


def test_the_documented_script_verifies_an_application_bundle(
    services: Services, tmp_path: Path, db_file: Path
) -> None:
    bundle = make_bundle(services, tmp_path / "paquet.zip")
    finess = services.establishments.list()[0].finess
    key = db_file.parent / "keys" / f"{finess}.pub.json"
    script = _script(tmp_path)

    def run(path: Path) -> str:
        done = subprocess.run(
            [sys.executable, "-I", str(script), str(path), str(key)],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        return done.stdout.strip()

    with zipfile.ZipFile(bundle) as archive:
        info = dict(
            line.split(": ", 1)
            for line in archive.read("bag-info.txt").decode("utf-8").splitlines()
            if line
        )
    assert int(info["Audit-Entries"]) > 0
    assert run(bundle).splitlines() == [
        "valid",
        f"audit anchor: entry {info['Audit-Entries']}, hash {info['Audit-Head']}",
        "checks: 2 conforme, 1 avertissement, 0 justifié",  # no diagnostic: a warning
    ]

    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        files["bag-info.txt"] = files["bag-info.txt"].replace(b"Period: 2026", b"Period: 2024")
        return files

    assert run(rewrite(bundle, tmp_path / "altere.zip", change)) == (
        "bag-info.txt does not match its hash"
    )
