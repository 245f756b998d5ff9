"""The ARS keys a desktop trusts for reference packages, until `bundles/authority.py` (the
ARS's own key, issue 16 point 1) replaces this: files `ars-*.pub.json` in the keys folder,
each `{"format": "hospiperf-ars-public-key/1", "public_key": <base64 of 32 bytes>}`."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hospiperf_desktop.bundles.keys import fingerprint

ARS_KEY_FORMAT = "hospiperf-ars-public-key/1"


@dataclass(frozen=True)
class ArsKey:
    raw: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def to_json(self) -> str:
        return json.dumps(
            {"format": ARS_KEY_FORMAT, "public_key": base64.b64encode(self.raw).decode("ascii")}
        )


def trusted_ars_keys(folder: Path) -> list[ArsKey]:
    keys = []
    for path in sorted(folder.glob("ars-*.pub.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            raw = base64.b64decode(data["public_key"], validate=True)
        except (ValueError, KeyError, TypeError, OSError):
            continue
        if data.get("format") == ARS_KEY_FORMAT and len(raw) == 32:
            keys.append(ArsKey(raw))
    return keys
