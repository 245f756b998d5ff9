"""Verifying a bundle without extracting anything to disk.

The checks run in this order, and the first failure is the answer (`BundleRejected` with a
stable `reason` and an English message naming the file or line); `failures` on it lists every
failure found (the zip checks stop at the first, since nothing of a hostile zip is read further;
the bag and signature checks go on and report each problem, so that a receipt can list them all):
1. the zip is sane: readable, not too many entries, no absolute, `..`, backslash or drive
   paths, no links, no duplicate or case-colliding names, no encrypted entry, sizes and
   compression ratio within limits, only the bag's own files at the top;
2. the bag is complete: its tag files are present and well formed, every payload file is
   listed in the manifest and every listed file is present, every hash matches, the tag
   manifest covers and matches the tag files, Payload-Oxum matches;
3. the signature over tagmanifest-sha256.txt is valid for a trusted key of the FINESS named
   in bag-info.txt, and that key's fingerprint is the one bag-info.txt names.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import mmap
import re
import stat
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import TypeVar

from hospiperf_desktop.bundles.bag import (
    AUDIT_ENTRIES,
    AUDIT_HEAD,
    BAG_INFO,
    BAG_INFO_LABELS,
    BAGIT,
    MANIFEST,
    SIGNATURE,
    TAG_FILES,
    TAGMANIFEST,
)
from hospiperf_desktop.bundles.keys import PublicKey
from hospiperf_desktop.errors import HospiPerfError
from hospiperf_desktop.establishments.finess import check_finess

_LINE = re.compile(r"^([0-9a-f]{64})[ \t]+(\S.*)$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_PERIOD = re.compile(r"^(?:[0-9]{4}|[0-9]{4}-[0-9]{4}|sans année)$")
_MAX_VALUE = {"Source-Organization": 200, "Establishment-Name": 200, "Software-Version": 80}
MAX_AUDIT_ENTRIES = 2**53  # well past any trail; keeps the count exact in JSON and databases
_CHUNK = 1 << 20
_T = TypeVar("_T")


@dataclass(frozen=True)
class Limits:
    max_entries: int = 10_000
    max_entry_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_ratio: float = 100.0  # uncompressed / compressed, per entry
    keep_json_bytes: int = 16 * 1024 * 1024  # JSON payload kept in memory for the caller


class BundleRejected(HospiPerfError):
    """The bundle failed a check; `reason` is a stable code, the message says where."""

    code = "bundle_rejected"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.failures: tuple[tuple[str, str], ...] = ((reason, message),)


@dataclass(frozen=True)
class VerifiedBundle:
    info: dict[str, str]
    key: PublicKey
    payload_names: tuple[str, ...]
    payload_bytes: int
    json: dict[str, bytes] = field(repr=False)  # data/*.json contents, verified
    # data/*.csv contents, verified: read only for the personal-data guard
    csv: dict[str, bytes] = field(default_factory=dict, repr=False)
    tagmanifest_sha256: str = ""


def _reject(reason: str, message: str) -> BundleRejected:
    return BundleRejected(reason, message)


def _check_name(name: str) -> None:
    if "\\" in name:
        raise _reject("unsafe_path", f"entry {name!r} uses a backslash")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise _reject("unsafe_path", f"entry {name!r} is an absolute path")
    parts = PurePosixPath(name).parts
    if ".." in parts or "." in name.split("/"):
        raise _reject("unsafe_path", f"entry {name!r} climbs out of the bundle ('..')")
    if any(ord(c) < 32 for c in name):
        raise _reject("unsafe_path", f"entry {name!r} has a control character")


def _zip_checks(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise _reject("too_many_entries", f"{len(entries)} entries (limit {limits.max_entries})")
    seen: dict[str, str] = {}
    total = 0
    files = []
    for entry in entries:
        name = entry.filename
        _check_name(name)
        mode = entry.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _reject("link", f"entry {name!r} is a symbolic link")
        if entry.flag_bits & 0x1:
            raise _reject("encrypted", f"entry {name!r} is encrypted")
        folded = name.casefold()
        if folded in seen:
            if seen[folded] == name:
                raise _reject("duplicate_name", f"entry {name!r} appears twice")
            raise _reject(
                "case_collision", f"entries {seen[folded]!r} and {name!r} differ only by case"
            )
        seen[folded] = name
        if entry.is_dir():
            continue
        if entry.file_size > limits.max_entry_bytes:
            raise _reject("too_large", f"entry {name!r} is {entry.file_size} bytes")
        total += entry.file_size
        if total > limits.max_total_bytes:
            raise _reject(
                "too_large", f"the bundle unpacks to more than {limits.max_total_bytes} bytes"
            )
        if (
            entry.file_size > 1024
            and entry.file_size / max(entry.compress_size, 1) > limits.max_ratio
        ):
            raise _reject(
                "compression_ratio",
                f"entry {name!r} expands {entry.file_size / max(entry.compress_size, 1):.0f}"
                f" times (limit {limits.max_ratio:.0f}): refused as a zip bomb",
            )
        top = name.split("/", 1)[0]
        if "/" not in name and name not in (*TAG_FILES, SIGNATURE):
            raise _reject("unexpected_file", f"unexpected file {name!r} at the top of the bag")
        if "/" in name and top != "data":
            raise _reject("unexpected_file", f"unexpected folder {top!r} in the bag")
        files.append(entry)
    return files


def _read(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    try:
        with archive.open(entry) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise _reject("corrupt_entry", f"entry {entry.filename!r} cannot be read ({err})") from None
    if len(data) > limit:
        raise _reject("too_large", f"entry {entry.filename!r} is larger than it says")
    return data


def _stored_span(raw: memoryview, entry: zipfile.ZipInfo) -> memoryview:
    """The bytes of a stored entry, located through its local header (no copy)."""
    at = entry.header_offset
    header = raw[at : at + 30]
    if len(header) < 30 or bytes(header[:4]) != b"PK\x03\x04":
        raise _reject("corrupt_entry", f"entry {entry.filename!r} has no local header")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    local_name = bytes(raw[at + 30 : at + 30 + name_length])
    expected = entry.orig_filename.encode("utf-8" if entry.flag_bits & 0x800 else "cp437")
    if local_name != expected:
        raise _reject(
            "corrupt_entry", f"entry {entry.filename!r} has another name in its local header"
        )
    start = at + 30 + name_length + extra_length
    span = raw[start : start + entry.compress_size]
    if len(span) != entry.compress_size or entry.compress_size != entry.file_size:
        raise _reject("corrupt_entry", f"entry {entry.filename!r} is cut short")
    return span


def _hash_entry(
    archive: zipfile.ZipFile, raw: memoryview | None, entry: zipfile.ZipInfo, keep: bool
) -> tuple[str, bytes | None]:
    """SHA-256 of an entry (and its bytes when `keep`).

    A stored entry is hashed straight from the mapped file: the SHA-256 makes the zip's
    CRC-32 redundant, so verifying costs about one hash of the bytes. Compressed entries
    (from other tools) go through zipfile, which also checks their CRC.
    """
    if raw is not None and entry.compress_type == zipfile.ZIP_STORED:
        span = _stored_span(raw, entry)
        return hashlib.sha256(span).hexdigest(), bytes(span) if keep else None
    digest = hashlib.sha256()
    kept = bytearray() if keep else None
    read = 0
    try:
        with archive.open(entry) as handle:
            while chunk := handle.read(_CHUNK):
                read += len(chunk)
                if read > entry.file_size:
                    raise _reject("too_large", f"entry {entry.filename!r} is larger than it says")
                digest.update(chunk)
                if kept is not None:
                    kept += chunk
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise _reject("corrupt_entry", f"entry {entry.filename!r} cannot be read ({err})") from None
    return digest.hexdigest(), bytes(kept) if kept is not None else None


def _parse_manifest(name: str, text: bytes) -> dict[str, str]:
    try:
        lines = text.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise _reject("bad_manifest", f"{name} is not UTF-8 text") from None
    out: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise _reject("bad_manifest", f"{name}, line {number}: not '<sha256>  <path>'")
        digest, path = match.groups()
        if path in out:
            raise _reject("bad_manifest", f"{name}, line {number}: {path!r} is listed twice")
        out[path] = digest
    return out


def read_bag_info(
    text: bytes, labels: Sequence[str], reject: Callable[[str, str], Exception]
) -> dict[str, str]:
    """bag-info.txt as {label: value}: UTF-8 'Label: value' lines, no control character in a
    value, every one of `labels` present; anything else raises `reject('bad_bag_info', …)`."""
    try:
        lines = text.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise reject("bad_bag_info", f"{BAG_INFO} is not UTF-8 text") from None
    info: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        label, sep, value = line.partition(":")
        if not sep or not label or label != label.strip() or re.search(r"[\x00-\x1f\x7f]", value):
            raise reject("bad_bag_info", f"{BAG_INFO}, line {number}: not 'Label: value'")
        info[label] = value.strip()
    missing = [label for label in labels if label not in info]
    if missing:
        raise reject("bad_bag_info", f"{BAG_INFO} lacks {', '.join(missing)}")
    return info


def _parse_info(text: bytes) -> dict[str, str]:
    info = read_bag_info(text, BAG_INFO_LABELS, _reject)
    _check_info(info)
    return info


def _bad_info(label: str, value: str, expected: str) -> BundleRejected:
    shown = "".join(c if c.isprintable() else " " for c in value)[:80]
    return _reject("bad_bag_info", f"{BAG_INFO}: {label} {shown!r} is not {expected}")


def _check_info(info: dict[str, str]) -> None:
    """Every value the consolidation reads from bag-info.txt, checked before it is used."""
    for label, value in info.items():
        if re.search(r"[\x00-\x1f\x7f]", value):
            raise _bad_info(label, value, "a text without control characters")
    finess = info["FINESS"]
    if check_finess(finess) is not None or finess != finess.upper().strip():
        raise _reject("bad_finess", f"{BAG_INFO}: FINESS {finess[:20]!r} is not a FINESS number")
    for label, longest in _MAX_VALUE.items():
        if not info[label] or len(info[label]) > longest:
            raise _bad_info(label, info[label], f"a text of 1 to {longest} characters")
    if not _PERIOD.match(info["Period"]):
        raise _bad_info("Period", info["Period"], "a year, a range of years or 'sans année'")
    try:
        created = datetime.fromisoformat(info["Created"])
    except ValueError:
        raise _bad_info("Created", info["Created"], "an ISO 8601 date and time") from None
    try:
        date.fromisoformat(info["Bagging-Date"])
    except ValueError:
        raise _bad_info("Bagging-Date", info["Bagging-Date"], "an ISO 8601 date") from None
    if created.tzinfo is None:
        raise _bad_info("Created", info["Created"], "a time with its UTC offset")
    try:
        parsed = uuid.UUID(info["Bundle-UUID"])
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != info["Bundle-UUID"]:
        raise _bad_info("Bundle-UUID", info["Bundle-UUID"], "a UUID in lower case")
    if not _HEX64.match(info["Public-Key-Fingerprint"]):
        raise _bad_info("Public-Key-Fingerprint", info["Public-Key-Fingerprint"], "a SHA-256")
    audit_anchor(info)


def audit_anchor(info: dict[str, str]) -> tuple[int, str] | None:
    """The audit anchor of bag-info.txt (entry count, head hash), None when absent."""
    entries, head = info.get(AUDIT_ENTRIES), info.get(AUDIT_HEAD)
    if entries is None and head is None:
        return None
    if entries is None or head is None:
        raise _reject("bad_bag_info", f"{BAG_INFO}: {AUDIT_ENTRIES} and {AUDIT_HEAD} go together")
    if not re.match(r"^[0-9]{1,16}$", entries) or int(entries) > MAX_AUDIT_ENTRIES:
        raise _bad_info(AUDIT_ENTRIES, entries, "a count of entries")
    if not _HEX64.match(head):
        raise _bad_info(AUDIT_HEAD, head, "a SHA-256")
    return int(entries), head


def verify_bundle(
    path: Path,
    trusted: Mapping[str, Sequence[PublicKey]],
    limits: Limits | None = None,
) -> VerifiedBundle:
    """Check `path` entirely in memory; `trusted` maps a FINESS to the keys trusted for it."""
    limits = limits or Limits()
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise _reject("not_found", f"{path.name}: no such file") from None
    except OSError as err:
        raise _reject("not_a_zip", f"{path.name} cannot be read ({err})") from None
    with handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError) as err:
            raise _reject("not_a_zip", f"{path.name} is not a readable zip ({err})") from None
        try:
            mapped: mmap.mmap | None = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            mapped = None  # an empty or unmappable file: zipfile reads it
        try:
            with archive:
                return _verify(archive, mapped, trusted, limits)
        finally:
            if mapped is not None:
                with contextlib.suppress(BufferError):
                    mapped.close()


def _verify(
    archive: zipfile.ZipFile,
    mapped: mmap.mmap | None,
    trusted: Mapping[str, Sequence[PublicKey]],
    limits: Limits,
) -> VerifiedBundle:
    raw = memoryview(mapped) if mapped is not None else None
    try:
        return _verify_open(archive, raw, trusted, limits)
    finally:
        if raw is not None:
            with contextlib.suppress(BufferError):  # a view kept alive by a traceback
                raw.release()


def _verify_open(
    archive: zipfile.ZipFile,
    raw: memoryview | None,
    trusted: Mapping[str, Sequence[PublicKey]],
    limits: Limits,
) -> VerifiedBundle:
    # --- 1. the zip is sane ---------------------------------------------------------------
    files = _zip_checks(archive, limits)
    by_name = {entry.filename: entry for entry in files}
    # --- 2. and 3.: every problem of the bag and its signature is collected --------------
    found: list[BundleRejected] = []
    try:
        verified = _check_bag(archive, raw, by_name, trusted, limits, found)
    except BundleRejected as err:  # a damaged entry: nothing further can be read
        found.append(err)
        verified = None
    if found:
        first = found[0]
        unique = dict.fromkeys((str(e.reason), str(e)) for e in found)
        first.failures = tuple(unique)
        raise first
    assert verified is not None
    return verified


def _check_bag(
    archive: zipfile.ZipFile,
    raw: memoryview | None,
    by_name: dict[str, zipfile.ZipInfo],
    trusted: Mapping[str, Sequence[PublicKey]],
    limits: Limits,
    found: list[BundleRejected],
) -> VerifiedBundle | None:
    """The bag's checks in their order; each failure is appended to `found` and the checks
    that do not depend on it go on. Returns the verified bundle when nothing was found."""
    for name in (BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST):
        if name not in by_name:
            found.append(_reject("missing_tag_file", f"{name} is missing"))
    bagit = _read(archive, by_name[BAGIT], 4096) if BAGIT in by_name else None
    if bagit is not None and (
        b"BagIt-Version: 1.0" not in bagit or b"Tag-File-Character-Encoding: UTF-8" not in bagit
    ):
        found.append(_reject("bad_bagit_txt", f"{BAGIT} does not declare BagIt 1.0 in UTF-8"))
    manifest_bytes, manifest = None, {}
    if MANIFEST in by_name:
        manifest_bytes = _read(archive, by_name[MANIFEST], 64 * 1024 * 1024)
        manifest = _collect(found, _parse_manifest, MANIFEST, manifest_bytes) or {}
    payload = {name for name in by_name if name.startswith("data/")}
    kept, octets = _check_payload(archive, raw, by_name, payload, manifest, limits, found)
    tables = {name: kept.pop(name) for name in [n for n in kept if n.endswith(".csv")]}
    tagmanifest = (
        _read(archive, by_name[TAGMANIFEST], 1024 * 1024) if TAGMANIFEST in by_name else None
    )
    if tagmanifest is not None:
        _check_tags(archive, by_name, tagmanifest, {BAGIT: bagit, MANIFEST: manifest_bytes}, found)
    info = None
    if BAG_INFO in by_name:
        info = _collect(found, _parse_info, _read(archive, by_name[BAG_INFO], 1024 * 1024))
    if info is not None and info["Payload-Oxum"] != f"{octets}.{len(payload)}":
        found.append(
            _reject(
                "oxum_mismatch",
                f"Payload-Oxum says {info['Payload-Oxum']}, the payload is {octets}.{len(payload)}",
            )
        )
    key = None
    if info is not None and tagmanifest is not None:
        key = _collect(found, _check_signature, archive, by_name, info, tagmanifest, trusted)
    if found or info is None or key is None or tagmanifest is None:
        return None
    return VerifiedBundle(
        info=info,
        key=key,
        payload_names=tuple(sorted(payload)),
        payload_bytes=octets,
        json=kept,
        csv=tables,
        tagmanifest_sha256=hashlib.sha256(tagmanifest).hexdigest(),
    )


def _collect(found: list[BundleRejected], check: Callable[..., _T], *args: object) -> _T | None:
    try:
        return check(*args)
    except BundleRejected as err:
        found.append(err)
        return None


def _check_payload(
    archive: zipfile.ZipFile,
    raw: memoryview | None,
    by_name: dict[str, zipfile.ZipInfo],
    payload: set[str],
    manifest: dict[str, str],
    limits: Limits,
    found: list[BundleRejected],
) -> tuple[dict[str, bytes], int]:
    for name in sorted(payload):
        if name not in manifest:
            found.append(_reject("unlisted_file", f"{name} is in the bundle but not in {MANIFEST}"))
    for name in sorted(manifest):
        if not name.startswith("data/"):
            found.append(_reject("bad_manifest", f"{MANIFEST} lists {name!r} outside data/"))
        elif name not in payload:
            found.append(_reject("missing_file", f"{name} is listed in {MANIFEST} but missing"))
    kept: dict[str, bytes] = {}
    octets = 0
    for name in sorted(payload):
        entry = by_name[name]
        keep = name.endswith((".json", ".csv")) and entry.file_size <= limits.keep_json_bytes
        digest, content = _hash_entry(archive, raw, entry, keep)
        if name in manifest and digest != manifest[name]:
            found.append(
                _reject("payload_hash_mismatch", f"{name} does not match its hash in {MANIFEST}")
            )
        octets += entry.file_size
        if content is not None:
            kept[name] = content
    return kept, octets


def _check_tags(
    archive: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    tagmanifest: bytes,
    known: dict[str, bytes | None],
    found: list[BundleRejected],
) -> None:
    tags = _collect(found, _parse_manifest, TAGMANIFEST, tagmanifest)
    if tags is None:
        return
    for name in (BAGIT, BAG_INFO, MANIFEST):
        if name not in tags:
            found.append(_reject("bad_tagmanifest", f"{TAGMANIFEST} does not cover {name}"))
    for name, digest in tags.items():
        if name not in by_name or name not in (BAGIT, BAG_INFO, MANIFEST):
            found.append(_reject("bad_tagmanifest", f"{TAGMANIFEST} lists unexpected {name!r}"))
            continue
        content = known.get(name)
        if content is None:
            content = _read(archive, by_name[name], 1024 * 1024)
        if hashlib.sha256(content).hexdigest() != digest:
            found.append(
                _reject("tag_hash_mismatch", f"{name} does not match its hash in {TAGMANIFEST}")
            )


def _check_signature(
    archive: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    info: dict[str, str],
    tagmanifest: bytes,
    trusted: Mapping[str, Sequence[PublicKey]],
) -> PublicKey:
    if SIGNATURE not in by_name:
        raise _reject("missing_signature", f"{SIGNATURE} is missing: the bundle is not signed")
    try:
        signature = base64.b64decode(
            _read(archive, by_name[SIGNATURE], 1024).strip(), validate=True
        )
    except binascii.Error:
        raise _reject("bad_signature", f"{SIGNATURE} is not base64") from None
    finess = info["FINESS"]
    keys = list(trusted.get(finess, ()))
    if not keys:
        raise _reject("untrusted_finess", f"no trusted public key for FINESS {finess}")
    named = info["Public-Key-Fingerprint"]
    key = next((k for k in keys if k.fingerprint == named), None)
    if key is None:
        raise _reject(
            "unknown_key",
            f"the bundle names key {named[:16]}…, which is not a trusted key of FINESS {finess}",
        )
    if len(signature) != 64 or not key.verify(signature, tagmanifest):
        raise _reject("bad_signature", f"the signature does not match the bundle (key {key.words})")
    return key


def trusted_by_finess(keys: Sequence[PublicKey]) -> dict[str, list[PublicKey]]:
    out: dict[str, list[PublicKey]] = {}
    for key in keys:
        out.setdefault(key.finess, []).append(key)
    return out
