"""trust: fictitious (demo) establishments and profiles, justification of unusual values

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("establishments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fictitious", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("user_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fictitious", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("activity_values", schema=None) as batch_op:
        batch_op.add_column(sa.Column("justification", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_values", schema=None) as batch_op:
        batch_op.drop_column("justification")
    with op.batch_alter_table("user_profiles", schema=None) as batch_op:
        batch_op.drop_column("fictitious")
    with op.batch_alter_table("establishments", schema=None) as batch_op:
        batch_op.drop_column("fictitious")
