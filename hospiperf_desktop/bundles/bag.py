"""Writing a bundle: a BagIt bag (RFC 8493) in a zip, signed with Ed25519.

Zip layout (no enclosing folder):

    bagit.txt                     BagIt-Version: 1.0 / Tag-File-Character-Encoding: UTF-8
    bag-info.txt                  FINESS, establishment, period, creation time, software,
                                  bundle UUID, public-key fingerprint, Payload-Oxum
    manifest-sha256.txt           "<sha256>  data/<path>" for every payload file
    tagmanifest-sha256.txt        the same for bagit.txt, bag-info.txt, manifest-sha256.txt
    tagmanifest-sha256.txt.sig    base64 of the Ed25519 signature of tagmanifest-sha256.txt
    data/...                      the payload

Entries are stored, not compressed: the PDFs and workbooks inside are compressed already,
and a stored entry is verified at the speed of hashing (docs/bundle-format.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from hospiperf_desktop.safe_cells import CONTROL_IN_TEXT

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "tagmanifest-sha256.txt.sig"
TAG_FILES = (BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST)
# Payload names we write: letters, digits and . _ - in folders under data/.
SAFE_PAYLOAD = re.compile(r"^data/(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*$")
BAG_INFO_LABELS = (
    "Source-Organization",
    "FINESS",
    "Establishment-Name",
    "Period",
    "Bagging-Date",
    "Created",
    "Software-Version",
    "Bundle-UUID",
    "Public-Key-Fingerprint",
    "Payload-Oxum",
)
# The establishment's audit trail at signing time (docs/bundle-format.md, "Audit anchor"):
# how many entries it held and the hash of the last one. Written after the labels above;
# absent from bundles made before the anchor existed.
AUDIT_ENTRIES = "Audit-Entries"
AUDIT_HEAD = "Audit-Head"
ANCHOR_LABELS = (AUDIT_ENTRIES, AUDIT_HEAD)


@dataclass(frozen=True)
class PayloadFile:
    path: str  # relative to the bag, starting with data/
    content: bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(hashes: Mapping[str, str]) -> bytes:
    return "".join(f"{hashes[name]}  {name}\n" for name in sorted(hashes)).encode("utf-8")


def bag_info_text(info: Mapping[str, str]) -> bytes:
    lines = []
    for label in (*BAG_INFO_LABELS, *(a for a in ANCHOR_LABELS if a in info)):
        # One line each, no control characters (a NUL stored before text was checked included).
        value = " ".join(CONTROL_IN_TEXT.sub(" ", str(info[label])).split())
        lines.append(f"{label}: {value}\n")
    return "".join(lines).encode("utf-8")


def _dos_time(moment: datetime) -> tuple[int, int]:
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    day = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, day


class _StoredZip:
    """A zip of stored entries written one after the other: UTF-8 names, mode 0644, no ZIP64
    (a bundle stays under 4 GiB and 65,535 files).

    zipfile would do the same with more copies; here each file's CRC-32 is computed as it is
    written, while another thread computes the SHA-256 the manifest needs.
    """

    def __init__(self, handle: BinaryIO, moment: datetime) -> None:
        self._handle = handle
        self._time, self._day = _dos_time(moment)
        self._central: list[bytes] = []
        self._offset = 0

    def add(self, name: str, data: bytes) -> None:
        encoded = name.encode("utf-8")
        size = len(data)
        crc = zlib.crc32(data)
        if self._offset + size >= 0xFFFFFFFF or len(self._central) >= 0xFFFE:
            raise ValueError("a bundle holds fewer than 65,535 files and less than 4 GiB")
        local = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0x0800,
            0,
            self._time,
            self._day,
            crc,
            size,
            size,
            len(encoded),
            0,
        )
        self._handle.write(local + encoded)
        self._handle.write(data)
        self._central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | 20,
                20,
                0x0800,
                0,
                self._time,
                self._day,
                crc,
                size,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0o100644 << 16,
                self._offset,
            )
            + encoded
        )
        self._offset += len(local) + len(encoded) + size

    def close(self) -> None:
        directory = b"".join(self._central)
        self._handle.write(directory)
        count = len(self._central)
        self._handle.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), self._offset, 0
            )
        )


def write_bag(
    out: str,
    payload: Sequence[PayloadFile],
    info: Mapping[str, str],
    sign: Callable[[bytes], bytes],
    created: datetime,
) -> str:
    """Write the signed bag as a zip at `out`; returns the tag manifest's SHA-256.

    The payload is written first while a worker thread hashes it (SHA-256 releases the GIL),
    then the tag files and the signature: signing costs about one pass over the bytes.
    """
    names = [f.path for f in payload]
    for name in names:
        if not SAFE_PAYLOAD.match(name):
            raise ValueError(f"unsafe payload name {name!r}")
    if len(set(n.casefold() for n in names)) != len(names):
        raise ValueError("two payload files have the same name")
    ordered = sorted(payload, key=lambda f: f.path)
    with open(out, "wb") as handle, ThreadPoolExecutor(max_workers=1) as pool:
        digests = pool.map(sha256, [f.content for f in ordered])
        archive = _StoredZip(handle, created)
        for file in ordered:
            archive.add(file.path, file.content)
        hashes = dict(zip(names_of(ordered), digests, strict=True))
        octets = sum(len(f.content) for f in payload)
        full_info = {**info, "Payload-Oxum": f"{octets}.{len(payload)}"}
        tags = {
            BAGIT: BAGIT_TXT,
            BAG_INFO: bag_info_text(full_info),
            MANIFEST: manifest_text(hashes),
        }
        tagmanifest = manifest_text({name: sha256(data) for name, data in tags.items()})
        for name, data in tags.items():
            archive.add(name, data)
        archive.add(TAGMANIFEST, tagmanifest)
        archive.add(SIGNATURE, base64.b64encode(sign(tagmanifest)) + b"\n")
        archive.close()
    return sha256(tagmanifest)


def names_of(files: Sequence[PayloadFile]) -> list[str]:
    return [f.path for f in files]
