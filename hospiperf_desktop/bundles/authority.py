"""The ARS's own signing key, and the check every file coming from the ARS goes through.

The ARS makes its Ed25519 pair once (`hospiperf ars keys generate --out DIR`): `ars.key.pem`,
a PKCS#8 PEM encrypted with its passphrase, readable by its owner only, and `ars.pub.json`,
the public key it hands to the establishments (format `hospiperf-ars-public-key/1`, see
docs/ars-key.md). An establishment trusts that key once (`hospiperf keys trust-ars FILE`), after
reading its fingerprint in words back to the ARS over the phone; the key is kept in the
database's settings and the trust is written to the audit trail.

Every file signed by the ARS (receipts, reference packages, benchmarks, revocation lists) is
checked with `verify_ars_signature` before anything of it is read: no trusted key, a file
naming another key, or a signature that does not match are refused with `ArsKeyRefused`,
whose `reason` is a stable code and whose message says what to do.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospiperf_desktop.bundles.keys import (
    MAX_KEY_FILE_BYTES,
    Ed25519Key,
    _write_private,
    _write_text,
    check_passphrase,
)
from hospiperf_desktop.errors import ConflictError, FieldIssue, HospiPerfError, ValidationError

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

ARS_PUBLIC_KEY_FORMAT = "hospiperf-ars-public-key/1"
PRIVATE_NAME = "ars.key.pem"
PUBLIC_NAME = "ars.pub.json"
SETTING_KEY = "ars_public_key"  # the trusted ARS key, as its public-key file's JSON
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class ArsKeyRefused(HospiPerfError):
    """A file from the ARS that cannot be trusted; `reason` is a stable code:
    no_ars_key, unknown_ars_key, bad_ars_signature, bad_ars_key_file."""

    code = "ars_key_refused"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ArsPublicKey(Ed25519Key):
    authority: str  # the agency's name, e.g. "ARS Bretagne"
    raw: bytes  # 32 bytes
    FORMAT = ARS_PUBLIC_KEY_FORMAT

    def _owner(self) -> dict[str, str]:
        return {"authority": self.authority}


def parse_ars_public_key(text: str, source: str) -> ArsPublicKey:
    """An ARS public key from its JSON text; `ArsKeyRefused('bad_ars_key_file')` otherwise."""
    from hospiperf_desktop.errors import InputFileError
    from hospiperf_desktop.jsonfiles import load_json_text

    try:
        data = load_json_text(text, source, "ars-public-key")
    except InputFileError as err:
        first = str(err).splitlines()[0] if str(err) else source
        raise ArsKeyRefused("bad_ars_key_file", f"not an ARS public-key file: {first}") from None
    raw = base64.b64decode(data["public_key"], validate=True)  # the schema's pattern: 32 bytes
    authority = " ".join(data["authority"].split())
    if not authority or any(not c.isprintable() for c in authority):
        raise ArsKeyRefused("bad_ars_key_file", f"{source}: the authority's name is not a text")
    key = ArsPublicKey(authority, raw)
    if data.get("fingerprint") not in (None, key.fingerprint):
        raise ArsKeyRefused("bad_ars_key_file", f"{source}: the fingerprint does not match the key")
    return key


def read_ars_public_key(path: Path) -> ArsPublicKey:
    from hospiperf_desktop.errors import InputFileError
    from hospiperf_desktop.jsonfiles import read_bounded

    try:
        raw = read_bounded(path, MAX_KEY_FILE_BYTES)
    except InputFileError as err:
        raise ArsKeyRefused("bad_ars_key_file", str(err)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ArsKeyRefused("bad_ars_key_file", f"{path.name}: not UTF-8 text") from None
    return parse_ars_public_key(text, path.name)


@dataclass(frozen=True)
class ArsKeyInfo:
    authority: str
    fingerprint: str
    words: str
    private_path: Path
    public_path: Path


def generate_ars_keys(
    folder: Path, passphrase: str, authority: str = "ARS", *, replace: bool = False
) -> ArsKeyInfo:
    """Make the ARS's pair in `folder`: ars.key.pem (encrypted, owner only), ars.pub.json."""
    check_passphrase(passphrase)
    authority = " ".join(authority.split())
    if not authority or len(authority) > 200 or any(not c.isprintable() for c in authority):
        raise ValidationError(
            [FieldIssue("authority", "bad_authority", "the ARS's name: 1 to 200 characters")]
        )
    private_path, public_path = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    if private_path.exists() and not replace:
        raise ConflictError(
            f"{private_path} exists already: the establishments trust that key;"
            " use another folder (or --replace, and have every establishment trust the new one)",
            "key_exists",
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
    folder.mkdir(parents=True, exist_ok=True)
    _write_private(private_path, pem)
    public = ArsPublicKey(authority, raw)
    _write_text(public_path, public.to_json() + "\n")
    return ArsKeyInfo(authority, public.fingerprint, public.words, private_path, public_path)


@dataclass(frozen=True)
class ArsSigner:
    """The ARS's private key opened with its passphrase, and its public half."""

    private: Ed25519PrivateKey
    public: ArsPublicKey

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def open_ars_signer(folder: Path, passphrase: str) -> ArsSigner:
    """The ARS's key of `folder` (as written by `generate_ars_keys`), opened."""
    private_path, public_path = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    if not private_path.exists() or not public_path.exists():
        raise ConflictError(
            f"{folder}: no ARS key here ({PRIVATE_NAME} and {PUBLIC_NAME});"
            " make one with 'hospiperf ars keys generate --out DIR'",
            "no_ars_key",
        )
    try:
        key = serialization.load_pem_private_key(
            private_path.read_bytes(), passphrase.encode("utf-8")
        )
    except (ValueError, TypeError):
        raise ConflictError("wrong passphrase for the ARS key", "wrong_passphrase") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConflictError(f"{private_path.name} is not an Ed25519 key", "bad_key")
    public = read_ars_public_key(public_path)
    mine = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if mine != public.raw:
        raise ConflictError(
            f"{PUBLIC_NAME} is not the public half of {PRIVATE_NAME}", "key_mismatch"
        )
    return ArsSigner(key, public)


# --- the establishment's side ------------------------------------------------------------


def trusted_ars_key(services: Services) -> ArsPublicKey | None:
    """The ARS key this desktop trusts, None before `keys trust-ars`."""
    from hospiperf_desktop.storage.repositories import SettingsRepository

    with services.database.read() as session:
        text = SettingsRepository(session).get(SETTING_KEY)
    if text is None:
        return None
    return parse_ars_public_key(text, "the trusted ARS key")


def trust_ars_key(services: Services, key: ArsPublicKey, *, replace: bool = False) -> bool:
    """Trust `key` for every file from the ARS; returns False when it was trusted already.

    Replacing another trusted key needs `replace` (its files would no longer be accepted)."""
    from hospiperf_desktop.storage.repositories import SettingsRepository

    current = trusted_ars_key(services)
    if current is not None and current.fingerprint == key.fingerprint:
        return False
    if current is not None and not replace:
        raise ConflictError(
            f"another ARS key is trusted ({current.authority}, {current.words});"
            " replacing it means refusing the files that key signs: confirm with --replace",
            "ars_key_exists",
        )
    with services.database.write() as session:
        SettingsRepository(session).set(SETTING_KEY, key.to_json())
        services.audit.record(
            session,
            action="update" if current else "create",
            entity="ars_key",
            entity_id=key.fingerprint,
            before={"authority": current.authority, "fingerprint": current.fingerprint}
            if current
            else None,
            after={"authority": key.authority, "fingerprint": key.fingerprint},
        )
    return True


def verify_ars_signature(
    key: ArsPublicKey | None,
    data: bytes,
    signature: bytes,
    *,
    named_fingerprint: str | None = None,
    what: str = "this file",
) -> ArsPublicKey:
    """Refuse unless `signature` is the trusted ARS key's signature of `data`.

    `key` is `trusted_ars_key(services)` (None refuses: no ARS key trusted yet);
    `named_fingerprint`, when the file names the key that signed it, must be that key's.
    Returns the key. Raises `ArsKeyRefused` with reason no_ars_key, unknown_ars_key or
    bad_ars_signature, and a message naming `what`."""
    if key is None:
        raise ArsKeyRefused(
            "no_ars_key",
            f"{what}: no ARS key is trusted on this computer; trust it first with"
            " 'hospiperf keys trust-ars ars.pub.json' (Exports / ARS > Clé de l'ARS)",
        )
    if named_fingerprint is not None and named_fingerprint != key.fingerprint:
        shown = named_fingerprint[:16] if _HEX64.match(named_fingerprint) else "?"
        raise ArsKeyRefused(
            "unknown_ars_key",
            f"{what} is signed with key {shown}…, not the trusted ARS key ({key.words});"
            " ask the ARS which key it uses and read its fingerprint back by phone",
        )
    if len(signature) != 64 or not key.verify(signature, data):
        raise ArsKeyRefused(
            "bad_ars_signature",
            f"{what}: the signature does not match the trusted ARS key ({key.words}):"
            " the file was changed after signing, or signed by another key",
        )
    return key
