"""Making bundles: keys of the establishments, preparing the contents, signing, writing."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hospiperf_desktop import __version__
from hospiperf_desktop.bundles.bag import AUDIT_ENTRIES, AUDIT_HEAD, write_bag
from hospiperf_desktop.bundles.checks import justify
from hospiperf_desktop.bundles.contents import PreparedBundle, Selection, prepare, with_checks
from hospiperf_desktop.bundles.keys import KeyInfo, KeyStore, PublicKey
from hospiperf_desktop.errors import HospiPerfError
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.library.revocations import KeyRevoked, RevokedKey
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.storage.models import BundleExportRecord

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


class BundleWouldBeRefused(HospiPerfError):
    """The prepared bundle breaks what the ARS's reader accepts (`payload.read_payload`):
    nothing is signed or written. `failures` lists (reason, message) for every problem, each
    message starting with the file it is about."""

    code = "bundle_would_be_refused"

    def __init__(self, failures: tuple[tuple[str, str], ...]) -> None:
        first = failures[0][1]
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(f"the ARS would refuse this bundle: {first}{more}; nothing was signed")
        self.failures = failures


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    uuid: str
    finess: str
    period: str
    files: int
    payload_bytes: int
    fingerprint: str
    words: str
    created: datetime


class BundleService:
    def __init__(self, services: Services, keys: KeyStore) -> None:
        self._services = services
        self.keys = keys

    def key_info(self, establishment_id: int) -> KeyInfo | None:
        finess = self._services.establishments.get(establishment_id).finess
        return self.keys.info(finess) if self.keys.has_key(finess) else None

    def key_revocation(self, establishment_id: int) -> RevokedKey | None:
        """The entry of an installed revocation list naming the establishment's key, if any."""
        info = self.key_info(establishment_id)
        return None if info is None else self._services.library.revoked().find(info.fingerprint)

    def check_passphrase(self, finess: str, passphrase: str) -> None:
        """Raise ConflictError('wrong_passphrase') unless `passphrase` opens the key, and
        KeyRevoked when the ARS revoked it: asked before the user chooses where to save the
        bundle, not after."""
        self._refuse_revoked(finess)
        self.keys.private_key(finess, passphrase)

    def _refuse_revoked(self, finess: str) -> None:
        fingerprint = self.keys.public_key(finess).fingerprint
        revoked = self._services.library.revoked().find(fingerprint)
        if revoked is not None:
            raise KeyRevoked(finess, revoked)

    def generate_key(
        self,
        establishment_id: int,
        passphrase: str,
        *,
        replace: bool = False,
        old_passphrase: str | None = None,
    ) -> KeyInfo:
        finess = self._services.establishments.get(establishment_id).finess
        info = self.keys.generate(
            finess, passphrase, replace=replace, old_passphrase=old_passphrase
        )
        with self._services.database.write() as session:
            self._services.audit.record(
                session,
                action="create",
                entity="signing_key",
                entity_id=finess,
                after={
                    "fingerprint": info.fingerprint,
                    "signed_by_previous_key": info.successor_path is not None,
                },
            )
        return info

    def prepare(self, selection: Selection, progress: Progress | None = None) -> PreparedBundle:
        return prepare(self._services, selection, progress)

    def justify(self, prepared: PreparedBundle, texts: Mapping[str, str]) -> PreparedBundle:
        """The prepared bundle with the user's justifications of its checks' warnings
        (`{check id: text}`) in `data/checks.json`; ValidationError for an unknown check,
        one with nothing to justify or a text too long. The texts meet the personal-data
        guard when the bundle is signed, as every other free text."""
        return with_checks(prepared, justify(prepared.checks, texts))

    def sign_and_write(
        self,
        prepared: PreparedBundle,
        passphrase: str,
        out: Path,
        progress: Progress | None = None,
    ) -> WrittenBundle:
        """Sign the prepared contents and write the bundle (whole or not at all)."""
        progress = progress or NullProgress()
        from hospiperf_desktop.bundles.personal_data import (
            PersonalDataFound,
            scan,
            scan_payload_files,
        )

        findings = scan_payload_files((f.path, f.content) for f in prepared.files)
        findings += scan(prepared.printed_texts)
        if findings:  # nothing signed, nothing written
            raise PersonalDataFound(findings)
        self._refuse_revoked(prepared.finess)
        private = self.keys.private_key(prepared.finess, passphrase)
        public = self.keys.public_key(prepared.finess)
        created = datetime.now(UTC).replace(microsecond=0)
        bundle_id = str(uuid.uuid4())
        info = {
            "Source-Organization": prepared.name,
            "FINESS": prepared.finess,
            "Establishment-Name": prepared.name,
            "Period": prepared.period,
            "Bagging-Date": created.date().isoformat(),
            "Created": created.isoformat(),
            "Software-Version": f"HospiPerf Desktop {__version__}",
            "Bundle-UUID": bundle_id,
            "Public-Key-Fingerprint": public.fingerprint,
        }
        _refuse_what_the_ars_would_refuse(prepared, info, public)
        # The audit trail as it stands before this export is recorded: the ARS keeps it, and
        # `hospiperf audit verify --anchor BUNDLE` later proves the trail unchanged up to it.
        anchor = self._services.audit.anchor()
        info[AUDIT_ENTRIES] = str(anchor.entries)
        info[AUDIT_HEAD] = anchor.head_hash
        progress.check_cancelled()
        progress.report(0, 1, "Signature et écriture du paquet")

        def write(target: str) -> None:
            write_bag(target, prepared.files, info, private.sign, created)

        write_atomically(out, write)
        file_sha256 = _file_sha256(out)
        with self._services.database.write() as session:
            session.add(
                BundleExportRecord(
                    uuid=bundle_id,
                    finess=prepared.finess,
                    period=prepared.period,
                    modules=json.dumps(sorted(prepared.selection.modules)),
                    file_name=out.name,
                    file_sha256=file_sha256,
                    created=created.replace(tzinfo=None),
                )
            )
            self._services.audit.record(
                session,
                action="export",
                entity="bundle",
                entity_id=bundle_id,
                after={
                    "finess": prepared.finess,
                    "period": prepared.period,
                    "files": len(prepared.files),
                    "fingerprint": public.fingerprint,
                    "audit_anchor": {"entries": anchor.entries, "head": anchor.head_hash},
                },
            )
        progress.report(1, 1, "Paquet écrit")
        return WrittenBundle(
            out,
            bundle_id,
            prepared.finess,
            prepared.period,
            len(prepared.files),
            sum(len(f.content) for f in prepared.files),
            public.fingerprint,
            public.words,
            created,
        )


