"""Consolidating bundles at the ARS.

Every bundle is verified first (`bundles.verify`), against the registry of trusted keys of
the consolidation database, and its JSON documents are checked against their schemas
(`bundles.payload`) before any write. Then, in one transaction per bundle, holding a lock on
its FINESS: a bundle already imported (same UUID) is refused; a bundle older than the one
current for the same FINESS, period and one of its modules is refused; otherwise its modules'
figures replace the previous bundle's, and who sent what and when is recorded, with the
audit anchor the bundle carries. A refused bundle writes nothing, and one bundle's refusal
or failure never stops the others of a batch.

"One current bundle per FINESS, period and module" is held by the database itself: a partial
unique index on ars_bundle_modules (where current), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hospiperf_desktop.ars import stock_unusual
from hospiperf_desktop.ars.models import (
    ARS_SCHEMA_VERSION,
    ActivityValueRow,
    ArsBase,
    ArsSchema,
    AuditAnchor,
    BundleModule,
    CheckRow,
    CoverageRow,
    DiagnosticScore,
    EstablishmentRow,
    ImportedBundle,
    PurchasingRow,
    SterilisationStudyRow,
    StockUnusualRow,
    TrustedKey,
    WorkUnitRow,
)
from hospiperf_desktop.bundles.contents import MODULES
from hospiperf_desktop.bundles.keys import PublicKey
from hospiperf_desktop.bundles.payload import Payload, check_bundle, read_payload
from hospiperf_desktop.bundles.successor import KeySuccessor
from hospiperf_desktop.bundles.verify import (
    BundleRejected,
    Limits,
    VerifiedBundle,
    audit_anchor,
    verify_bundle,
)
from hospiperf_desktop.errors import ConflictError, DatabaseError, FieldIssue, ValidationError
from hospiperf_desktop.establishments.finess import FinessProblem, check_finess
from hospiperf_desktop.library.benchmarks import Distribution
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.storage.database import yield_to_main_thread


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    status: str  # imported | refused
    reason: str  # a stable code: ok, already_imported, older_than_current, or a verify code
    message: str
    uuid: str | None = None
    finess: str | None = None
    period: str | None = None
    replaced: str | None = None  # the UUIDs of the bundles whose modules it replaced
    warning: str | None = None  # imported, but its audit anchor contradicts an earlier one
    modules: tuple[str, ...] = ()  # the modules the bundle carries (known once verified)
    # Every failure found, as (reason, message), the first being `reason`: a receipt lists all.
    failures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Arrival:
    """What the import knows of the file, gathered before its transaction."""

    file_name: str
    created: datetime  # UTC, naive
    anchor: tuple[int, str] | None
    sha256: str
    size: int


def _finess_problem(finess: str) -> FinessProblem | None:
    problem = check_finess(finess)
    if problem is None and finess != finess.strip().upper():
        return FinessProblem("finess_format", "a FINESS number is written without spaces")
    return problem


def _anchor_warning(
    session: Session, name: str, finess: str, created: datetime, entries: int, head: str
) -> str | None:
    """An establishment's trail only grows: a bundle whose anchor counts fewer entries than
    an earlier bundle's (or as many, with another head) shows a trail cut or rewritten in
    between — or two databases sending for one FINESS. Imported all the same, but said."""
    for other in session.scalars(
        select(AuditAnchor)
        .where(AuditAnchor.finess == finess)
        .order_by(AuditAnchor.created, AuditAnchor.id)
    ):
        earlier = other.created <= created
        older, newer = (other, None) if earlier else (None, other)
        shrank = (
            older is not None
            and (older.entries > entries or (older.entries == entries and older.head_hash != head))
        ) or (newer is not None and newer.entries < entries)
        if shrank:
            return (
                f"{name}: its audit anchor ({entries} entries) does not extend the one of bundle"
                f" {other.bundle_uuid} ({other.entries} entries, made on"
                f" {other.created:%d/%m/%Y %H:%M}): the establishment's audit trail was cut or"
                " rewritten in between, or two databases send for this FINESS"
            )
    return None


def _lock_finess(session: Session, finess: str) -> None:
    """Serialise the imports of one FINESS until the end of the transaction.

    PostgreSQL: a transaction-level advisory lock. SQLite: nothing more to do, every
    transaction of the consolidation already began with BEGIN IMMEDIATE (one writer at a time).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _finess_lock_key(finess)}
        )


