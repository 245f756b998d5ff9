"""receipts: the bundles this desktop exported and the ARS's signed receipts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:10:00

Exports made before this revision are only in the audit trail (without their modules or
file hash): the ledger starts with the first export made after it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bundle_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("modules", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_exports")),
        sa.UniqueConstraint("uuid", name=op.f("uq_bundle_exports_uuid")),
    )
    op.create_index(op.f("ix_bundle_exports_finess"), "bundle_exports", ["finess"], unique=False)
    op.create_table(
        "bundle_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_uuid", sa.String(length=36), nullable=False),
        sa.Column("bundle_uuid", sa.String(length=36), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=True),
        sa.Column("period", sa.String(length=40), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.String(length=40), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("signed", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_receipts")),
        sa.UniqueConstraint("receipt_uuid", name=op.f("uq_bundle_receipts_receipt_uuid")),
    )
    op.create_index(
        op.f("ix_bundle_receipts_bundle_uuid"), "bundle_receipts", ["bundle_uuid"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bundle_receipts_bundle_uuid"), table_name="bundle_receipts")
    op.drop_table("bundle_receipts")
    op.drop_index(op.f("ix_bundle_exports_finess"), table_name="bundle_exports")
    op.drop_table("bundle_exports")
