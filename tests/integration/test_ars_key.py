"""The ARS's own key: made by `ars keys generate`, trusted by `keys trust-ars` with its
fingerprint in words, and every ARS-signed file refused for no key, another key or a changed
byte (bundles/authority.py); the verification script of docs/ars-key.md run as a third party."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integration_support import Cli
from sqlalchemy import select

from hospiperf_desktop.bundles.authority import (
    ArsKeyRefused,
    generate_ars_keys,
    open_ars_signer,
    parse_ars_public_key,
    read_ars_public_key,
    trust_ars_key,
    trusted_ars_key,
    verify_ars_signature,
)
from hospiperf_desktop.bundles.wordlist import WORDS
from hospiperf_desktop.errors import ConflictError
from hospiperf_desktop.services import Services
from hospiperf_desktop.storage.models import AuditEntry

PASSPHRASE = "phrase de passe de l'ARS"
DOC = Path(__file__).parents[2] / "docs" / "ars-key.md"


def test_generate_writes_an_encrypted_private_key_and_a_public_key_file(tmp_path: Path) -> None:
    info = generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Bretagne")
    pem = info.private_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert info.private_path.stat().st_mode & 0o077 == 0
    public = read_ars_public_key(info.public_path)
    assert public.authority == "ARS Bretagne"
    assert public.fingerprint == info.fingerprint
    assert len(info.words.split()) == 10 and all(w in WORDS for w in info.words.split())
    signer = open_ars_signer(tmp_path / "ars", PASSPHRASE)
    assert signer.public == public
    with pytest.raises(ConflictError) as wrong:
        open_ars_signer(tmp_path / "ars", "not the passphrase")
    assert wrong.value.reason == "wrong_passphrase"
    with pytest.raises(ConflictError) as again:
        generate_ars_keys(tmp_path / "ars", PASSPHRASE)
    assert again.value.reason == "key_exists"
    assert read_ars_public_key(info.public_path) == public  # the first key is untouched


def test_trusted_key_accepts_its_signature_and_refuses_everything_else(
    services: Services, tmp_path: Path
) -> None:
    generate_ars_keys(tmp_path / "ars", PASSPHRASE)
    generate_ars_keys(tmp_path / "other", PASSPHRASE)
    signer = open_ars_signer(tmp_path / "ars", PASSPHRASE)
    other = open_ars_signer(tmp_path / "other", PASSPHRASE)
    data = b"un accuse de reception"
    assert trusted_ars_key(services) is None
    with pytest.raises(ArsKeyRefused) as none:
        verify_ars_signature(trusted_ars_key(services), data, signer.sign(data), what="r.json")
    assert none.value.reason == "no_ars_key" and "r.json" in str(none.value)

    assert trust_ars_key(services, signer.public) is True
    assert trust_ars_key(services, signer.public) is False  # already trusted: nothing written
    key = trusted_ars_key(services)
    assert key == signer.public
    assert verify_ars_signature(key, data, signer.sign(data)) == key
    assert (
        verify_ars_signature(key, data, signer.sign(data), named_fingerprint=key.fingerprint) == key
    )
    with pytest.raises(ArsKeyRefused) as named:
        verify_ars_signature(
            key, data, other.sign(data), named_fingerprint=other.public.fingerprint
        )
    assert named.value.reason == "unknown_ars_key"
    with pytest.raises(ArsKeyRefused) as signed_by_other:
        verify_ars_signature(key, data, other.sign(data))
    assert signed_by_other.value.reason == "bad_ars_signature"
    with pytest.raises(ArsKeyRefused) as changed:
        verify_ars_signature(key, data + b"!", signer.sign(data))
    assert changed.value.reason == "bad_ars_signature"
    with pytest.raises(ArsKeyRefused):
        verify_ars_signature(key, data, b"short")

    with pytest.raises(ConflictError) as replacing:
        trust_ars_key(services, other.public)
    assert replacing.value.reason == "ars_key_exists"
    assert trusted_ars_key(services) == signer.public
    assert trust_ars_key(services, other.public, replace=True) is True
    assert trusted_ars_key(services) == other.public
    with services.database.read() as session:
        trail = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "ars_key").order_by(AuditEntry.id)
        ).all()
    assert trail == ["create", "update"]


def test_cli_generate_and_trust_show_the_same_words(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARS_PASSPHRASE", PASSPHRASE)
    code, out, err = cli(
        "ars",
        "keys",
        "generate",
        "--out",
        str(tmp_path / "k"),
        "--passphrase-env",
        "ARS_PASSPHRASE",
        "--authority",
        "ARS Occitanie",
        "--json",
    )
    assert code == 0, err
    made = json.loads(out)
    code, out, err = cli("keys", "trust-ars", made["public_path"])
    assert code == 0, err
    assert made["words"] in out and "ARS Occitanie" in out
    code, out, _ = cli("keys", "trust-ars", made["public_path"], "--json")
    assert json.loads(out) == {
        "authority": "ARS Occitanie",
        "fingerprint": made["fingerprint"],
        "words": made["words"],
        "added": False,
    }
    code, out, err = cli(
        "ars",
        "keys",
        "generate",
        "--out",
        str(tmp_path / "k"),
        "--passphrase-env",
        "ARS_PASSPHRASE",
    )
    assert code == 2 and "exists already" in err and len(err.strip().splitlines()) == 1
    establishment_key = tmp_path / "x.json"
    establishment_key.write_text('{"format": "hospiperf-public-key/1"}', encoding="utf-8")
    code, _, err = cli("keys", "trust-ars", str(establishment_key))
    assert code == 2 and "not an ARS public-key file" in err
    assert len(err.strip().splitlines()) == 1


def _key_json(tmp_path: Path) -> dict[str, object]:
    info = generate_ars_keys(tmp_path / "base", PASSPHRASE)
    return json.loads(info.public_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"fingerprint": "0" * 64}, "fingerprint does not match"),
        ({"public_key": "AAAA"}, "not an ARS public-key file"),
        ({"algorithm": "RSA"}, "not an ARS public-key file"),
        ({"authority": ""}, "not an ARS public-key file"),
        ({"authority": "\u0000\u0001"}, "control character"),
        ({"authority": "   "}, "not a text"),
        ({"extra": 1}, "not an ARS public-key file"),
    ],
)
def test_damaged_key_files_are_refused(
    tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    data = {**_key_json(tmp_path), **change}
    with pytest.raises(ArsKeyRefused) as refused:
        parse_ars_public_key(json.dumps(data), "ars.pub.json")
    assert refused.value.reason == "bad_ars_key_file"
    assert expected in str(refused.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_as_a_key_file_are_refused_cleanly(tmp_path_factory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("k") / "ars.pub.json"
    path.write_bytes(raw)
    try:
        read_ars_public_key(path)
    except ArsKeyRefused as err:
        assert err.reason == "bad_ars_key_file"


def test_the_documented_script_verifies_an_ars_signature(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    script = tmp_path / "verify_ars.py"
    script.write_text(blocks[0], encoding="utf-8")
    info = generate_ars_keys(tmp_path / "ars", PASSPHRASE, "ARS Grand Est")
    signer = open_ars_signer(tmp_path / "ars", PASSPHRASE)
    signed = tmp_path / "paquet.json"
    signed.write_bytes(b'{"hello": "ARS"}')
    sig = tmp_path / "paquet.json.sig"
    sig.write_bytes(base64.b64encode(signer.sign(signed.read_bytes())))

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-I", str(script), str(info.public_path), str(signed), str(sig)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    done = run()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"VALID ARS Grand Est {info.fingerprint}"
    signed.write_bytes(b'{"hello": "ARS!"}')
    done = run()
    assert done.returncode != 0 and "InvalidSignature" in done.stderr