_log = logging.getLogger(__name__)

# Which rows each module brings; a newer bundle's module replaces exactly these.
MODULE_TABLES: dict[str, type[DiagnosticScore | WorkUnitRow | CoverageRow | PurchasingRow]] = {
    "diagnostics": DiagnosticScore,
    "activity": WorkUnitRow,
    "stock": CoverageRow,
    "calculators": PurchasingRow,
}
# Rows a module brings besides its main table (replaced with it).
MODULE_EXTRA_TABLES: dict[
    str, tuple[type[ActivityValueRow | StockUnusualRow | SterilisationStudyRow], ...]
] = {
    "activity": (ActivityValueRow,),
    "stock": (StockUnusualRow,),
    "calculators": (SterilisationStudyRow,),
}
_SCHEMA_LOCK = 0x4850_4152_5300  # PostgreSQL advisory lock held while the schema is prepared
BUSY_TIMEOUT_SECONDS = 60  # SQLite: how long an import waits for another one to finish


def _engine(url: str) -> Engine:
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            # SQLAlchemy emits BEGIN itself (the pysqlite recipe), so that every transaction
            # starts with BEGIN IMMEDIATE: imports queue one behind the other instead of
            # reading a state another import is about to change.
            connection.isolation_level = None
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        event.listen(engine, "before_cursor_execute", yield_to_main_thread)
        return engine
    return create_engine(url)


