"""SQLAlchemy ORM models of the local database. Only storage and services see these rows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Establishment(Base):
    __tablename__ = "establishments"
    __table_args__ = (
        CheckConstraint("beds IS NULL OR beds >= 0", name="beds_not_negative"),
        CheckConstraint("care_units IS NULL OR care_units >= 0", name="care_units_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finess: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(80))
    overseas: Mapped[bool] = mapped_column(default=False)
    ght_name: Mapped[str | None] = mapped_column(String(200))
    is_ght_support: Mapped[bool] = mapped_column(default=False)
    beds: Mapped[int | None]
    care_units: Mapped[int | None]
    legal_entity_finess: Mapped[str | None] = mapped_column(String(9))
    # Demonstration data: removable in one action, never mixed with the user's own.
    fictitious: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UserProfile(Base):
    __tablename__ = "user_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    fictitious: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]


class Setting(Base):
    """Small key/value settings that belong with the data (current profile, first run)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One change, chained to the previous entry by `prev_hash`. Triggers forbid edits."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    recorded_at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The single row naming the last audit entry, so that a deleted tail is detected."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"))
    last_hash: Mapped[str] = mapped_column(String(64))


class TemplateSnapshot(Base):
    """The exact questionnaire file a diagnostic was answered with, kept forever."""

    __tablename__ = "template_snapshots"
    __table_args__ = (UniqueConstraint("template_id", "version", "sha256", name="uq_snapshot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime]


class InstalledQuestionnaire(Base):
    """A questionnaire version a user installed (from a workbook or a reference package).

    Its exact file is kept here so that backups and a move to a new computer carry it. A
    version is never replaced nor deleted once a diagnostic uses it; `retired` only hides it
    from the list offered for new diagnostics.
    """

    __tablename__ = "installed_questionnaires"
    __table_args__ = (
        UniqueConstraint("template_id", "version", name="uq_installed_version"),
        CheckConstraint("origin_kind IN ('workbook', 'package')", name="origin_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(20))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    origin_kind: Mapped[str] = mapped_column(String(16))
    origin_source: Mapped[str] = mapped_column(String(300))
    installed_by: Mapped[str] = mapped_column(String(160))
    installed_at: Mapped[datetime]
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())


class Diagnostic(Base):
    __tablename__ = "diagnostics"
    __table_args__ = (CheckConstraint("status IN ('draft', 'validated')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT"), index=True
    )
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("template_snapshots.id"))
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    author: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    validated_at: Mapped[datetime | None]
    validated_by: Mapped[str | None] = mapped_column(String(160))


class DiagnosticAnswer(Base):
    """One item's answer and comment; an item with no row is unanswered."""

    __tablename__ = "diagnostic_answers"

    diagnostic_id: Mapped[int] = mapped_column(
        ForeignKey("diagnostics.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(160))
    answered_at: Mapped[datetime]


class EvidenceFile(Base):
    """A file attached to an item as evidence, stored in the database with its SHA-256."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(
        ForeignKey("diagnostics.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    # Loaded only when the file itself is asked for, not when evidence is listed.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_by: Mapped[str] = mapped_column(String(160))
    added_at: Mapped[datetime]


class PlanAction(Base):
    """One action of a diagnostic's plan; it stays when the diagnostic is validated."""

    __tablename__ = "plan_actions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('todo', 'in_progress', 'done', 'abandoned')", name="status_known"
        ),
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(
        ForeignKey("diagnostics.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(16))
    action_index: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    interest: Mapped[str] = mapped_column(String(8))
    difficulty: Mapped[str] = mapped_column(String(8))
    delay: Mapped[str] = mapped_column(String(8))
    indicator: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(160), default="")
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="todo")
    priority: Mapped[int]
    priority_overridden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Product(Base):
    """A health product as the establishment's pharmacy software names it."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("establishment_id", "code", name="uq_product_code"),
        CheckConstraint(
            "category IN ('medicament', 'solute', 'dms', 'dmi', 'magasin_general')",
            name="category_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT")
    )
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(20))
    mitm: Mapped[bool] = mapped_column(default=False)
    has_substitute: Mapped[bool] = mapped_column(default=False)  # said by the pharmacist
    unit_price: Mapped[float | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Supplier(Base):
    """A supplier of an establishment, with the lead time its deliveries take."""

    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("establishment_id", "name_key", name="uq_supplier_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    lead_time_profile: Mapped[str] = mapped_column(String(40))
    lead_time_days: Mapped[float | None]
    lead_time_sd_days: Mapped[float | None]


class ProductSupplier(Base):
    __tablename__ = "product_suppliers"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StockImport(Base):
    """One imported file: what, when, by whom, and its SHA-256 so it is not counted twice."""

    __tablename__ = "stock_imports"
    __table_args__ = (
        CheckConstraint("kind IN ('snapshot', 'movements')", name="kind_known"),
        Index("ix_stock_imports_hash", "establishment_id", "kind", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int]
    first_date: Mapped[date | None]
    last_date: Mapped[date | None]
    mapping: Mapped[str] = mapped_column(Text)
    imported_by: Mapped[str] = mapped_column(String(160))
    imported_at: Mapped[datetime]


class StockLine(Base):
    """One line of a stock snapshot: a product's quantity at a location on a date."""

    __tablename__ = "stock_lines"
    __table_args__ = (
        Index("ix_stock_lines_when", "establishment_id", "snapshot_date", "location_key"),
        CheckConstraint("location_kind IN ('central', 'care_unit')", name="location_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("stock_imports.id", ondelete="CASCADE"), index=True
    )
    establishment_id: Mapped[int]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    snapshot_date: Mapped[date]
    location: Mapped[str] = mapped_column(String(120))
    location_kind: Mapped[str] = mapped_column(String(16))
    location_key: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[float]
    unit_price: Mapped[float]
    value: Mapped[float]
    lot: Mapped[str] = mapped_column(String(60))
    expiry_date: Mapped[date | None]


class CareUnit(Base):
    """A care unit (UF) that movements deliver to, named as the pharmacy software names it."""

    __tablename__ = "care_units"
    __table_args__ = (UniqueConstraint("establishment_id", "key", name="uq_care_unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120))


class StockMovement(Base):
    """One movement: quantities in (receipts) and out (deliveries to care units) on a day.

    Kept lean for bulk inserts: one index (establishment, day) serves every window query;
    care unit and supplier are ids without a foreign key (each one would cost a lookup per
    inserted row; only the importer writes them, from ids it has just read or created, and
    neither table ever loses a row).
    """

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_when", "establishment_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("stock_imports.id", ondelete="CASCADE"))
    establishment_id: Mapped[int]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    day: Mapped[date]
    quantity_in: Mapped[float]
    quantity_out: Mapped[float]
    value_in: Mapped[float]
    value_out: Mapped[float]
    care_unit_id: Mapped[int | None]
    supplier_id: Mapped[int | None]
    lot: Mapped[str] = mapped_column(String(60))


class ImportMapping(Base):
    """A named column mapping, reused for the next export of the same software."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    columns: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class Shortage(Base):
    """A supply shortage of a product: when, why, what replaced it."""

    __tablename__ = "shortages"

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    cause: Mapped[str] = mapped_column(Text, default="")
    substitute: Mapped[str] = mapped_column(Text, default="")
    supplier_changed: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(160))
    recorded_at: Mapped[datetime]


class ActivityValue(Base):
    """One activity value of an establishment: a year (month 0) or one month of it."""

    __tablename__ = "activity_values"
    __table_args__ = (
        UniqueConstraint("establishment_id", "year", "month", "measure_id"),
        CheckConstraint("month BETWEEN 0 AND 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT")
    )
    year: Mapped[int]
    month: Mapped[int] = mapped_column(default=0)
    measure_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[float]
    # Why an unusual value (outside the plausible range, or far from N-1) was confirmed.
    justification: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(160))
    updated_at: Mapped[datetime]


class UoLocalTable(Base):
    """A user's copy of a shipped work-unit table, with its own coefficients and lines."""

    __tablename__ = "uo_local_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[str] = mapped_column(String(80), unique=True)
    content: Mapped[str] = mapped_column(Text)  # the table as JSON (uo_tables.to_dict)
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UoResultRecord(Base):
    """A work-unit result kept for the record, with the table version that produced it."""

    __tablename__ = "uo_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT"), index=True
    )
    year: Mapped[int]
    table_id: Mapped[str] = mapped_column(String(80))
    table_version: Mapped[str] = mapped_column(String(60))
    total: Mapped[float]
    content: Mapped[str] = mapped_column(Text)  # the result as JSON
    recorded_by: Mapped[str] = mapped_column(String(160))
    recorded_at: Mapped[datetime]


class CalculatorScenario(Base):
    """A named set of calculator inputs kept for an establishment, with its last result."""

    __tablename__ = "calculator_scenarios"
    __table_args__ = (UniqueConstraint("calculator", "establishment_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calculator: Mapped[str] = mapped_column(String(20))
    establishment_id: Mapped[int] = mapped_column(
        ForeignKey("establishments.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    inputs: Mapped[str] = mapped_column(Text)  # JSON
    result: Mapped[str] = mapped_column(Text)  # JSON, as computed when saved
    params_version: Mapped[str] = mapped_column(String(40))
    saved_by: Mapped[str] = mapped_column(String(160))
    saved_at: Mapped[datetime]


class ReferencePackageRecord(Base):
    """A reference package from the ARS or the OMEDIT, as installed (docs/reference-packages.md)."""

    __tablename__ = "reference_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # reference | benchmarks | revocations
    publisher: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))
    signer_fingerprint: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    installed_by: Mapped[str] = mapped_column(String(160))
    installed_at: Mapped[datetime]


class ReferenceItemRecord(Base):
    """One item of a package (a questionnaire, UO table, rule pack, benchmarks, revocation
    list), kept with its exact bytes; one row per kind, id and version, never changed, so
    what was made with a version can always be read with it. `current` marks the version in
    force for new work."""

    __tablename__ = "reference_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("reference_packages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    current: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("kind", "item_id", "version"),)


class BundleExportRecord(Base):
    """A bundle this desktop signed and wrote (`bundle export`): the ledger's "envoyé"."""

    __tablename__ = "bundle_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    finess: Mapped[str] = mapped_column(String(9), index=True)
    period: Mapped[str] = mapped_column(String(40))
    modules: Mapped[str] = mapped_column(Text)  # JSON list
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime]


class BundleReceiptRecord(Base):
    """A receipt from the ARS, recorded after its signature was checked (docs/receipts.md).

    Kept whole (the signed file's bytes) so that it can be shown or verified again later."""

    __tablename__ = "bundle_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    bundle_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    finess: Mapped[str | None] = mapped_column(String(9))
    period: Mapped[str | None] = mapped_column(String(40))
    verdict: Mapped[str] = mapped_column(String(10))  # accepted | refused
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of {code, message, next_step, detail}
    issued_at: Mapped[str] = mapped_column(String(40))
    authority: Mapped[str] = mapped_column(String(200))
    signed: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    recorded_at: Mapped[datetime]
