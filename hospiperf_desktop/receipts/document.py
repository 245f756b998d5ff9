"""The receipt file: a signed JSON (format `hospiperf-receipt/1`, docs/receipts.md).

The file is a small JSON object whose `body` is itself a JSON text, kept as the exact string
that was signed: `signature` is the Ed25519 signature of `body` encoded in UTF-8, by the key
whose fingerprint is `signer_fingerprint`. A reader never re-serialises anything: it checks the
signature over the bytes it was given, then parses them. Nothing of the body is read before the
signature is checked against the trusted ARS key (`bundles.authority.verify_ars_signature`).
"""

from __future__ import annotations

import base64
import json
import uuid as uuid_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hospiperf_desktop.bundles.authority import ArsPublicKey, verify_ars_signature
from hospiperf_desktop.jsonfiles import _decode, load_json_text, read_bounded
from hospiperf_desktop.receipts.reasons import reason_texts

RECEIPT_FORMAT = "hospiperf-receipt/1"
MAX_RECEIPT_BYTES = 512 * 1024
MAX_DETAIL = 1000
VERDICTS = ("accepted", "refused")


@dataclass(frozen=True)
class ReceiptReason:
    code: str  # a stable code (bundles.verify, bundles.payload, ars.service)
    message: str  # French: what happened
    next_step: str  # French: what to do
    detail: str  # the technical detail, in English, naming the file or line

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "next_step": self.next_step,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Receipt:
    receipt_uuid: str
    issued_at: str  # ISO 8601 with its UTC offset
    authority: str
    file_name: str
    file_sha256: str
    bundle_uuid: str | None  # None when the bundle could not even be read
    finess: str | None
    period: str | None
    modules: tuple[str, ...]
    verified: bool  # False: uuid, FINESS and period are what the unverified file claimed
    verdict: str  # accepted | refused
    reasons: tuple[ReceiptReason, ...]
    warning: str | None
    signer_fingerprint: str

    def body(self) -> dict[str, Any]:
        return {
            "format": RECEIPT_FORMAT,
            "receipt_uuid": self.receipt_uuid,
            "issued_at": self.issued_at,
            "authority": self.authority,
            "bundle": {
                "file_name": self.file_name,
                "sha256": self.file_sha256,
                "uuid": self.bundle_uuid,
                "finess": self.finess,
                "period": self.period,
                "modules": list(self.modules),
                "verified": self.verified,
            },
            "verdict": self.verdict,
            "reasons": [r.to_json() for r in self.reasons],
            "warning": self.warning,
        }


def reasons_of(failures: Sequence[tuple[str, str]]) -> tuple[ReceiptReason, ...]:
    """Each (code, English detail) with its French message and next step."""
    out = []
    for code, detail in failures:
        message, next_step = reason_texts(code)
        out.append(ReceiptReason(code, message, next_step, _printable(detail)[:MAX_DETAIL]))
    return tuple(out)


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


def new_receipt_uuid() -> str:
    return str(uuid_module.uuid4())


def receipt_bytes(receipt: Receipt, sign: Callable[[bytes], bytes]) -> bytes:
    """The receipt file's bytes: the body as a JSON text, and its signature."""
    body = json.dumps(receipt.body(), ensure_ascii=False, indent=2)
    envelope = {
        "format": RECEIPT_FORMAT,
        "signer_fingerprint": receipt.signer_fingerprint,
        "body": body,
        "signature": base64.b64encode(sign(body.encode("utf-8"))).decode("ascii"),
    }
    return (json.dumps(envelope, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def receipt_file_name(receipt: Receipt) -> str:
    """`receipt-<FINESS>-<bundle UUID>-<receipt UUID's first 8>.json` (a bundle too broken to
    name gets its file hash): two files claiming one UUID never share a receipt name."""
    finess = receipt.finess or "inconnu"
    bundle = receipt.bundle_uuid or receipt.file_sha256[:32]
    return f"receipt-{finess}-{bundle}-{receipt.receipt_uuid[:8]}.json"


def read_receipt(path: Path, key: ArsPublicKey | None) -> Receipt:
    """The receipt at `path`, refused unless the trusted ARS key signed it.

    Raises `InputFileError` (not a receipt file) or `ArsKeyRefused` (no trusted key, another
    key, a changed byte); nothing of the body is parsed before its signature is checked."""
    raw = read_bounded(path, MAX_RECEIPT_BYTES)
    return parse_receipt(_decode(raw, path.name), path.name, key)


def parse_receipt(text: str, source: str, key: ArsPublicKey | None) -> Receipt:
    envelope = load_json_text(text, source, "receipt")
    signature = base64.b64decode(envelope["signature"], validate=True)  # schema: 64 bytes
    body_text: str = envelope["body"]
    verify_ars_signature(
        key,
        body_text.encode("utf-8"),
        signature,
        named_fingerprint=envelope["signer_fingerprint"],
        what=source,
    )
    body = load_json_text(body_text, f"{source} (body)", "receipt-body")
    _check_dates(body, source)
    bundle = body["bundle"]
    return Receipt(
        receipt_uuid=body["receipt_uuid"],
        issued_at=body["issued_at"],
        authority=body["authority"],
        file_name=bundle["file_name"],
        file_sha256=bundle["sha256"],
        bundle_uuid=bundle["uuid"],
        finess=bundle["finess"],
        period=bundle["period"],
        modules=tuple(bundle["modules"]),
        verified=bundle["verified"],
        verdict=body["verdict"],
        reasons=tuple(
            ReceiptReason(r["code"], r["message"], r["next_step"], r["detail"])
            for r in body["reasons"]
        ),
        warning=body.get("warning"),
        signer_fingerprint=envelope["signer_fingerprint"],
    )


def _check_dates(body: dict[str, Any], source: str) -> None:
    from hospiperf_desktop.jsonfiles import refuse

    try:
        issued = datetime.fromisoformat(body["issued_at"])
    except ValueError:
        raise refuse(
            source, "issued_at is not an ISO 8601 date and time", "bad_date", "$.issued_at"
        ) from None
    if issued.tzinfo is None:
        raise refuse(source, "issued_at has no UTC offset", "bad_date", "$.issued_at")
    if body["verdict"] == "refused" and not body["reasons"]:
        raise refuse(source, "a refusal gives no reason", "no_reason", "$.reasons")
