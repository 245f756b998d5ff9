"""The ARS's revocation lists, installed on a desktop like any reference package item.

A list (`hospiperf-revocations/1`, resources/schemas/revocations.schema.json, documented in
docs/reference-packages.md) names keys the ARS no longer accepts: an establishment's key
(`finess`) or an ARS key (`authority`), by fingerprint. A fingerprint on any installed list
is revoked wherever it signs: the desktop refuses to sign a bundle with it and refuses the
reference packages and receipts it signed. Every version of every list installed counts, so
a revocation, once installed, is never undone by a later list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hospiperf_desktop.errors import HospiPerfError


@dataclass(frozen=True)
class RevokedKey:
    fingerprint: str
    revoked_on: str  # ISO date
    reason: str
    finess: str | None = None  # an establishment's key
    authority: str | None = None  # an ARS key


@dataclass(frozen=True)
class Revocations:
    keys: tuple[RevokedKey, ...] = ()

    def find(self, fingerprint: str) -> RevokedKey | None:
        """The first entry revoking `fingerprint` (the earliest installed), or None."""
        return next((k for k in self.keys if k.fingerprint == fingerprint), None)

    def fingerprints(self) -> frozenset[str]:
        return frozenset(k.fingerprint for k in self.keys)


def revoked_keys(documents: Iterable[dict[str, Any]]) -> Revocations:
    """The entries of lists already checked against their schema (at install time)."""
    return Revocations(
        tuple(
            RevokedKey(
                entry["fingerprint"],
                entry["revoked_on"],
                entry["reason"],
                entry.get("finess"),
                entry.get("authority"),
            )
            for document in documents
            for entry in document["revoked"]
        )
    )


class KeyRevoked(HospiPerfError):
    """The establishment's signing key is on a revocation list the ARS published: nothing is
    signed with it. The way out is a new key (`keys generate --replace`), confirmed by the
    ARS."""

    code = "key_revoked"
    reason = "key_revoked"

    def __init__(self, finess: str, revoked: RevokedKey) -> None:
        super().__init__(
            f"the signing key of {finess} ({revoked.fingerprint[:16]}…) was revoked by the ARS"
            f" on {revoked.revoked_on} ({revoked.reason}): nothing was signed; make a new key"
            f" ('hospiperf keys generate --establishment {finess} --replace') and have the ARS"
            " confirm it"
        )
        self.finess = finess
        self.revoked = revoked
