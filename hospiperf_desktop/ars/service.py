"""Consolidating bundles at the ARS.

Every bundle is verified first (`bundles.verify`), against the registry of trusted keys of
the consolidation database. Then, in one transaction per bundle: a bundle already imported
(same UUID) is refused; an older bundle for the same FINESS and period than the one already
imported is refused; otherwise its figures replace the previous bundle's for that FINESS
and period, and who sent what and when is recorded. A refused bundle writes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from hospiperf_desktop.ars.models import (
    ARS_SCHEMA_VERSION,
    ArsBase,
    ArsSchema,
    CoverageRow,
    DiagnosticScore,
    EstablishmentRow,
    ImportedBundle,
    PurchasingRow,
    TrustedKey,
    WorkUnitRow,
)
from hospiperf_desktop.bundles.keys import PublicKey
from hospiperf_desktop.bundles.verify import BundleRejected, Limits, VerifiedBundle, verify_bundle
from hospiperf_desktop.errors import ConflictError, DatabaseError
from hospiperf_desktop.progress import NullProgress, Progress


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    status: str  # imported | refused
    reason: str  # a stable code: ok, already_imported, older_than_current, or a verify code
    message: str
    uuid: str | None = None
    finess: str | None = None
    period: str | None = None
    replaced: str | None = None  # the UUID of the bundle it replaced


def _engine(url: str) -> Engine:
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


class Consolidation:
    """One consolidation database, created on first use."""

    def __init__(self, url: str, actor: str = "ARS") -> None:
        self.url = url
        self.actor = actor
        try:
            self._engine = _engine(url)
            ArsBase.metadata.create_all(self._engine)
        except Exception as err:  # a bad URL, an unreachable server, a refused login
            raise DatabaseError(f"cannot open the consolidation database: {err}") from err
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        with self._sessions.begin() as session:
            if session.get(ArsSchema, ARS_SCHEMA_VERSION) is None:
                session.add(ArsSchema(version=ARS_SCHEMA_VERSION))

    def close(self) -> None:
        self._engine.dispose()

    # --- trusted keys ---------------------------------------------------------------------

    def trust(self, keys: Iterable[PublicKey]) -> int:
        """Add keys to the registry; returns how many were new."""
        added = 0
        with self._sessions.begin() as session:
            known = set(session.scalars(select(TrustedKey.fingerprint)))
            for key in keys:
                if key.fingerprint in known:
                    continue
                session.add(
                    TrustedKey(
                        finess=key.finess,
                        fingerprint=key.fingerprint,
                        public_key=base64.b64encode(key.raw).decode("ascii"),
                        added_at=datetime.now(UTC),
                        added_by=self.actor,
                    )
                )
                known.add(key.fingerprint)
                added += 1
        return added

    def trusted(self) -> dict[str, list[PublicKey]]:
        with self._sessions() as session:
            out: dict[str, list[PublicKey]] = {}
            for row in session.scalars(select(TrustedKey).order_by(TrustedKey.finess)):
                out.setdefault(row.finess, []).append(
                    PublicKey(row.finess, base64.b64decode(row.public_key))
                )
            return out

    def untrust(self, fingerprint: str) -> None:
        with self._sessions.begin() as session:
            row = session.scalar(select(TrustedKey).where(TrustedKey.fingerprint == fingerprint))
            if row is None:
                raise ConflictError(f"no trusted key {fingerprint[:16]}…", "unknown_key")
            session.delete(row)

    # --- import ---------------------------------------------------------------------------

    def import_bundles(
        self,
        paths: Sequence[Path],
        limits: Limits | None = None,
        progress: Progress | None = None,
    ) -> list[ImportOutcome]:
        progress = progress or NullProgress()
        trusted = self.trusted()
        outcomes = []
        for index, path in enumerate(paths):
            progress.check_cancelled()
            progress.report(index, len(paths), path.name)
            outcomes.append(self._import_one(path, trusted, limits))
        progress.report(len(paths), len(paths), "")
        return outcomes

    def _import_one(
        self, path: Path, trusted: dict[str, list[PublicKey]], limits: Limits | None
    ) -> ImportOutcome:
        try:
            verified = verify_bundle(path, trusted, limits)
        except BundleRejected as err:
            return ImportOutcome(path.name, "refused", err.reason, str(err))
        info = verified.info
        uuid, finess, period = info["Bundle-UUID"], info["FINESS"], info["Period"]
        created = datetime.fromisoformat(info["Created"])
        created = created.astimezone(UTC).replace(tzinfo=None)

        def refused(reason: str, message: str) -> ImportOutcome:
            return ImportOutcome(path.name, "refused", reason, message, uuid, finess, period)

        try:
            payload = _payload(verified)
        except (ValueError, KeyError, TypeError) as err:
            return refused("bad_payload", f"{path.name}: unreadable payload ({err})")
        with self._sessions.begin() as session:
            same = session.scalar(select(ImportedBundle).where(ImportedBundle.uuid == uuid))
            if same is not None:
                return refused(
                    "already_imported",
                    f"{path.name}: bundle {uuid} was imported on {same.imported_at:%d/%m/%Y %H:%M}"
                    f" by {same.imported_by}",
                )
            current = session.scalar(
                select(ImportedBundle).where(
                    ImportedBundle.finess == finess,
                    ImportedBundle.period == period,
                    ImportedBundle.current.is_(True),
                )
            )
            if current is not None and current.created > created:
                return refused(
                    "older_than_current",
                    f"{path.name}: made on {created:%d/%m/%Y %H:%M}, older than bundle"
                    f" {current.uuid} of {current.created:%d/%m/%Y %H:%M} already imported for"
                    f" {finess}, period {period}",
                )
            replaced = None
            if current is not None:
                current.current = False
                replaced = current.uuid
                for table in (DiagnosticScore, WorkUnitRow, CoverageRow, PurchasingRow):
                    session.execute(delete(table).where(table.bundle_id == current.id))
            bundle = ImportedBundle(
                uuid=uuid,
                finess=finess,
                name=info["Establishment-Name"],
                period=period,
                created=created,
                software_version=info["Software-Version"],
                fingerprint=info["Public-Key-Fingerprint"],
                file_name=path.name,
                file_sha256=_file_sha256(path),
                size=path.stat().st_size,
                imported_at=datetime.now(UTC).replace(tzinfo=None),
                imported_by=self.actor,
                current=True,
            )
            session.add(bundle)
            session.flush()
            _store(session, bundle, payload)
        return ImportOutcome(
            path.name, "imported", "ok", f"{path.name}: imported", uuid, finess, period, replaced
        )

    # --- views ----------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """Regional views over the current bundles, as plain rows."""
        with self._sessions() as session:
            establishments = [
                {
                    "finess": e.finess,
                    "name": e.name,
                    "kind": e.kind,
                    "region": e.region,
                    "beds": e.beds,
                    "last_bundle_at": e.last_bundle_at,
                }
                for e in session.scalars(select(EstablishmentRow).order_by(EstablishmentRow.finess))
            ]
            bundles = [
                {
                    "uuid": b.uuid,
                    "finess": b.finess,
                    "name": b.name,
                    "period": b.period,
                    "created": b.created,
                    "imported_at": b.imported_at,
                    "imported_by": b.imported_by,
                    "current": b.current,
                    "fingerprint": b.fingerprint,
                    "file_name": b.file_name,
                }
                for b in session.scalars(select(ImportedBundle).order_by(ImportedBundle.id))
            ]
            scores = [
                {
                    "finess": d.finess,
                    "template_id": d.template_id,
                    "template_title": d.template_title,
                    "label": d.label,
                    "status": d.status,
                    "score": d.score,
                    "completion": d.completion,
                    "axes": json.loads(d.axes),
                }
                for d in session.scalars(
                    select(DiagnosticScore).order_by(DiagnosticScore.finess, DiagnosticScore.id)
                )
            ]
            work_units = [
                {
                    "finess": w.finess,
                    "year": w.year,
                    "table_id": w.table_id,
                    "table_version": w.table_version,
                    "total": w.total,
                    "per_fte": w.per_fte,
                    "per_bed": w.per_bed,
                }
                for w in session.scalars(
                    select(WorkUnitRow).order_by(WorkUnitRow.finess, WorkUnitRow.year)
                )
            ]
            coverage = [
                {
                    "finess": c.finess,
                    "at": c.at,
                    "category": c.category,
                    "location": c.location,
                    "stock_value": c.stock_value,
                    "coverage_weeks": c.coverage_weeks,
                    "target_weeks": c.target_weeks,
                    "above_target": c.coverage_weeks is not None
                    and c.coverage_weeks > c.target_weeks,
                }
                for c in session.scalars(
                    select(CoverageRow).order_by(CoverageRow.finess, CoverageRow.category)
                )
            ]
            purchasing = [
                {
                    "finess": p.finess,
                    "scenario": p.scenario,
                    "reference": p.reference,
                    "gain": p.gain,
                    "performance": p.performance,
                    "accepted": p.accepted,
                    "rejected": p.rejected,
                }
                for p in session.scalars(select(PurchasingRow).order_by(PurchasingRow.finess))
            ]
        return {
            "establishments": establishments,
            "bundles": bundles,
            "diagnostic_scores": scores,
            "work_units": work_units,
            "coverage": coverage,
            "purchasing": purchasing,
        }


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _payload(verified: VerifiedBundle) -> dict[str, Any]:
    """The JSON files the consolidation reads, parsed; absent modules are empty."""
    files = verified.json

    def load(name: str, default: Any) -> Any:
        raw = files.get(name)
        return default if raw is None else json.loads(raw.decode("utf-8"))

    summary = load("data/bundle.json", None)
    if not isinstance(summary, dict):
        raise ValueError("data/bundle.json is missing")
    work_units = {
        name: load(name, [])
        for name in files
        if name.startswith("data/activity/work-units-") and name.endswith(".json")
    }
    return {
        "summary": summary,
        "establishment": load("data/establishment.json", {}),
        "diagnostics": load("data/diagnostics.json", []),
        "work_units": work_units,
        "stock": load("data/stock/indicators.json", None),
        "calculators": load("data/calculators/scenarios.json", []),
    }


def _store(session: Session, bundle: ImportedBundle, payload: dict[str, Any]) -> None:
    establishment = payload["establishment"]
    row = session.get(EstablishmentRow, bundle.finess)
    if row is None:
        row = EstablishmentRow(finess=bundle.finess)
        session.add(row)
    row.name = bundle.name
    row.kind = str(establishment.get("kind", ""))
    row.region = establishment.get("region")
    row.beds = establishment.get("beds")
    row.last_bundle_at = bundle.created
    for diagnostic in payload["diagnostics"]:
        session.add(
            DiagnosticScore(
                bundle_id=bundle.id,
                finess=bundle.finess,
                template_id=diagnostic["template_id"],
                template_title=diagnostic["template_title"],
                label=diagnostic["label"],
                status=diagnostic["status"],
                score=diagnostic["score"],
                completion=diagnostic["completion"],
                axes=json.dumps(
                    [
                        {"id": a["id"], "label": a["label"], "score": a["score"]}
                        for a in diagnostic["axes"]
                    ],
                    ensure_ascii=False,
                ),
            )
        )
    for name, reports in payload["work_units"].items():
        year = int(name.rsplit("-", 1)[1].split(".")[0])
        for report in reports:
            session.add(
                WorkUnitRow(
                    bundle_id=bundle.id,
                    finess=bundle.finess,
                    year=year,
                    table_id=report["table_id"],
                    table_version=report["table_version"],
                    total=report["total"],
                    per_fte=report["per_fte"],
                    per_bed=report["per_bed"],
                )
            )
    stock = payload["stock"]
    if stock:
        for coverage in stock["coverage"]:
            session.add(
                CoverageRow(
                    bundle_id=bundle.id,
                    finess=bundle.finess,
                    at=str(stock["at"]),
                    category=coverage["category"],
                    location=coverage["location"],
                    stock_value=coverage["stock_value"],
                    coverage_weeks=coverage["coverage_weeks"],
                    target_weeks=coverage["target_weeks"],
                )
            )
    for scenario in payload["calculators"]:
        if scenario["calculator"] != "purchasing":
            continue
        result = scenario["result"]
        session.add(
            PurchasingRow(
                bundle_id=bundle.id,
                finess=bundle.finess,
                scenario=scenario["name"],
                reference=result["reference"],
                gain=result["gain"],
                performance=result["performance"],
                accepted=result["accepted"],
                rejected=result["rejected"],
            )
        )
