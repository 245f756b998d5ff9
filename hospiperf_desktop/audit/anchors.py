"""Reading an audit anchor out of a file: a signed bundle or a backup of the database.

A bundle carries `Audit-Entries` and `Audit-Head` in its bag-info.txt (docs/bundle-format.md);
the bundle is verified first (hashes, and the signature when the establishment's public key
is in the key folder). A backup is a HospiPerf SQLite database: its `audit_head` row is the
anchor.
"""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

from hospiperf_desktop.audit.chain import GENESIS_HASH
from hospiperf_desktop.audit.service import Anchor
from hospiperf_desktop.bundles.keys import KeyFileError, PublicKey, read_trusted_keys
from hospiperf_desktop.bundles.verify import (
    BundleRejected,
    audit_anchor,
    trusted_by_finess,
    verify_bundle,
)
from hospiperf_desktop.errors import HospiPerfError


class AnchorError(HospiPerfError):
    """The file holds no usable anchor; the message says why."""

    code = "bad_anchor"


def read_anchor(path: Path, key_folder: Path | None = None) -> tuple[Anchor, bool]:
    """The anchor in `path`, and whether its signature was checked (bundles only)."""
    if not path.is_file():
        raise AnchorError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        return _from_bundle(path, key_folder)
    return _from_backup(path), False


def _local_keys(key_folder: Path | None) -> list[PublicKey]:
    if key_folder is None or not key_folder.is_dir():
        return []
    try:
        return read_trusted_keys(key_folder)
    except KeyFileError:
        return []


def _from_bundle(path: Path, key_folder: Path | None) -> tuple[Anchor, bool]:
    try:
        verified = verify_bundle(path, trusted_by_finess(_local_keys(key_folder)))
        info, signed = verified.info, True
    except BundleRejected as err:
        if err.reason not in ("untrusted_finess", "unknown_key"):
            raise AnchorError(f"{path.name}: not a sound bundle ({err})") from None
        # Every hash held; only the key is not here to check the signature with.
        info, signed = _bag_info(path), False
    try:
        anchor = audit_anchor(info)
    except BundleRejected as err:
        raise AnchorError(f"{path.name}: {err}") from None
    if anchor is None:
        raise AnchorError(f"{path.name}: this bundle carries no audit anchor (made before 0.2)")
    return Anchor(anchor[0], anchor[1], path.name), signed


def _bag_info(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read("bag-info.txt").decode("utf-8")
    info = {}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        info[label] = value.strip()
    return info


def _read_head(path: Path, options: str) -> tuple[object, object] | None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True)
    with closing(connection):
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        if "audit_head" not in tables or "audit_entries" not in tables:
            raise AnchorError(f"{path.name}: neither a bundle nor a HospiPerf backup")
        row = connection.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
        head = row.fetchone()
    return None if head is None else (head[0], head[1])


def _from_backup(path: Path) -> Anchor:
    """Read-only; a backup in WAL mode beside which no -shm can be made is read immutable."""
    try:
        try:
            head = _read_head(path, "mode=ro")
        except sqlite3.OperationalError:
            head = _read_head(path, "mode=ro&immutable=1")
    except sqlite3.DatabaseError as err:
        raise AnchorError(f"{path.name}: neither a bundle nor a HospiPerf backup ({err})") from None
    if head is None:
        return Anchor(0, GENESIS_HASH, path.name)
    last_id, last_hash = head
    if not isinstance(last_id, int) or not isinstance(last_hash, str):
        raise AnchorError(f"{path.name}: its audit head is damaged")
    return Anchor(last_id, last_hash, path.name)
