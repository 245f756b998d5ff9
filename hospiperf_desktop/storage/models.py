"""SQLAlchemy ORM models of the local database. Only storage and services see these rows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UserProfile(Base):
    __tablename__ = "user_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(32))
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
