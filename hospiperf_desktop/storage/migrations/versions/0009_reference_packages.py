"""reference packages: installed packages from the ARS and their items

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.Column("signer_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("installed_by", sa.String(length=160), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_packages")),
        sa.UniqueConstraint("uuid", name=op.f("uq_reference_packages_uuid")),
    )
    op.create_table(
        "reference_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["reference_packages.id"],
            name=op.f("fk_reference_items_package_id_reference_packages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_items")),
        sa.UniqueConstraint("kind", "item_id", "version", name=op.f("uq_reference_items_kind")),
    )
    op.create_index(
        op.f("ix_reference_items_package_id"), "reference_items", ["package_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reference_items_package_id"), table_name="reference_items")
    op.drop_table("reference_items")
    op.drop_table("reference_packages")
