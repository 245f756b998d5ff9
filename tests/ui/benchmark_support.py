"""Installing regional benchmarks on the window's database, as a package from the ARS
would (plain module, imported by the screen tests)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospiperf_desktop.bundles.authority import ArsPublicKey
from hospiperf_desktop.bundles.bag import sha256
from hospiperf_desktop.library.benchmarks import Distribution, document
from hospiperf_desktop.library.package import PackageItem, write_package
from hospiperf_desktop.services import Services


def install_benchmarks(services: Services, folder: Path, items: list[Distribution]) -> None:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    keys = services.database.path.parent / "keys"
    keys.mkdir(exist_ok=True)
    (keys / "ars-test.pub.json").write_text(ArsPublicKey("ARS test", raw).to_json())
    content = json.dumps(
        document(items, created="2026-11-30T00:00:00+00:00", publisher="ARS", source="test"),
        ensure_ascii=False,
    ).encode("utf-8")
    item = PackageItem(
        "benchmarks",
        "data/benchmarks/regional-1.json",
        "regional",
        "1",
        "Repères régionaux",
        sha256(content),
        content,
    )
    out = folder / "reperes.zip"
    write_package(
        out,
        [item],
        kind="benchmarks",
        publisher="ARS",
        signer_fingerprint=ArsPublicKey("ARS test", raw).fingerprint,
        sign=private.sign,
        created=datetime(2026, 11, 30, tzinfo=UTC),
        software_version="test",
    )
    services.library.install(out)
