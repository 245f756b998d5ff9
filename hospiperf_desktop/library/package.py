"""Reference packages: signed BagIt bags in a zip, made by the ARS (docs/reference-packages.md).

The same discipline as the export bundle (bundles/bag.py, bundles/verify.py): a stored zip
of `bagit.txt`, `bag-info.txt`, `manifest-sha256.txt`, `tagmanifest-sha256.txt`, its
Ed25519 signature and `data/`. What differs is bag-info.txt (the package names its kind,
UUID and the signer's fingerprint instead of a FINESS) and the payload: `data/package.json`
lists every item (questionnaire, work-unit table, rule pack, benchmarks, revocation list)
with its id, version and SHA-256.

`verify_package` checks the zip, the bag and the signature against the trusted ARS keys
before anything of the payload is parsed; `read_package` then checks every item.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid as uuid_module
import zipfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from hospiperf_desktop.bundles.bag import (
    BAG_INFO,
    BAGIT,
    BAGIT_TXT,
    MANIFEST,
    SAFE_PAYLOAD,
    SIGNATURE,
    TAGMANIFEST,
    manifest_text,
    sha256,
)
from hospiperf_desktop.bundles.payload import bounded_json, validate
from hospiperf_desktop.bundles.verify import (
    BundleRejected,
    Limits,
    _parse_manifest,
    _read,
    _zip_checks,
    read_bag_info,
)

PACKAGE_FORMAT = "hospiperf-reference-package/1"
PACKAGE_JSON = "data/package.json"
ITEM_KINDS = (
    "questionnaire",
    "uo_table",
    "rules",
    "lead_times",
    "benchmarks",
    "revocations",
    "sterilisation",
)
INFO_LABELS = (
    "Source-Organization",
    "Package-Kind",
    "Package-UUID",
    "Created",
    "Bagging-Date",
    "Software-Version",
    "Signer-Fingerprint",
    "Payload-Oxum",
)
PACKAGE_KINDS = ("reference", "benchmarks", "revocations")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_LIMITS = Limits(
    max_entries=2_000,
    max_entry_bytes=32 * 1024 * 1024,
    max_total_bytes=256 * 1024 * 1024,
    keep_json_bytes=32 * 1024 * 1024,
)


class PackageRejected(BundleRejected):
    """The package failed a check: nothing of it was installed."""

    code = "package_rejected"


class SignerKey(Protocol):
    @property
    def fingerprint(self) -> str: ...

    def verify(self, signature: bytes, data: bytes) -> bool: ...


@dataclass(frozen=True)
class PackageItem:
    kind: str
    path: str  # data/...
    id: str
    version: str
    title: str
    sha256: str
    content: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class Package:
    uuid: str
    kind: str
    publisher: str
    created: str
    signer: str  # fingerprint
    items: tuple[PackageItem, ...]
    file_sha256: str = ""


def _reject(reason: str, message: str) -> PackageRejected:
    return PackageRejected(reason, message)


# --- writing ---------------------------------------------------------------------------


def write_package(
    out: Path,
    items: Sequence[PackageItem],
    *,
    kind: str,
    publisher: str,
    signer_fingerprint: str,
    sign: Callable[[bytes], bytes],
    created: datetime,
    software_version: str,
) -> Package:
    """Write the signed package at `out` (a stored zip, as an export bundle)."""
    package_uuid = str(uuid_module.uuid4())
    listing = {
        "format": PACKAGE_FORMAT,
        "uuid": package_uuid,
        "kind": kind,
        "publisher": publisher,
        "created": created.isoformat(),
        "items": [
            {
                "kind": i.kind,
                "path": i.path,
                "id": i.id,
                "version": i.version,
                "title": i.title,
                "sha256": sha256(i.content),
            }
            for i in items
        ],
    }
    files = {i.path: i.content for i in items}
    files[PACKAGE_JSON] = json.dumps(listing, ensure_ascii=False, indent=2).encode("utf-8")
    for name in files:
        if not SAFE_PAYLOAD.match(name):
            raise ValueError(f"unsafe payload name {name!r}")
    hashes = {name: sha256(content) for name, content in files.items()}
    octets = sum(len(c) for c in files.values())
    info = {
        "Source-Organization": publisher,
        "Package-Kind": kind,
        "Package-UUID": package_uuid,
        "Created": created.isoformat(),
        "Bagging-Date": created.date().isoformat(),
        "Software-Version": software_version,
        "Signer-Fingerprint": signer_fingerprint,
        "Payload-Oxum": f"{octets}.{len(files)}",
    }
    bag_info = "".join(
        f"{label}: {' '.join(str(info[label]).split())}\n" for label in INFO_LABELS
    ).encode("utf-8")
    tags = {BAGIT: BAGIT_TXT, BAG_INFO: bag_info, MANIFEST: manifest_text(hashes)}
    tagmanifest = manifest_text({name: sha256(data) for name, data in tags.items()})
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
        for name, data in tags.items():
            archive.writestr(name, data)
        archive.writestr(TAGMANIFEST, tagmanifest)
        archive.writestr(SIGNATURE, base64.b64encode(sign(tagmanifest)) + b"\n")
    partial.replace(out)
    return Package(
        package_uuid,
        kind,
        publisher,
        created.isoformat(),
        signer_fingerprint,
        tuple(items),
        _file_sha256(out),
    )


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- verifying -------------------------------------------------------------------------


def _parse_info(text: bytes) -> dict[str, str]:
    info = read_bag_info(text, INFO_LABELS, _reject)
    if info["Package-Kind"] not in PACKAGE_KINDS:
        raise _reject("bad_bag_info", f"{BAG_INFO}: unknown Package-Kind")
    if not _HEX64.match(info["Signer-Fingerprint"]):
        raise _reject("bad_bag_info", f"{BAG_INFO}: Signer-Fingerprint is not a SHA-256")
    return info


def verify_package(
    path: Path, trusted: Sequence[SignerKey], revoked: Collection[str] = ()
) -> tuple[dict[str, str], dict[str, bytes]]:
    """Check the zip, the bag and the signature; returns bag-info and the payload files.

    A package signed by a key whose fingerprint is in `revoked` (the revocation lists
    installed) is refused as soon as its signer is known. Raises PackageRejected with the
    first problem; the payload is not parsed here.
    """
    if not trusted:
        raise _reject(
            "no_ars_key",
            "no ARS key is trusted on this computer: trust it first"
            " ('hospiperf keys trust-ars FILE')",
        )
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise _reject("not_found", f"{path.name}: no such file") from None
    except (zipfile.BadZipFile, OSError) as err:
        raise _reject("not_a_zip", f"{path.name} is not a readable zip ({err})") from None
    with archive:
        try:
            return _verify_open(archive, trusted, revoked)
        except PackageRejected:
            raise
        except BundleRejected as err:
            raise _reject(err.reason, str(err)) from None


def _verify_open(
    archive: zipfile.ZipFile, trusted: Sequence[SignerKey], revoked: Collection[str]
) -> tuple[dict[str, str], dict[str, bytes]]:
    files = _zip_checks(archive, _LIMITS)
    by_name = {entry.filename: entry for entry in files}
    for name in (BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST, SIGNATURE):
        if name not in by_name:
            raise _reject("missing_tag_file", f"{name} is missing")
    # The signature first: nothing an unknown signer wrote is read further.
    tagmanifest = _read(archive, by_name[TAGMANIFEST], 1024 * 1024)
    try:
        signature = base64.b64decode(
            _read(archive, by_name[SIGNATURE], 1024).strip(), validate=True
        )
    except ValueError:
        raise _reject("bad_signature", f"{SIGNATURE} is not base64") from None
    signer = next(
        (k for k in trusted if len(signature) == 64 and k.verify(signature, tagmanifest)), None
    )
    if signer is None:
        raise _reject(
            "unknown_signer",
            "the package is not signed by the trusted ARS key (another key, or altered after"
            " signing): nothing was installed",
        )
    if signer.fingerprint in revoked:
        raise _reject(
            "revoked_signer",
            f"the package is signed by ARS key {signer.fingerprint[:16]}…, which a revocation"
            " list installed here revokes: nothing was installed",
        )
    tags = _parse_manifest(TAGMANIFEST, tagmanifest)
    contents: dict[str, bytes] = {}
    for name in (BAGIT, BAG_INFO, MANIFEST):
        if name not in tags:
            raise _reject("bad_tagmanifest", f"{TAGMANIFEST} does not cover {name}")
        contents[name] = _read(archive, by_name[name], 64 * 1024 * 1024)
        if sha256(contents[name]) != tags[name]:
            raise _reject("tag_hash_mismatch", f"{name} does not match its hash in {TAGMANIFEST}")
    if set(tags) != {BAGIT, BAG_INFO, MANIFEST}:
        raise _reject("bad_tagmanifest", f"{TAGMANIFEST} lists unexpected files")
    if contents[BAGIT] != BAGIT_TXT:
        raise _reject("bad_bagit_txt", f"{BAGIT} does not declare BagIt 1.0 in UTF-8")
    info = _parse_info(contents[BAG_INFO])
    if info["Signer-Fingerprint"] != signer.fingerprint:
        raise _reject("unknown_signer", f"{BAG_INFO} names another signer than the one that signed")
    manifest = _parse_manifest(MANIFEST, contents[MANIFEST])
    payload = {name for name in by_name if name.startswith("data/")}
    if payload != set(manifest):
        extra = sorted(payload ^ set(manifest))[0]
        raise _reject("manifest_mismatch", f"{extra} is not both in the zip and in {MANIFEST}")
    data: dict[str, bytes] = {}
    for name in sorted(payload):
        content = _read(archive, by_name[name], _LIMITS.max_entry_bytes)
        if sha256(content) != manifest[name]:
            raise _reject("payload_hash_mismatch", f"{name} does not match its hash in {MANIFEST}")
        data[name] = content
    octets = sum(len(c) for c in data.values())
    if info["Payload-Oxum"] != f"{octets}.{len(data)}":
        raise _reject("oxum_mismatch", f"Payload-Oxum says {info['Payload-Oxum']}")
    return info, data


def read_package(
    path: Path, trusted: Sequence[SignerKey], revoked: Collection[str] = ()
) -> Package:
    """Verify the package, then its listing and every item's hash and JSON."""
    info, data = verify_package(path, trusted, revoked)
    if PACKAGE_JSON not in data:
        raise _reject("bad_payload", f"{PACKAGE_JSON} is missing")
    try:
        listing = bounded_json(PACKAGE_JSON, data[PACKAGE_JSON])
        validate(PACKAGE_JSON, "reference-package", listing)
    except BundleRejected as err:
        raise _reject("bad_payload", str(err)) from None
    if listing["uuid"] != info["Package-UUID"] or listing["kind"] != info["Package-Kind"]:
        raise _reject("bad_payload", f"{PACKAGE_JSON} contradicts {BAG_INFO}")
    items = []
    listed = {PACKAGE_JSON}
    for entry in listing["items"]:
        name = entry["path"]
        if name not in data or name in listed:
            raise _reject("bad_payload", f"{PACKAGE_JSON}: {name} is missing or listed twice")
        listed.add(name)
        if sha256(data[name]) != entry["sha256"]:
            raise _reject("bad_payload", f"{PACKAGE_JSON}: {name} does not match its hash")
        items.append(
            PackageItem(
                entry["kind"],
                name,
                entry["id"],
                entry["version"],
                entry["title"],
                entry["sha256"],
                data[name],
            )
        )
    if listed != set(data):
        raise _reject("bad_payload", f"{sorted(set(data) - listed)[0]} is not in {PACKAGE_JSON}")
    return Package(
        listing["uuid"],
        listing["kind"],
        listing["publisher"],
        listing["created"],
        info["Signer-Fingerprint"],
        tuple(items),
        _file_sha256(path),
    )


def item_json(item: PackageItem) -> Any:
    """An item's JSON document (bounded parse), for the checks of its kind."""
    try:
        return bounded_json(item.path, item.content)
    except BundleRejected as err:
        raise _reject("bad_payload", str(err)) from None
