"""Ed25519 key pairs of the establishments.

The private key is a PKCS#8 PEM encrypted with the user's passphrase, in a file readable by
its owner only, under the `keys/` folder beside the database: never in the database, never
in a bundle. The public key travels as a small JSON file (FINESS, algorithm, raw key in
base64, fingerprint). The fingerprint is the SHA-256 of the raw 32-byte public key; people
compare its first ten bytes read as ten French words (`fingerprint_words`) over the phone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hospiperf_desktop.bundles.wordlist import WORDS
from hospiperf_desktop.errors import ConflictError, FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.establishments.finess import check_finess, normalize_finess
from hospiperf_desktop.files import write_atomically

MIN_PASSPHRASE = 10
PUBLIC_KEY_FORMAT = "hospiperf-public-key/1"


def fingerprint(raw_public_key: bytes) -> str:
    """SHA-256 of the raw public key, in hexadecimal."""
    return hashlib.sha256(raw_public_key).hexdigest()


def fingerprint_words(hex_fingerprint: str, count: int = 10) -> str:
    """The first `count` bytes of a fingerprint as French words, to read aloud."""
    data = bytes.fromhex(hex_fingerprint)[:count]
    return " ".join(WORDS[b] for b in data)


def fingerprint_groups(hex_fingerprint: str) -> str:
    """The fingerprint in groups of four hexadecimal digits, upper case."""
    text = hex_fingerprint.upper()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class Ed25519Key:
    """What every public key here does with its 32 raw bytes (`raw`, set by the dataclass
    that derives from this): fingerprint, words, verify, and the public-key file's JSON
    with the fields of its owner (`_owner()`)."""

    raw: bytes
    FORMAT = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    @property
    def words(self) -> str:
        return fingerprint_words(self.fingerprint)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def _owner(self) -> dict[str, str]:
        raise NotImplementedError

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": self.FORMAT,
                **self._owner(),
                "algorithm": "Ed25519",
                "public_key": base64.b64encode(self.raw).decode("ascii"),
                "fingerprint": self.fingerprint,
                "fingerprint_words": self.words,
            },
            ensure_ascii=False,
            indent=2,
        )


@dataclass(frozen=True)
class PublicKey(Ed25519Key):
    finess: str
    raw: bytes  # 32 bytes
    FORMAT = PUBLIC_KEY_FORMAT

    def _owner(self) -> dict[str, str]:
        return {"finess": self.finess}


def check_passphrase(passphrase: str) -> None:
    """A passphrase long enough to protect a private key, or ValidationError."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            [
                FieldIssue(
                    "passphrase",
                    "short_passphrase",
                    f"the passphrase needs at least {MIN_PASSPHRASE} characters",
                    {"minimum": MIN_PASSPHRASE},
                )
            ]
        )


class KeyFileError(ValueError):
    """A public-key file that cannot be used; the message says why."""


MAX_KEY_FILE_BYTES = 64 * 1024  # a public-key file is about 400 bytes


class NotAKeyFileError(KeyFileError):
    """A JSON file that does not even claim to be a public key (skipped in a folder)."""


def read_public_key(path: Path) -> PublicKey:
    from hospiperf_desktop.errors import InputFileError
    from hospiperf_desktop.jsonfiles import check_schema, load_json_file

    try:
        data = load_json_file(path, max_bytes=MAX_KEY_FILE_BYTES)
    except InputFileError as err:
        raise KeyFileError(f"not a public-key file: {err}") from None
    if not isinstance(data, dict) or data.get("format") != PUBLIC_KEY_FORMAT:
        raise NotAKeyFileError(f"{path.name}: not a public-key file (format {PUBLIC_KEY_FORMAT})")
    raw_key, finess = data.get("public_key"), data.get("finess")
    if not isinstance(raw_key, str) or not isinstance(finess, str):
        raise KeyFileError(f"{path.name}: damaged public key (public_key and finess are texts)")
    # The FINESS first, in words: the schema's pattern would only say "not the expected form".
    problem = check_finess(finess)
    if problem is not None or finess != normalize_finess(finess):
        reason = problem.message if problem else "write it as 9 characters, no spaces"
        raise KeyFileError(f"{path.name}: {finess[:20]!r} is not a FINESS number ({reason})")
    try:
        check_schema(data, "public-key", path.name)
    except InputFileError as err:
        raise KeyFileError(f"damaged public key: {err}") from None
    try:
        raw = base64.b64decode(raw_key, validate=True)
    except ValueError as err:
        raise KeyFileError(f"{path.name}: damaged public key ({err})") from None
    if data.get("algorithm") != "Ed25519" or len(raw) != 32:
        raise KeyFileError(f"{path.name}: not an Ed25519 public key")
    key = PublicKey(finess, raw)
    if data.get("fingerprint") not in (None, key.fingerprint):
        raise KeyFileError(f"{path.name}: the fingerprint does not match the key")
    return key


