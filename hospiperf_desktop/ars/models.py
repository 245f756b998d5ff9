"""Tables of the ARS consolidation database (SQLite file or PostgreSQL server).

A separate metadata from the establishment's database: the two never share a file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, MetaData, String, Text, UniqueConstraint, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# 1: the first schema. 2: ars_bundle_modules (one current bundle per FINESS, period and
# module, enforced by a partial unique index) and ars_audit_anchors. 3: ars_receipts (every
# receipt issued, accepted or refused: the ledger's refusals). Each later table is created by
# `create_all` on an older database; the version row says which schema the database holds.
ARS_SCHEMA_VERSION = 3


class ArsBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ArsSchema(ArsBase):
    __tablename__ = "ars_schema"

    version: Mapped[int] = mapped_column(primary_key=True)


class TrustedKey(ArsBase):
    """A public key the ARS trusts for one FINESS (checked by phone with its fingerprint)."""

    __tablename__ = "ars_trusted_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    finess: Mapped[str] = mapped_column(String(9), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(160))


class ImportedBundle(ArsBase):
    """Who sent what and when; `current` is false once newer bundles replaced all of its
    modules (ars_bundle_modules says which modules it still holds)."""

    __tablename__ = "ars_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    finess: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(40))
    created: Mapped[datetime]
    software_version: Mapped[str] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(160))
    current: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (Index("ix_ars_bundles_finess_period", "finess", "period"),)


class EstablishmentRow(ArsBase):
    __tablename__ = "ars_establishments"

    finess: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(80))
    beds: Mapped[int | None]
    last_bundle_at: Mapped[datetime]


class DiagnosticScore(ArsBase):
    __tablename__ = "ars_diagnostic_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    template_id: Mapped[str] = mapped_column(String(80))
    template_title: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None]
    completion: Mapped[float]
    axes: Mapped[str] = mapped_column(Text)  # JSON


class WorkUnitRow(ArsBase):
    __tablename__ = "ars_work_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    year: Mapped[int]
    table_id: Mapped[str] = mapped_column(String(80))
    table_version: Mapped[str] = mapped_column(String(60))
    total: Mapped[float]
    per_fte: Mapped[float | None]
    per_bed: Mapped[float | None]


class CoverageRow(ArsBase):
    __tablename__ = "ars_coverage"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    at: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(String(20))
    stock_value: Mapped[float]
    coverage_weeks: Mapped[float | None]
    target_weeks: Mapped[float]


class StockUnusualRow(ArsBase):
    """A stock value the establishment confirmed as unusual, with its justification (the
    stock document's `unusual_values`). Replaced with the stock module; a table of its own,
    which `create_all` adds to a database made before it, like `ars_checks`."""

    __tablename__ = "ars_stock_unusual"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    product_code: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(20))
    value: Mapped[float]
    low: Mapped[float | None]
    high: Mapped[float | None]
    justification: Mapped[str] = mapped_column(String(2000))
    origin: Mapped[str] = mapped_column(String(10))  # import | typed
    file: Mapped[str | None] = mapped_column(String(255))
    line: Mapped[int | None]
    column: Mapped[str | None] = mapped_column(String(300))
    day: Mapped[str | None] = mapped_column(String(10))
    confirmed_at: Mapped[str | None] = mapped_column(String(40))


class PurchasingRow(ArsBase):
    __tablename__ = "ars_purchasing"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    scenario: Mapped[str] = mapped_column(String(120))
    reference: Mapped[float]
    gain: Mapped[float]
    performance: Mapped[float | None]
    accepted: Mapped[int]
    rejected: Mapped[int]

    __table_args__ = (UniqueConstraint("bundle_id", "scenario"),)


class SterilisationStudyRow(ArsBase):
    """A saved sterilisation cost study's figures (data/calculators/scenarios.json), for the
    regional benchmarks. A table of its own, which `create_all` adds to a database made
    before it (no schema upgrade); bundles imported before it have no rows here."""

    __tablename__ = "ars_sterilisation_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    scenario: Mapped[str] = mapped_column(String(120))
    year: Mapped[int]
    cost_per_uo: Mapped[float | None]
    uo_per_fte: Mapped[float | None]
    table_version: Mapped[str] = mapped_column(String(60))


class BundleModule(ArsBase):
    """A module (diagnostics, activity, stock, calculators) a bundle brought.

    At most one bundle is current for each FINESS, period and module: the partial unique
    index below makes a second one impossible, whatever the importing code does.
    """

    __tablename__ = "ars_bundle_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    period: Mapped[str] = mapped_column(String(40))
    module: Mapped[str] = mapped_column(String(16))
    current: Mapped[bool] = mapped_column(default=True)


Index(
    "uq_ars_bundle_modules_current",
    BundleModule.finess,
    BundleModule.period,
    BundleModule.module,
    unique=True,
    sqlite_where=BundleModule.current == true(),
    postgresql_where=BundleModule.current == true(),
)


class AuditAnchor(ArsBase):
    """The establishment's audit trail as a bundle stated it when signed (kept for good:
    the establishment can later prove its trail unchanged up to this point)."""

    __tablename__ = "ars_audit_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    finess: Mapped[str] = mapped_column(String(9), index=True)
    created: Mapped[datetime]
    entries: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]


class ActivityValueRow(ArsBase):
    """One dashboard measure of a bundle's activity-<year>.json (the regional benchmarks'
    dashboard distributions are built from these)."""

    __tablename__ = "ars_activity_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    year: Mapped[int]
    measure: Mapped[str] = mapped_column(String(80))
    value: Mapped[float]


class CheckRow(ArsBase):
    """One result of the checks a bundle ran before it was signed (data/checks.json): kept
    with its bundle, shown while the bundle is current. A table of its own, which
    `create_all` adds to a database made before it, so no schema upgrade is needed."""

    __tablename__ = "ars_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("ars_bundles.id"), index=True)
    finess: Mapped[str] = mapped_column(String(9))
    rules: Mapped[str] = mapped_column(String(130))  # "<id> <version>" of the rule pack
    check_id: Mapped[str] = mapped_column(String(120))
    rule: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(String(1000))
    justification: Mapped[str | None] = mapped_column(String(2000))
    justified_when: Mapped[str | None] = mapped_column(String(16))


class ReceiptRow(ArsBase):
    """A receipt the ARS signed and wrote for one bundle (`ars import --receipts DIR`).

    The only record of a refused bundle: its consolidated figures are never written, but the
    ledger must say that it came and why it was refused. `finess`, `period` and `bundle_uuid`
    are what the file claimed when it could not be verified (`verified` false)."""

    __tablename__ = "ars_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    bundle_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    finess: Mapped[str | None] = mapped_column(String(9), index=True)
    period: Mapped[str | None] = mapped_column(String(40))
    modules: Mapped[str] = mapped_column(Text)  # JSON list
    verified: Mapped[bool]
    verdict: Mapped[str] = mapped_column(String(10))  # accepted | refused
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of {code, detail}
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(160))
