"""The establishment's side: recording the ARS's receipts, and the transmission ledger.

`record` checks every receipt against the trusted ARS key before reading it, and records
them all in one write transaction, or none: one refused receipt refuses the batch (its file
and reason are named), so that nothing is half-recorded. A receipt recorded already (same
receipt UUID) is skipped.

The ledger crosses the bundles this desktop exported (`bundle_exports`) with the receipts:
per establishment × period × module, *accepté* (a receipt accepted a bundle holding the
module; a newer bundle's refusal is still listed with it), else the state of the newest bundle
holding it: *refusé* (with its reasons) or *envoyé* (no receipt yet); *manquant* when no
bundle of that period held the module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from hospiperf_desktop.bundles.authority import ArsKeyRefused, trusted_ars_key
from hospiperf_desktop.bundles.contents import MODULES
from hospiperf_desktop.errors import InputFileError
from hospiperf_desktop.receipts.document import Receipt, read_receipt
from hospiperf_desktop.storage.models import (
    BundleExportRecord,
    BundleReceiptRecord,
    Establishment,
)

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

STATUS_LABELS = {
    "accepted": "accepté",
    "refused": "refusé",
    "sent": "envoyé",
    "missing": "manquant",
}


class ReceiptsRefused(InputFileError):
    """At least one receipt could not be trusted or read: none of the batch was recorded."""

    code = "receipts_refused"

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = tuple(problems)  # (file name, reason code, message)
        from hospiperf_desktop.errors import SourceIssue

        super().__init__(
            [SourceIssue(name, None, None, message, reason) for name, reason, message in problems]
        )


@dataclass(frozen=True)
class RecordedReceipt:
    file: str
    receipt_uuid: str
    bundle_uuid: str | None
    verdict: str
    reasons: tuple[str, ...]  # reason codes
    new: bool  # False: recorded already
    matched: bool  # the receipt names a bundle this desktop exported
    same_file: bool | None  # the ARS received the very file written here (None: not matched)


@dataclass(frozen=True)
class LedgerRow:
    finess: str
    name: str
    period: str
    module: str
    status: str  # accepted | refused | sent | missing
    label: str  # French: accepté, refusé, envoyé, manquant
    bundle_uuid: str | None
    reasons: tuple[str, ...]  # for a refusal: "code : message → next step"
    at: str | None  # when sent (ISO), or when the receipt was issued


def check_receipts(services: Services, paths: Sequence[Path]) -> list[tuple[Path, Receipt]]:
    """Every receipt verified and parsed; raises ReceiptsRefused naming each bad file."""
    key = trusted_ars_key(services)
    revoked = None if key is None else services.library.revoked().find(key.fingerprint)
    read: list[tuple[Path, Receipt]] = []
    problems: list[tuple[str, str, str]] = []
    for path in paths:
        if revoked is not None:  # only the trusted key's receipts could verify
            problems.append((path.name, "revoked_ars_key", _revoked_text(revoked.revoked_on)))
            continue
        try:
            read.append((path, read_receipt(path, key)))
        except ArsKeyRefused as err:
            message = str(err).removeprefix(path.name).lstrip(": ")
            problems.append((path.name, err.reason, _one_line(message)))
        except InputFileError as err:
            issue = err.issues[0]
            where = f"{issue.where}: " if issue.where else ""
            problems.append((path.name, issue.code, _one_line(f"{where}{issue.message}")))
    if problems:
        raise ReceiptsRefused(problems)
    return read


def _revoked_text(revoked_on: str) -> str:
    return (
        f"the trusted ARS key was revoked on {revoked_on} by a revocation list installed here:"
        " ask the ARS for its new key ('hospiperf keys trust-ars FILE --replace')"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def record_receipts(services: Services, paths: Sequence[Path]) -> list[RecordedReceipt]:
    """Verify then record every receipt of `paths` in one transaction (all or none)."""
    read = check_receipts(services, paths)
    out: list[RecordedReceipt] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    with services.database.write() as session:
        exports = {
            e.uuid: e
            for e in session.scalars(
                select(BundleExportRecord).where(
                    BundleExportRecord.uuid.in_([r.bundle_uuid for _, r in read if r.bundle_uuid])
                )
            )
        }
        known = set(
            session.scalars(
                select(BundleReceiptRecord.receipt_uuid).where(
                    BundleReceiptRecord.receipt_uuid.in_([r.receipt_uuid for _, r in read])
                )
            )
        )
        for path, receipt in read:
            export = exports.get(receipt.bundle_uuid or "")
            new = receipt.receipt_uuid not in known
            if new:
                known.add(receipt.receipt_uuid)
                session.add(_row(path, receipt, now))
                services.audit.record(
                    session,
                    action="create",
                    entity="bundle_receipt",
                    entity_id=receipt.receipt_uuid,
                    after={
                        "bundle_uuid": receipt.bundle_uuid,
                        "verdict": receipt.verdict,
                        "reasons": [r.code for r in receipt.reasons],
                    },
                )
            out.append(
                RecordedReceipt(
                    path.name,
                    receipt.receipt_uuid,
                    receipt.bundle_uuid,
                    receipt.verdict,
                    tuple(r.code for r in receipt.reasons),
                    new,
                    export is not None,
                    None if export is None else export.file_sha256 == receipt.file_sha256,
                )
            )
    return out


def _row(path: Path, receipt: Receipt, now: datetime) -> BundleReceiptRecord:
    return BundleReceiptRecord(
        receipt_uuid=receipt.receipt_uuid,
        bundle_uuid=receipt.bundle_uuid,
        file_sha256=receipt.file_sha256,
        finess=receipt.finess,
        period=receipt.period,
        verdict=receipt.verdict,
        reasons=json.dumps([r.to_json() for r in receipt.reasons], ensure_ascii=False),
        issued_at=receipt.issued_at,
        authority=receipt.authority,
        signed=path.read_bytes(),
        recorded_at=now,
    )


def ledger(services: Services, periods: Sequence[str] = ()) -> list[LedgerRow]:
    """Per establishment × period × module: accepté, refusé, envoyé or manquant.

    The periods are those of the bundles exported from this desktop, plus `periods`."""
    with services.database.read() as session:
        establishments = [(e.finess, e.name) for e in session.scalars(select(Establishment))]
        exports = list(
            session.scalars(
                select(BundleExportRecord).order_by(
                    BundleExportRecord.created, BundleExportRecord.id
                )
            )
        )
        receipts: dict[str, list[BundleReceiptRecord]] = {}
        for r in session.scalars(select(BundleReceiptRecord).order_by(BundleReceiptRecord.id)):
            receipts.setdefault(r.bundle_uuid or "", []).append(r)
        all_periods = sorted({e.period for e in exports} | set(periods))
        rows = []
        for finess, name in sorted(establishments):
            mine = [e for e in exports if e.finess == finess]
            for period in all_periods:
                for module in MODULES:
                    holding = [
                        e for e in mine if e.period == period and module in json.loads(e.modules)
                    ]
                    rows.append(_state(finess, name, period, module, holding, receipts))
    return rows


def _state(
    finess: str,
    name: str,
    period: str,
    module: str,
    holding: list[BundleExportRecord],
    receipts: dict[str, list[BundleReceiptRecord]],
) -> LedgerRow:
    def row(status: str, uuid: str | None, reasons: tuple[str, ...], at: str | None) -> LedgerRow:
        return LedgerRow(
            finess, name, period, module, status, STATUS_LABELS[status], uuid, reasons, at
        )

    if not holding:
        return row("missing", None, (), None)
    newest = holding[-1]
    answered = receipts.get(newest.uuid, [])
    newest_accepted = any(r.verdict == "accepted" for r in answered)
    refusal = _refusal(newest, answered[-1]) if answered and not newest_accepted else ()
    for export in reversed(holding):
        for receipt in receipts.get(export.uuid, ()):
            if receipt.verdict == "accepted":
                # An older bundle is in force at the ARS; a newer one's refusal is still said.
                later = (f"paquet plus récent {newest.uuid[:8]} refusé",) if refusal else ()
                return row("accepted", export.uuid, later + refusal, receipt.issued_at)
    if answered:
        return row("refused", newest.uuid, refusal, answered[-1].issued_at)
    return row("sent", newest.uuid, (), newest.created.isoformat())


def _refusal(export: BundleExportRecord, receipt: BundleReceiptRecord) -> tuple[str, ...]:
    """A refusal's reasons, each with what to do (empty for an acceptance)."""
    if receipt.verdict != "refused":
        return ()
    reasons = tuple(
        f"{r['code']} : {r['message']} → {r['next_step']}" for r in json.loads(receipt.reasons)
    )
    if receipt.file_sha256 != export.file_sha256:
        reasons += ("le fichier reçu par l'ARS n'est pas celui écrit par ce poste",)
    return reasons