def _finess_lock_key(finess: str) -> int:
    """A stable 64-bit PostgreSQL advisory lock key for one FINESS."""
    digest = hashlib.sha256(f"hospiperf-ars:{finess}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _prepare_schema(engine: Engine) -> None:
    """Create a new database or upgrade an older one, in one transaction, one at a time."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        tables = set(inspect(connection).get_table_names())
        if tables and not any(name.startswith("ars_") for name in tables):
            raise DatabaseError(
                "this database holds other tables and is not a consolidation database"
                " (an establishment's HospiPerf file?): nothing was changed; give a new file"
                " or an empty database"
            )
        version: int | None = None
        if "ars_schema" in tables:
            version = connection.scalar(select(func.max(ArsSchema.version)))
        if version is None and "ars_bundles" in tables:
            version = 1
        if version is not None and version > ARS_SCHEMA_VERSION:
            raise DatabaseError(
                f"the consolidation database has schema {version}, made by a newer HospiPerf"
                f" (this one knows up to {ARS_SCHEMA_VERSION}): update the application"
            )
        ArsBase.metadata.create_all(connection)
        if version is not None and version < 2:
            _upgrade_to_2(connection)
        if version != ARS_SCHEMA_VERSION:
            connection.execute(insert(ArsSchema).values(version=ARS_SCHEMA_VERSION))


def _upgrade_to_2(connection: Connection) -> None:
    """Schema 1 → 2: each current bundle holds every module; rival current bundles (left by
    the unlocked imports of schema 1) give way to the newest, whose figures alone remain."""
    rows = connection.execute(
        select(ImportedBundle.id, ImportedBundle.finess, ImportedBundle.period)
        .where(ImportedBundle.current == true())
        .order_by(
            ImportedBundle.finess,
            ImportedBundle.period,
            ImportedBundle.created.desc(),
            ImportedBundle.uuid.desc(),
        )
    ).all()
    kept: set[tuple[str, str]] = set()
    for bundle_id, finess, period in rows:
        if (finess, period) in kept:
            _log.warning(
                "ARS upgrade: bundle %s of %s %s is no longer current", bundle_id, finess, period
            )
            connection.execute(
                update(ImportedBundle).where(ImportedBundle.id == bundle_id).values(current=False)
            )
            for table in MODULE_TABLES.values():
                connection.execute(delete(table).where(table.bundle_id == bundle_id))
            continue
        kept.add((finess, period))
        connection.execute(
            insert(BundleModule),
            [
                {"bundle_id": bundle_id, "finess": finess, "period": period, "module": module}
                for module in MODULES
            ],
        )


class Consolidation:
    """One consolidation database, created on first use, upgraded when older."""

    def __init__(self, url: str, actor: str = "ARS") -> None:
        self.url = url
        self.actor = actor
        try:
            self._engine = _engine(url)
            _prepare_schema(self._engine)
        except DatabaseError:
            raise
        except Exception as err:  # a bad URL, an unreachable server, a refused login
            raise DatabaseError(f"cannot open the consolidation database: {err}") from err
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        # Fingerprints on the ARS's own revocation list (`ars import --revocations FILE`):
        # a bundle they sign is refused even when the key is still in the registry.
        self.revoked: frozenset[str] = frozenset()

    def close(self) -> None:
        self._engine.dispose()

    # --- trusted keys ---------------------------------------------------------------------

    def trust(self, keys: Iterable[PublicKey]) -> int:
        """Add keys to the registry; returns how many were new. A key whose FINESS is not a
        FINESS number refuses the whole call (nothing added)."""
        keys = list(keys)
        issues = [
            FieldIssue("finess", problem.code, f"{key.finess[:20]!r}: {problem.message}")
            for key in keys
            if (problem := _finess_problem(key.finess)) is not None
        ]
        if issues:
            raise ValidationError(issues)
        try:
            return self._add_keys(keys)
        except IntegrityError:
            raise ConflictError(
                "another session added keys at the same time; nothing was added, try again",
                "conflict",
            ) from None

    def _add_keys(self, keys: list[PublicKey]) -> int:
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

    def trust_successor(self, successor: KeySuccessor) -> PublicKey:
        """Trust an establishment's new key because the key already trusted for its FINESS
        signed it (docs/key-successor.md). The old key stays trusted, so that bundles it
        signed still verify; remove it with `untrust` when it must no longer be accepted."""
        problem = _finess_problem(successor.finess)
        if problem is not None:
            raise ValidationError([FieldIssue("finess", problem.code, problem.message)])
        if self.revoked & {successor.old.fingerprint, successor.new.fingerprint}:
            # A stolen computer's key can sign a successor too: once the ARS has revoked
            # it, only a key read out over the phone replaces it (`ars keys --add`).
            raise ConflictError(
                "the key that signed this successor, or the new key, is on the revocation"
                " list given: nothing was trusted; call the establishment to read the new"
                " key's fingerprint and add it with --add",
                "revoked_key",
            )
        trusted = {key.fingerprint for key in self.trusted().get(successor.finess, [])}
        if successor.old.fingerprint not in trusted:
            raise ConflictError(
                f"the key that signed this successor is not trusted for {successor.finess}:"
                " call the establishment to read the new key's fingerprint",
                "unknown_previous_key",
            )
        if not successor.verifies():
            raise ConflictError(
                "the successor's signature does not verify: the file was changed or not"
                " signed by the previous key",
                "bad_successor_signature",
            )
        try:
            self._add_keys([successor.new])
        except IntegrityError:
            raise ConflictError(
                "another session added keys at the same time; nothing was added, try again",
                "conflict",
            ) from None
        return successor.new

    def trusted(self) -> dict[str, list[PublicKey]]:
        with self._sessions() as session:
            out: dict[str, list[PublicKey]] = {}
            for row in session.scalars(select(TrustedKey).order_by(TrustedKey.finess)):
                if _finess_problem(row.finess) is not None:
                    continue  # registered before FINESS numbers were checked: never matches
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

    def verify(self, path: Path, limits: Limits | None = None) -> VerifiedBundle:
        """What `import_bundles` checks before writing, against the trusted keys, writing
        nothing: raises BundleRejected with the first problem."""
        return check_bundle(path, self.trusted(), limits)

    def import_bundles(
        self,
        paths: Sequence[Path],
        limits: Limits | None = None,
        progress: Progress | None = None,
        on_outcome: Callable[[Path, ImportOutcome], None] | None = None,
    ) -> list[ImportOutcome]:
        """Import each bundle on its own: one transaction each, a refusal stops nothing.

        `on_outcome` is called after each bundle (ars/receipts.py writes its receipt there)."""
        progress = progress or NullProgress()
        trusted = self.trusted()
        outcomes = []
        for index, path in enumerate(paths):
            progress.check_cancelled()
            progress.report(index, len(paths), path.name)
            outcome = self._import_isolated(path, trusted, limits)
            if on_outcome is not None:
                on_outcome(path, outcome)
            outcomes.append(outcome)
        progress.report(len(paths), len(paths), "")
        return outcomes

    def _import_isolated(
        self, path: Path, trusted: dict[str, list[PublicKey]], limits: Limits | None
    ) -> ImportOutcome:
        try:
            return self._import_one(path, trusted, limits)
        except BundleRejected as err:
            message = str(err)
            if not message.startswith(path.name):
                message = f"{path.name}: {message}"
            return ImportOutcome(path.name, "refused", err.reason, message, failures=err.failures)
        except Exception as err:  # one bundle's failure never stops the batch
            _log.exception("ARS import of %s failed", path)
            message = (
                f"{path.name}: could not be imported ({type(err).__name__}); nothing of it was"
                " stored"
            )
            return ImportOutcome(
                path.name,
                "refused",
                "import_failed",
                message,
                failures=(("import_failed", message),),
            )

    def _import_one(
        self, path: Path, trusted: dict[str, list[PublicKey]], limits: Limits | None
    ) -> ImportOutcome:
        verified = verify_bundle(path, trusted, limits)
        info = verified.info
        uuid, finess, period = info["Bundle-UUID"], info["FINESS"], info["Period"]

        def refused(
            reason: str,
            message: str,
            modules: tuple[str, ...] = (),
            failures: tuple[tuple[str, str], ...] = (),
        ) -> ImportOutcome:
            return ImportOutcome(
                path.name,
                "refused",
                reason,
                message,
                uuid,
                finess,
                period,
                modules=modules,
                failures=failures or ((reason, message),),
            )

        if verified.key.fingerprint in self.revoked:
            return refused(
                "revoked_key",
                f"{path.name}: signed by key {verified.key.fingerprint[:16]}…, which the"
                " revocation list given revokes; nothing was stored",
            )
        try:
            payload = read_payload(verified)  # every document checked before any write
        except BundleRejected as err:  # every document's problem, not just the first
            failures = tuple((reason, f"{path.name}: {text}") for reason, text in err.failures)
            return refused(err.reason, f"{path.name}: {err}", failures=failures)
        from hospiperf_desktop.bundles.personal_data import scan_payload_files

        findings = scan_payload_files([*verified.json.items(), *verified.csv.items()])
        if findings:
            shown = "; ".join(f"{f.field} ({f.kind})" for f in findings[:5])
            return refused(
                "personal_data",
                f"{path.name}: {len(findings)} text(s) could identify a patient: {shown}",
                payload.modules,
                tuple(
                    ("personal_data", f"{path.name}: {f.field} ({f.kind})") for f in findings[:50]
                ),
            )
        arrival = _Arrival(
            path.name,
            datetime.fromisoformat(info["Created"]).astimezone(UTC).replace(tzinfo=None),
            audit_anchor(info),
            _file_sha256(path),
            path.stat().st_size,
        )
        try:
            with self._sessions.begin() as session:
                _lock_finess(session, finess)
                return self._consolidate(session, verified, payload, arrival)
        except IntegrityError:
            return refused(
                "conflict",
                f"{path.name}: another import changed {finess}, period {period} at the same"
                " time; nothing was stored, import it again",
                payload.modules,
            )

    def _consolidate(
        self, session: Session, verified: VerifiedBundle, payload: Payload, arrival: _Arrival
    ) -> ImportOutcome:
        """Inside the FINESS's lock: refuse a replay or an older bundle, else let this bundle's
        modules replace the current ones."""
        info = verified.info
        uuid, finess, period = info["Bundle-UUID"], info["FINESS"], info["Period"]
        name, created = arrival.file_name, arrival.created

        def refused(reason: str, message: str) -> ImportOutcome:
            return ImportOutcome(
                name,
                "refused",
                reason,
                message,
                uuid,
                finess,
                period,
                modules=payload.modules,
                failures=((reason, message),),
            )

        same = session.scalar(select(ImportedBundle).where(ImportedBundle.uuid == uuid))
        if same is not None:
            return refused(
                "already_imported",
                f"{name}: bundle {uuid} was imported on {same.imported_at:%d/%m/%Y %H:%M}"
                f" by {same.imported_by}",
            )
        rivals = session.execute(
            select(BundleModule, ImportedBundle)
            .join(ImportedBundle, BundleModule.bundle_id == ImportedBundle.id)
            .where(
                BundleModule.finess == finess,
                BundleModule.period == period,
                BundleModule.current == true(),
                BundleModule.module.in_(payload.modules),
            )
        ).all()
        newer = [old for _, old in rivals if (old.created, old.uuid) > (created, uuid)]
        if newer:
            current = max(newer, key=lambda b: (b.created, b.uuid))
            return refused(
                "older_than_current",
                f"{name}: made on {created:%d/%m/%Y %H:%M}, older than bundle"
                f" {current.uuid} of {current.created:%d/%m/%Y %H:%M} already imported for"
                f" {finess}, period {period}",
            )
        replaced: dict[int, ImportedBundle] = {}
        for module_row, old in rivals:
            module_row.current = False
            for table in (
                MODULE_TABLES[module_row.module],
                *MODULE_EXTRA_TABLES.get(module_row.module, ()),
            ):
                session.execute(delete(table).where(table.bundle_id == old.id))
            replaced[old.id] = old
        session.flush()  # the old modules stop being current before the new ones are added
        for old in replaced.values():
            holds = session.scalar(
                select(func.count())
                .select_from(BundleModule)
                .where(BundleModule.bundle_id == old.id, BundleModule.current == true())
            )
            old.current = bool(holds)
        bundle = ImportedBundle(
            uuid=uuid,
            finess=finess,
            name=info["Establishment-Name"],
            period=period,
            created=created,
            software_version=info["Software-Version"],
            fingerprint=info["Public-Key-Fingerprint"],
            file_name=name,
            file_sha256=arrival.sha256,
            size=arrival.size,
            imported_at=datetime.now(UTC).replace(tzinfo=None),
            imported_by=self.actor,
            current=bool(payload.modules),
        )
        session.add(bundle)
        session.flush()
        for module in payload.modules:
            session.add(
                BundleModule(bundle_id=bundle.id, finess=finess, period=period, module=module)
            )
        warning = None
        if arrival.anchor is not None:
            entries, head = arrival.anchor
            warning = _anchor_warning(session, name, finess, created, entries, head)
            session.add(
                AuditAnchor(
                    bundle_uuid=uuid,
                    finess=finess,
                    created=created,
                    entries=entries,
                    head_hash=head,
                    received_at=bundle.imported_at,
                )
            )
        _store(session, bundle, payload)
        session.flush()
        replaced_uuids = ", ".join(sorted(b.uuid for b in replaced.values())) or None
        return ImportOutcome(
            name,
            "imported",
            "ok",
            f"{name}: imported",
            uuid,
            finess,
            period,
            replaced_uuids,
            warning,
            modules=payload.modules,
        )

    def anchors(self, finess: str | None = None) -> list[dict[str, Any]]:
        """The audit anchors received, oldest first (for one FINESS, or all)."""
        with self._sessions() as session:
            query = select(AuditAnchor).order_by(AuditAnchor.finess, AuditAnchor.created)
            if finess is not None:
                query = query.where(AuditAnchor.finess == finess)
            return [
                {
                    "finess": a.finess,
                    "bundle_uuid": a.bundle_uuid,
                    "created": a.created,
                    "entries": a.entries,
                    "head_hash": a.head_hash,
                    "received_at": a.received_at,
                }
                for a in session.scalars(query)
            ]

    def last_anchors(self) -> list[dict[str, Any]]:
        """Per establishment, the last audit anchor received (the newest bundle's)."""
        last: dict[str, dict[str, Any]] = {}
        for anchor in self.anchors():  # oldest first per FINESS
            last[anchor["finess"]] = anchor
        return [last[finess] for finess in sorted(last)]

    def session(self) -> Session:
        """A session on the consolidation (for ars/receipts.py); the caller owns it."""
        return self._sessions()

    def benchmarks(self) -> list[Distribution]:
        """The regional distributions (library/benchmarks.py) over the current bundles."""
        from hospiperf_desktop.ars.benchmarks import regional_distributions

        with self._sessions() as session:
            return regional_distributions(session)

    # --- views ----------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """Regional views over the current bundles, as plain rows."""
        with self._sessions() as session:
            current_modules: dict[int, list[str]] = {}
            for bundle_id, module in session.execute(
                select(BundleModule.bundle_id, BundleModule.module).where(
                    BundleModule.current == true()
                )
            ):
                current_modules.setdefault(bundle_id, []).append(module)
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
                    "current_modules": sorted(current_modules.get(b.id, ())),
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
            checks = _checks_view(session)
            unusual = stock_unusual.view(session)
        return {
            "establishments": establishments,
            "bundles": bundles,
            "diagnostic_scores": scores,
            "work_units": work_units,
            "coverage": coverage,
            "stock_unusual": unusual,
            "purchasing": purchasing,
            "checks": checks,
            "audit_anchors": self.anchors(),
        }


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _store(session: Session, bundle: ImportedBundle, payload: Payload) -> None:
    """Write the validated figures of `bundle` (the schemas guarantee keys and types)."""
    establishment = payload.establishment
    row = session.get(EstablishmentRow, bundle.finess)
    if row is None:
        row = EstablishmentRow(finess=bundle.finess)
        session.add(row)
    if row.last_bundle_at is None or row.last_bundle_at <= bundle.created:
        row.name = bundle.name
        row.kind = establishment["kind"]
        row.region = establishment.get("region")
        row.beds = establishment.get("beds")
        row.last_bundle_at = bundle.created
    for diagnostic in payload.diagnostics:
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
    for year, reports in payload.work_units.items():
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
    for year, values in payload.activity.items():
        for measure, entry in values.items():
            session.add(
                ActivityValueRow(
                    bundle_id=bundle.id,
                    finess=bundle.finess,
                    year=year,
                    measure=measure,
                    value=entry["value"],
                )
            )
    stock = payload.stock
    if stock:
        for coverage in stock["coverage"]:
            session.add(
                CoverageRow(
                    bundle_id=bundle.id,
                    finess=bundle.finess,
                    at=stock["at"],
                    category=coverage["category"],
                    location=coverage["location"],
                    stock_value=coverage["stock_value"],
                    coverage_weeks=coverage["coverage_weeks"],
                    target_weeks=coverage["target_weeks"],
                )
            )
        stock_unusual.store(session, bundle, stock)
    _store_checks(session, bundle, payload.checks)
    for scenario in payload.scenarios:
        if scenario["calculator"] == "sterilisation":
            _store_sterilisation(session, bundle, scenario)
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
                accepted=int(result["accepted"]),
                rejected=int(result["rejected"]),
            )
        )