def _refuse_what_the_ars_would_refuse(
    prepared: PreparedBundle, info: Mapping[str, str], public: PublicKey
) -> None:
    """Read the prepared documents as the ARS will (`read_payload`: bounded JSON, the
    schemas' types and limits, FINESS and period against bag-info) before anything is signed.
    A figure the schema bounds (an activity count past 10^12, say) confirmed on the desktop
    would otherwise be signed, sent, and refused at the ARS."""
    from hospiperf_desktop.bundles.payload import read_payload
    from hospiperf_desktop.bundles.verify import BundleRejected, Limits, VerifiedBundle

    keep = Limits().keep_json_bytes
    files = {f.path: f.content for f in prepared.files}
    as_read = VerifiedBundle(
        info=dict(info),
        key=public,
        payload_names=tuple(sorted(files)),
        payload_bytes=sum(len(content) for content in files.values()),
        json={n: c for n, c in files.items() if n.endswith(".json") and len(c) <= keep},
    )  # `read_payload` reads bag-info, the names and the JSON documents, not the CSV files
    try:
        read_payload(as_read)
    except BundleRejected as err:
        raise BundleWouldBeRefused(err.failures) from err


def _file_sha256(path: Path) -> str:
    """The written bundle's SHA-256: a receipt names the file the ARS received by it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
