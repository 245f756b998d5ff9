"""Extra ARS keys a desktop trusts for reference packages, beside the one given to
`keys trust-ars` (bundles/authority.py): ARS public-key files (`ars keys generate` writes
them) copied as `ars-*.pub.json` into the keys folder. A file that is not a valid ARS
public key is skipped: it can only add trust, never take the main key's away."""

from __future__ import annotations

from pathlib import Path

from hospiperf_desktop.bundles.authority import ArsKeyRefused, ArsPublicKey, read_ars_public_key


def trusted_ars_keys(folder: Path) -> list[ArsPublicKey]:
    keys = []
    for path in sorted(folder.glob("ars-*.pub.json")) if folder.is_dir() else []:
        try:
            keys.append(read_ars_public_key(path))
        except ArsKeyRefused:
            continue
    return keys
