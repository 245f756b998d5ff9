"""questionnaire library: questionnaires installed from workbooks or reference packages

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "installed_questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("origin_kind", sa.String(length=16), nullable=False),
        sa.Column("origin_source", sa.String(length=300), nullable=False),
        sa.Column("installed_by", sa.String(length=160), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "origin_kind IN ('workbook', 'package')",
            name=op.f("ck_installed_questionnaires_origin_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installed_questionnaires")),
        sa.UniqueConstraint(
            "template_id", "version", name=op.f("uq_installed_questionnaires_template_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("installed_questionnaires")
