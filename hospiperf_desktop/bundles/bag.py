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
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

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
    for label in BAG_INFO_LABELS:
        value = " ".join(str(info[label]).split())  # one line each, no control characters
        lines.append(f"{label}: {value}\n")
    return "".join(lines).encode("utf-8")


def write_bag(
    out: str,
    payload: Sequence[PayloadFile],
    info: Mapping[str, str],
    sign: Callable[[bytes], bytes],
    created: datetime,
) -> str:
    """Write the signed bag as a zip at `out`; returns the tag manifest's SHA-256."""
    names = [f.path for f in payload]
    for name in names:
        if not SAFE_PAYLOAD.match(name):
            raise ValueError(f"unsafe payload name {name!r}")
    if len(set(n.casefold() for n in names)) != len(names):
        raise ValueError("two payload files have the same name")
    hashes = {f.path: sha256(f.content) for f in payload}
    octets = sum(len(f.content) for f in payload)
    full_info = {**info, "Payload-Oxum": f"{octets}.{len(payload)}"}
    tags = {
        BAGIT: BAGIT_TXT,
        BAG_INFO: bag_info_text(full_info),
        MANIFEST: manifest_text(hashes),
    }
    tagmanifest = manifest_text({name: sha256(data) for name, data in tags.items()})
    signature = base64.b64encode(sign(tagmanifest)) + b"\n"
    stamp = created.timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:

        def add(name: str, data: bytes) -> None:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o100644 << 16
            archive.writestr(entry, data)

        for name, data in tags.items():
            add(name, data)
        add(TAGMANIFEST, tagmanifest)
        add(SIGNATURE, signature)
        for file in sorted(payload, key=lambda f: f.path):
            add(file.path, file.content)
    return sha256(tagmanifest)