def read_trusted_keys(path: Path) -> list[PublicKey]:
    """A public-key file, or every `*.pub.json`/`*.json` key file of a folder."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json")
        keys = []
        for file in files:
            try:
                keys.append(read_public_key(file))
            except NotAKeyFileError:
                continue  # other JSON files of the folder are not keys
        if not keys:
            raise KeyFileError(f"{path}: no public-key file in this folder")
        return keys
    if not path.exists():
        raise KeyFileError(f"{path}: no such file or folder")
    return [read_public_key(path)]


def _write_text(target: Path, text: str) -> None:
    def write(path: str) -> None:
        Path(path).write_text(text, encoding="utf-8")

    write_atomically(target, write)


def _write_private(target: Path, data: bytes) -> None:
    """Write a secret: owner-only from the first byte, on disk before it replaces `target`."""

    def write(path: str) -> None:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    write_atomically(target, write, private=True)


@dataclass(frozen=True)
class KeyInfo:
    finess: str
    fingerprint: str
    words: str
    private_path: Path
    public_path: Path
    # Written when a key replaced another with its passphrase given (bundles/successor.py).
    successor_path: Path | None = None


def _checked(finess: str) -> str:
    """A FINESS number, before it names a key file (never a path someone typed)."""
    problem = check_finess(finess)
    if problem is not None or finess != normalize_finess(finess):
        message = problem.message if problem else "write it as 9 characters, no spaces"
        raise ValidationError(
            [FieldIssue("finess", problem.code if problem else "finess_format", message)]
        )
    return finess


class KeyStore:
    """Key pairs kept under one folder (the `keys/` folder beside the database)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _private_path(self, finess: str) -> Path:
        return self.folder / f"{_checked(finess)}.key.pem"

    def _public_path(self, finess: str) -> Path:
        return self.folder / f"{_checked(finess)}.pub.json"

    def has_key(self, finess: str) -> bool:
        return self._private_path(finess).exists()

    def info(self, finess: str) -> KeyInfo:
        key = self.public_key(finess)
        return KeyInfo(
            finess,
            key.fingerprint,
            key.words,
            self._private_path(finess),
            self._public_path(finess),
        )

    def generate(
        self,
        finess: str,
        passphrase: str,
        *,
        replace: bool = False,
        old_passphrase: str | None = None,
    ) -> KeyInfo:
        """Make the pair. Replacing a key with its passphrase (`old_passphrase`) also writes
        `<finess>.successor.json`: the new public key signed by the old key, which lets the
        ARS trust the new key without a phone call. A wrong old passphrase changes nothing."""
        check_passphrase(passphrase)
        if self.has_key(finess) and not replace:
            raise ConflictError(
                f"{finess} has a key already (fingerprint {self.info(finess).words});"
                " replacing it means the ARS must trust the new one",
                "key_exists",
                finess=finess,
            )
        old = (
            self.private_key(finess, old_passphrase)
            if old_passphrase is not None and self.has_key(finess)
            else None
        )
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
        )
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        _write_private(self._private_path(finess), pem)
        public = PublicKey(finess, raw)
        _write_text(self._public_path(finess), public.to_json() + "\n")
        successor_path = self.folder / f"{_checked(finess)}.successor.json"
        if old is None:
            successor_path.unlink(missing_ok=True)  # it named the key just replaced
            return self.info(finess)
        from hospiperf_desktop.bundles.successor import sign_successor

        _write_text(successor_path, sign_successor(finess, old, public).to_json() + "\n")
        return dataclass_replace(self.info(finess), successor_path=successor_path)

    def public_key(self, finess: str) -> PublicKey:
        path = self._public_path(finess)
        if not path.exists():
            raise NotFoundError(
                f"{finess} has no key yet ('hospiperf keys generate --establishment {finess}')"
            )
        return read_public_key(path)

    def export_public(self, finess: str, out: Path) -> KeyInfo:
        key = self.public_key(finess)
        _write_text(out, key.to_json() + "\n")
        return self.info(finess)

    def private_key(self, finess: str, passphrase: str) -> Ed25519PrivateKey:
        path = self._private_path(finess)
        if not path.exists():
            raise NotFoundError(
                f"{finess} has no key yet ('hospiperf keys generate --establishment {finess}')"
            )
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), passphrase.encode("utf-8"))
        except (ValueError, TypeError):
            raise ConflictError(
                "wrong passphrase for this establishment's key", "wrong_passphrase"
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ConflictError(f"{path.name} is not an Ed25519 key", "bad_key")
        return key
