"""docs/key-successor.md: its script accepts a successor made by `keys generate --replace`
and refuses one changed or checked against another key."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bundle_support import PASSPHRASE, make_bundle

from hospiperf_desktop.services import Services

DOC = Path(__file__).parents[2] / "docs" / "key-successor.md"


def _script(folder: Path) -> Path:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    script = folder / "verify_successor.py"
    script.write_text(code, encoding="utf-8")
    return script


def test_the_documented_script_verifies_a_successor(services: Services, tmp_path: Path) -> None:
    make_bundle(services, tmp_path / "envoi.zip")
    [establishment] = services.establishments.list()
    info = services.bundles.generate_key(
        establishment.id, "une autre phrase de passe", replace=True, old_passphrase=PASSPHRASE
    )
    assert info.successor_path is not None
    data = json.loads(info.successor_path.read_text(encoding="utf-8"))
    script = _script(tmp_path)

    def run(path: Path, old: str) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-I", str(script), str(path), old],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        return done.returncode, (done.stdout + done.stderr).strip()

    assert run(info.successor_path, data["old_public_key"]) == (
        0,
        f"valid {establishment.finess} {info.fingerprint}",
    )
    code, said = run(info.successor_path, data["new_public_key"])
    assert code == 1 and said == "refused: signed by a key that is not the trusted one"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(dict(data, issued_at="2020-01-01T00:00:00Z")), encoding="utf-8")
    code, said = run(changed, data["old_public_key"])
    assert code == 1 and said == "refused: the signature does not verify"
