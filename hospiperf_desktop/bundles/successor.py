"""A new establishment key signed by the key it replaces (`keys generate --replace` with the
old passphrase): the ARS accepts the successor without a phone call when that signature
verifies against the key it already trusts for the FINESS. Format: docs/key-successor.md."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospiperf_desktop.bundles.keys import MAX_KEY_FILE_BYTES, KeyFileError, PublicKey

SUCCESSOR_FORMAT = "hospiperf-key-successor/1"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class KeySuccessor:
    finess: str
    old: PublicKey
    new: PublicKey
    issued_at: str  # UTC, "YYYY-MM-DDTHH:MM:SSZ"
    signature: bytes  # by the old key, over signed_bytes()

    def signed_bytes(self) -> bytes:
        """What the old key signs: five lines, each ending with a line feed."""
        lines = (SUCCESSOR_FORMAT, self.finess, _b64(self.old.raw), _b64(self.new.raw))
        return "".join(f"{line}\n" for line in (*lines, self.issued_at)).encode("ascii")

    def verifies(self) -> bool:
        return self.old.verify(self.signature, self.signed_bytes())

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": SUCCESSOR_FORMAT,
                "finess": self.finess,
                "old_public_key": _b64(self.old.raw),
                "new_public_key": _b64(self.new.raw),
                "issued_at": self.issued_at,
                "signature": _b64(self.signature),
                "old_fingerprint_words": self.old.words,
                "new_fingerprint_words": self.new.words,
            },
            indent=2,
        )


def sign_successor(finess: str, old: Ed25519PrivateKey, new: PublicKey) -> KeySuccessor:
    old_public = PublicKey(finess, old.public_key().public_bytes_raw())
    issued_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = KeySuccessor(finess, old_public, new, issued_at, b"")
    return KeySuccessor(finess, old_public, new, issued_at, old.sign(unsigned.signed_bytes()))


def read_successor(path: Path) -> KeySuccessor:
    """A successor file, its shape checked (not its signature: see `KeySuccessor.verifies`);
    KeyFileError naming the file otherwise."""
    from hospiperf_desktop.errors import InputFileError
    from hospiperf_desktop.jsonfiles import load_json_file

    try:
        data = load_json_file(path, "key-successor", max_bytes=MAX_KEY_FILE_BYTES)
    except InputFileError as err:
        raise KeyFileError(f"not a key-successor file: {err}") from None
    finess = data["finess"]
    return KeySuccessor(
        finess,
        PublicKey(finess, base64.b64decode(data["old_public_key"], validate=True)),
        PublicKey(finess, base64.b64decode(data["new_public_key"], validate=True)),
        data["issued_at"],
        base64.b64decode(data["signature"], validate=True),
    )


def is_successor_file(path: Path) -> bool:
    """True when `path` names itself a successor file (read no further than its start)."""
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    return SUCCESSOR_FORMAT.encode("ascii") in head
