"""The ARS's side of receipts: one signed receipt per bundle imported, and the ARS ledger.

`import_with_receipts` imports as `Consolidation.import_bundles` does and, right after each
bundle, writes its receipt (docs/receipts.md) into the receipts folder and records it in
`ars_receipts`, in one transaction: the row is added, the file written atomically, then the
transaction commits (a failed write leaves neither). A refused bundle's receipt lists every
failure the verification found. When the bundle could not be verified, the receipt names what
the file claimed (its bag-info.txt, read within bounds) and says so (`verified` false).

The ARS ledger crosses the establishments of the region (every FINESS with a trusted key or a
consolidated bundle) with the periods: per establishment × period × module *accepté* (a
current consolidated module), *refusé* (the last receipt refused a bundle of that period) or
*manquant*; and it lists, per period, the establishments that sent nothing at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, true

from hospiperf_desktop.ars.models import (
    BundleModule,
    EstablishmentRow,
    ImportedBundle,
    ReceiptRow,
    TrustedKey,
)
from hospiperf_desktop.ars.service import Consolidation, ImportOutcome
from hospiperf_desktop.bundles.authority import ArsSigner
from hospiperf_desktop.bundles.bag import BAG_INFO
from hospiperf_desktop.bundles.contents import MODULES
from hospiperf_desktop.bundles.verify import Limits
from hospiperf_desktop.establishments.finess import check_finess
from hospiperf_desktop.files import write_bytes_atomically
from hospiperf_desktop.progress import Progress
from hospiperf_desktop.receipts.document import (
    Receipt,
    new_receipt_uuid,
    reasons_of,
    receipt_bytes,
    receipt_file_name,
)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PERIOD = re.compile(r"^(?:[0-9]{4}|[0-9]{4}-[0-9]{4}|sans année)$")
_MAX_BAG_INFO = 64 * 1024


@dataclass(frozen=True)
class Issued:
    outcome: ImportOutcome
    receipt: Path | None  # None: the file did not exist, no receipt
    receipt_uuid: str | None


def claimed_identity(path: Path) -> tuple[str | None, str | None, str | None]:
    """(bundle UUID, FINESS, period) as the unverified bag-info.txt states them, each None
    unless well formed; never more than 64 KB of a (possibly hostile) zip is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            entry = archive.getinfo(BAG_INFO)
            if entry.file_size > _MAX_BAG_INFO or entry.flag_bits & 0x1:
                return None, None, None
            with archive.open(entry) as handle:
                text = handle.read(_MAX_BAG_INFO).decode("utf-8", "replace")
    except Exception:  # not a zip, no bag-info.txt, a damaged entry: nothing is claimed
        return None, None, None
    info = {}
    for line in text.splitlines():
        label, sep, value = line.partition(":")
        if sep:
            info[label.strip()] = value.strip()
    uuid = info.get("Bundle-UUID", "")
    finess = info.get("FINESS", "")
    period = info.get("Period", "")
    return (
        uuid if _UUID.match(uuid) else None,
        finess if check_finess(finess) is None and finess == finess.upper() else None,
        period if _PERIOD.match(period) else None,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Issuer:
    consolidation: Consolidation
    signer: ArsSigner
    folder: Path
    actor: str
    issued: list[Issued] = field(default_factory=list)

    def __call__(self, path: Path, outcome: ImportOutcome) -> None:
        if not path.is_file():
            self.issued.append(Issued(outcome, None, None))
            return
        receipt = self._receipt(path, outcome)
        target = self.folder / receipt_file_name(receipt)
        data = receipt_bytes(receipt, self.signer.sign)
        with self.consolidation.session() as session, session.begin():
            session.add(
                ReceiptRow(
                    receipt_uuid=receipt.receipt_uuid,
                    file_name=receipt.file_name[:255],
                    file_sha256=receipt.file_sha256,
                    bundle_uuid=receipt.bundle_uuid,
                    finess=receipt.finess,
                    period=receipt.period,
                    modules=json.dumps(list(receipt.modules)),
                    verified=receipt.verified,
                    verdict=receipt.verdict,
                    reasons=json.dumps(
                        [{"code": r.code, "detail": r.detail} for r in receipt.reasons],
                        ensure_ascii=False,
                    ),
                    issued_at=datetime.fromisoformat(receipt.issued_at).replace(tzinfo=None),
                    issued_by=self.actor[:160],
                )
            )
            session.flush()
            write_bytes_atomically(target, data)
        self.issued.append(Issued(outcome, target, receipt.receipt_uuid))

    def _receipt(self, path: Path, outcome: ImportOutcome) -> Receipt:
        verified = outcome.uuid is not None
        if verified:
            uuid, finess, period = outcome.uuid, outcome.finess, outcome.period
        else:
            uuid, finess, period = claimed_identity(path)
        accepted = outcome.status == "imported"
        failures = outcome.failures or ((outcome.reason, outcome.message),)
        return Receipt(
            receipt_uuid=new_receipt_uuid(),
            issued_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            authority=self.signer.public.authority,
            file_name=path.name[:255],
            file_sha256=_sha256(path),
            bundle_uuid=uuid,
            finess=finess,
            period=period,
            modules=tuple(m for m in outcome.modules if m in MODULES),
            verified=verified,
            verdict="accepted" if accepted else "refused",
            reasons=() if accepted else reasons_of(failures[:200]),
            warning=outcome.warning[:1000] if outcome.warning else None,
            signer_fingerprint=self.signer.public.fingerprint,
        )


def import_with_receipts(
    consolidation: Consolidation,
    paths: Sequence[Path],
    signer: ArsSigner,
    folder: Path,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> list[Issued]:
    """Import each bundle and write its signed receipt into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    issuer = _Issuer(consolidation, signer, folder, consolidation.actor)
    consolidation.import_bundles(paths, limits, progress, on_outcome=issuer)
    return issuer.issued


# --- the ARS ledger --------------------------------------------------------------------


@dataclass(frozen=True)
class ArsLedgerRow:
    finess: str
    name: str
    period: str
    module: str
    status: str  # accepted | refused | missing
    label: str  # accepté | refusé | manquant
    bundle_uuid: str | None
    reasons: tuple[str, ...]  # refusal codes


@dataclass(frozen=True)
class ArsLedger:
    periods: tuple[str, ...]
    rows: tuple[ArsLedgerRow, ...]
    silent: dict[str, tuple[tuple[str, str], ...]]  # period → (FINESS, name) that sent nothing


_LABELS = {"accepted": "accepté", "refused": "refusé", "missing": "manquant"}


def ars_ledger(consolidation: Consolidation, periods: Sequence[str] = ()) -> ArsLedger:
    """The region's ledger over the periods seen (bundles or receipts), plus `periods`."""
    with consolidation.session() as session:
        names = {e.finess: e.name for e in session.scalars(select(EstablishmentRow))}
        region = set(names) | set(session.scalars(select(TrustedKey.finess)))
        current = {
            (m.finess, m.period, m.module): uuid
            for m, uuid in session.execute(
                select(BundleModule, ImportedBundle.uuid)
                .join(ImportedBundle, BundleModule.bundle_id == ImportedBundle.id)
                .where(BundleModule.current == true())
            )
        }
        arrived: set[tuple[str, str]] = {
            (finess, period)
            for finess, period in session.execute(
                select(ImportedBundle.finess, ImportedBundle.period)
            )
        }
        receipts = list(
            session.scalars(
                select(ReceiptRow)
                .where(ReceiptRow.finess.is_not(None), ReceiptRow.period.is_not(None))
                .order_by(ReceiptRow.issued_at, ReceiptRow.id)
            )
        )
    last_refusal: dict[tuple[str, str], ReceiptRow] = {}
    for r in receipts:
        key = (str(r.finess), str(r.period))
        arrived.add(key)
        if r.verdict == "refused":
            last_refusal[key] = r
        else:
            last_refusal.pop(key, None)
    region |= {finess for finess, _ in arrived}
    all_periods = tuple(sorted({p for _, p in arrived} | set(periods)))
    rows = []
    for finess in sorted(region):
        for period in all_periods:
            for module in MODULES:
                rows.append(
                    _ars_row(finess, names.get(finess, ""), period, module, current, last_refusal)
                )
    silent = {
        period: tuple(
            (finess, names.get(finess, ""))
            for finess in sorted(region)
            if (finess, period) not in arrived
        )
        for period in all_periods
    }
    return ArsLedger(all_periods, tuple(rows), silent)


def _ars_row(
    finess: str,
    name: str,
    period: str,
    module: str,
    current: dict[tuple[str, str, str], str],
    last_refusal: dict[tuple[str, str], ReceiptRow],
) -> ArsLedgerRow:
    uuid = current.get((finess, period, module))
    if uuid is not None:
        return ArsLedgerRow(finess, name, period, module, "accepted", _LABELS["accepted"], uuid, ())
    refusal = last_refusal.get((finess, period))
    if refusal is not None and module in (json.loads(refusal.modules) or MODULES):
        codes = tuple(dict.fromkeys(r["code"] for r in json.loads(refusal.reasons)))
        return ArsLedgerRow(
            finess, name, period, module, "refused", _LABELS["refused"], refusal.bundle_uuid, codes
        )
    return ArsLedgerRow(finess, name, period, module, "missing", _LABELS["missing"], None, ())
