"""Hostile reference packages, built on demand around one trusted ARS key.

Each case returns the bytes of a zip; `run_hostile.py` (and the test beside it) feeds every
case to `hospiperf library import --yes` and expects: exit 2, one line on stderr, nothing
installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospiperf_desktop.bundles.bag import manifest_text, sha256
from hospiperf_desktop.library.package import PackageItem, write_package

TABLE = json.dumps(
    {
        "format": 1,
        "id": "uo-ars",
        "version": "1.0",
        "title": "Table",
        "status": "regional",
        "groups": [{"id": "g", "label": "G"}],
        "items": [{"id": "C1", "label": "L", "group": "g", "measure": "m", "coefficient": 1}],
    }
).encode()


def good(folder: Path, key: Ed25519PrivateKey, items: list[PackageItem] | None = None) -> bytes:
    from hospiperf_desktop.bundles.authority import ArsPublicKey

    raw = key.public_key().public_bytes_raw()
    out = folder / "good.zip"
    write_package(
        out,
        items
        or [
            PackageItem(
                "uo_table", "data/uo/uo-ars-1.0.json", "uo-ars", "1.0", "T", sha256(TABLE), TABLE
            )
        ],
        kind="reference",
        publisher="ARS",
        signer_fingerprint=ArsPublicKey("ARS test", raw).fingerprint,
        sign=key.sign,
        created=datetime(2026, 5, 1, tzinfo=UTC),
        software_version="test",
    )
    return out.read_bytes()


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _resign(files: dict[str, bytes], key: Ed25519PrivateKey) -> bytes:
    """Recompute manifests and signature: a package the trusted key really signed."""
    payload = {n: c for n, c in files.items() if n.startswith("data/")}
    files["manifest-sha256.txt"] = manifest_text({n: sha256(c) for n, c in payload.items()})
    octets = sum(len(c) for c in payload.values())
    info = files["bag-info.txt"].decode().splitlines()
    info = [
        f"Payload-Oxum: {octets}.{len(payload)}" if i.startswith("Payload-Oxum") else i
        for i in info
    ]
    files["bag-info.txt"] = ("\n".join(info) + "\n").encode()
    tags = {n: files[n] for n in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")}
    tagmanifest = manifest_text({n: sha256(c) for n, c in tags.items()})
    files["tagmanifest-sha256.txt"] = tagmanifest
    files["tagmanifest-sha256.txt.sig"] = base64.b64encode(key.sign(tagmanifest)) + b"\n"
    return _zip(files)


def _listing_change(change: Callable[[dict], None]) -> Callable[[bytes, Ed25519PrivateKey], bytes]:
    def make(data: bytes, key: Ed25519PrivateKey) -> bytes:
        files = _files(data)
        listing = json.loads(files["data/package.json"])
        change(listing)
        files["data/package.json"] = json.dumps(listing).encode()
        return _resign(files, key)

    return make


def _payload_change(name: str, content: bytes) -> Callable[[bytes, Ed25519PrivateKey], bytes]:
    def make(data: bytes, key: Ed25519PrivateKey) -> bytes:
        files = _files(data)
        files[name] = content
        if name == "data/uo/uo-ars-1.0.json":
            listing = json.loads(files["data/package.json"])
            listing["items"][0]["sha256"] = hashlib.sha256(content).hexdigest()
            files["data/package.json"] = json.dumps(listing).encode()
        return _resign(files, key)

    return make


def _tampered(data: bytes, _key: Ed25519PrivateKey) -> bytes:
    files = _files(data)
    files["data/uo/uo-ars-1.0.json"] = TABLE.replace(b'"coefficient": 1', b'"coefficient": 9')
    return _zip(files)


def _unsigned(data: bytes, _key: Ed25519PrivateKey) -> bytes:
    files = _files(data)
    del files["tagmanifest-sha256.txt.sig"]
    return _zip(files)


def _other_key(data: bytes, _key: Ed25519PrivateKey) -> bytes:
    return _resign(_files(data), Ed25519PrivateKey.generate())


def _zip_slip(data: bytes, _key: Ed25519PrivateKey) -> bytes:
    files = _files(data)
    files["../../evil.json"] = b"{}"
    return _zip(files)


def _not_a_zip(_data: bytes, _key: Ed25519PrivateKey) -> bytes:
    return b"PK\x03\x04 this is not a zip at all"


def _deep_json(data: bytes, key: Ed25519PrivateKey) -> bytes:
    return _payload_change("data/uo/uo-ars-1.0.json", b"[" * 100_000 + b"]" * 100_000)(data, key)


def _bad_table(data: bytes, key: Ed25519PrivateKey) -> bytes:
    bad = TABLE.replace(b'"coefficient": 1', b'"coefficient": -5')
    return _payload_change("data/uo/uo-ars-1.0.json", bad)(data, key)


def _unlisted(data: bytes, key: Ed25519PrivateKey) -> bytes:
    return _payload_change("data/uo/extra.json", b"{}")(data, key)


CASES: dict[str, Callable[[bytes, Ed25519PrivateKey], bytes]] = {
    "not-a-zip": _not_a_zip,
    "unsigned": _unsigned,
    "signed-by-another-key": _other_key,
    "payload-changed-after-signing": _tampered,
    "zip-slip": _zip_slip,
    "listing-wrong-format": _listing_change(lambda d: d.update(format="autre/9")),
    "listing-path-escapes": _listing_change(
        lambda d: d["items"][0].update(path="data/../../etc/passwd.json")
    ),
    "listing-hash-wrong": _listing_change(lambda d: d["items"][0].update(sha256="0" * 64)),
    "listing-uuid-differs": _listing_change(
        lambda d: d.update(uuid="00000000-0000-4000-8000-000000000000")
    ),
    "item-id-differs": _listing_change(lambda d: d["items"][0].update(id="autre-table")),
    "json-too-deep": _deep_json,
    "negative-coefficient": _bad_table,
    "file-not-in-listing": _unlisted,
}
