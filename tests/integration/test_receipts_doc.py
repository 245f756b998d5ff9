"""The verification script of docs/receipts.md, run as a third party would run it, on a
receipt the ARS really wrote: valid and the verdict for the real one, refused for a receipt
changed by one word or signed by another key."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bundle_support import make_bundle, rewrite

from hospiperf_desktop.bundles.authority import generate_ars_keys, open_ars_signer
from hospiperf_desktop.cli import main
from hospiperf_desktop.services import Services

DOC = Path(__file__).parents[2] / "docs" / "receipts.md"
PASSPHRASE = "phrase de passe de l'ARS"


def _script(tmp_path: Path) -> Path:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "the document holds exactly one Python script"
    imports = set(re.findall(r"^(?:from|import) (\w+)", blocks[0], re.MULTILINE))
    assert imports <= {"base64", "hashlib", "json", "sys", "cryptography"}, imports
    path = tmp_path / "verify_receipt.py"
    path.write_text(blocks[0], encoding="utf-8")
    return path


def test_the_documented_script_verifies_a_receipt(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Bretagne")
    monkeypatch.setenv("ARS_PASS", PASSPHRASE)
    bundle = make_bundle(services, tmp_path / "envoi.zip")
    finess = services.establishments.list()[0].finess
    public = services.database.path.parent / "keys" / f"{finess}.pub.json"

    def damage(files: dict[str, bytes]) -> dict[str, bytes]:
        files["data/extra.json"] = b"{}"
        return files

    damaged = rewrite(bundle, tmp_path / "abime.zip", damage)
    argv = ["ars", "import", str(bundle), str(damaged), "--db-url", str(tmp_path / "ars.sqlite")]
    argv += ["--trusted-keys", str(public), "--receipts", str(tmp_path / "r")]
    argv += ["--key", str(tmp_path / "ars" / "ars.key.pem"), "--passphrase-env", "ARS_PASS"]
    assert main(argv) == 1  # one refused
    script, key = _script(tmp_path), tmp_path / "ars" / "ars.pub.json"

    def run(*args: Path) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, "-I", str(script), *map(str, args)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        return done.returncode, (done.stdout + done.stderr).strip()

    receipts = {}
    for path in (tmp_path / "r").iterdir():
        receipts[json.loads(json.loads(path.read_text())["body"])["verdict"]] = path
    code, out = run(receipts["accepted"], key, bundle)
    assert code == 0 and out.splitlines()[0] == "valid", out
    assert f"({finess}, 2026): accepted" in out and out.endswith("same file")
    code, out = run(receipts["refused"], key, bundle)
    assert code == 0 and ": refused" in out and "- unlisted_file: " in out
    assert out.endswith("the ARS received another file")

    envelope = json.loads(receipts["accepted"].read_text())
    changed = tmp_path / "change.json"
    changed.write_text(
        json.dumps(dict(envelope, body=envelope["body"].replace("accepted", "refused")))
    )
    assert run(changed, key) == (1, "the signature does not match: the receipt was changed")
    generate_ars_keys(tmp_path / "autre", PASSPHRASE)
    other = open_ars_signer(tmp_path / "autre", PASSPHRASE)
    forged = tmp_path / "autre-cle.json"
    forged.write_text(
        json.dumps(
            dict(
                envelope,
                signer_fingerprint=other.public.fingerprint,
                signature=base64.b64encode(other.sign(envelope["body"].encode())).decode(),
            )
        )
    )
    assert run(forged, key) == (1, "signed by another key than the ARS key given")