def _ratio(value: Any) -> float | None:
    """A study's ratio as the benchmarks take it: a finite number from 0 to 1e12, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and 0 <= value <= 1e12 else None


def _store_sterilisation(
    session: Session, bundle: ImportedBundle, scenario: dict[str, Any]
) -> None:
    """A sterilisation study's cost per UO Sté and UO Sté per FTE (the bundle schema does not
    check a study's result: a study without a year or with no usable ratio is left out)."""
    result = scenario["result"]
    year = result.get("year") if isinstance(result, dict) else None
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        return
    cost, per_fte = _ratio(result.get("cost_per_uo")), _ratio(result.get("uo_per_fte"))
    if cost is None and per_fte is None:
        return
    version = result.get("table_version")
    session.add(
        SterilisationStudyRow(
            bundle_id=bundle.id,
            finess=bundle.finess,
            scenario=str(scenario["name"])[:120],
            year=year,
            cost_per_uo=cost,
            uo_per_fte=per_fte,
            table_version=version[:60] if isinstance(version, str) else "",
        )
    )


def _store_checks(session: Session, bundle: ImportedBundle, checks: dict[str, Any] | None) -> None:
    """The checks run before signing (absent from a bundle of format 1)."""
    if checks is None:
        return
    rules = f"{checks['rules']['id']} {checks['rules']['version']}"
    for result in checks["results"]:
        session.add(
            CheckRow(
                bundle_id=bundle.id,
                finess=bundle.finess,
                rules=rules,
                check_id=result["id"],
                rule=result["rule"],
                status=result["status"],
                message=result["message"],
                justification=result.get("justification"),
                justified_when=result.get("justified_when"),
            )
        )


def _checks_view(session: Session) -> list[dict[str, Any]]:
    """The checks of the current bundles, warnings first (the ARS report)."""
    order = {"warning": 0, "justified": 1, "ok": 2}
    rows = session.execute(
        select(CheckRow, ImportedBundle)
        .join(ImportedBundle, CheckRow.bundle_id == ImportedBundle.id)
        .where(ImportedBundle.current == true())
        .order_by(CheckRow.finess, ImportedBundle.period, CheckRow.id)
    ).all()
    out = [
        {
            "finess": c.finess,
            "period": b.period,
            "bundle_uuid": b.uuid,
            "rules": c.rules,
            "check": c.check_id,
            "status": c.status,
            "message": c.message,
            "justification": c.justification,
            "justified_when": c.justified_when,
        }
        for c, b in rows
    ]
    return sorted(out, key=lambda r: (r["finess"], r["period"], order.get(r["status"], 3)))
