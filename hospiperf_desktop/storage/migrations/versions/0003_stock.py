"""stock: products, suppliers, care units, imports, snapshot lines, movements, mappings, shortages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:39:59.430443
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("name", name=op.f("uq_import_mappings_name")),
    )
    op.create_table(
        "care_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_care_units_establishment_id_establishments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_units")),
        sa.UniqueConstraint("establishment_id", "key", name="uq_care_unit_key"),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("mitm", sa.Boolean(), nullable=False),
        sa.Column("has_substitute", sa.Boolean(), nullable=False),
        sa.Column("unit_price", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "category IN ('medicament', 'solute', 'dms', 'dmi', 'magasin_general')",
            name=op.f("ck_products_category_known"),
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_products_establishment_id_establishments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("establishment_id", "code", name="uq_product_code"),
    )
    op.create_table(
        "stock_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("imported_by", sa.String(length=160), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('snapshot', 'movements')", name=op.f("ck_stock_imports_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_stock_imports_establishment_id_establishments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_imports")),
    )
    with op.batch_alter_table("stock_imports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_imports_hash", ["establishment_id", "kind", "sha256"], unique=False
        )

    op.create_table(
        "suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("lead_time_profile", sa.String(length=40), nullable=False),
        sa.Column("lead_time_days", sa.Double(), nullable=True),
        sa.Column("lead_time_sd_days", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_suppliers_establishment_id_establishments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("establishment_id", "name_key", name="uq_supplier_name"),
    )
    op.create_table(
        "product_suppliers",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_suppliers_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_product_suppliers_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "supplier_id", name=op.f("pk_product_suppliers")),
    )
    with op.batch_alter_table("product_suppliers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_suppliers_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "shortages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("substitute", sa.Text(), nullable=False),
        sa.Column("supplier_changed", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=160), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_shortages_establishment_id_establishments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_shortages_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortages")),
    )
    with op.batch_alter_table("shortages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shortages_establishment_id"), ["establishment_id"], unique=False
        )

    op.create_table(
        "stock_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=False),
        sa.Column("location_kind", sa.String(length=16), nullable=False),
        sa.Column("location_key", sa.String(length=120), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("unit_price", sa.Double(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("lot", sa.String(length=60), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "location_kind IN ('central', 'care_unit')",
            name=op.f("ck_stock_lines_location_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["stock_imports.id"],
            name=op.f("fk_stock_lines_import_id_stock_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_lines")),
    )
    with op.batch_alter_table("stock_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_lines_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_lines_product_id"), ["product_id"], unique=False)
        batch_op.create_index(
            "ix_stock_lines_when",
            ["establishment_id", "snapshot_date", "location_key"],
            unique=False,
        )

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quantity_in", sa.Double(), nullable=False),
        sa.Column("quantity_out", sa.Double(), nullable=False),
        sa.Column("value_in", sa.Double(), nullable=False),
        sa.Column("value_out", sa.Double(), nullable=False),
        sa.Column("care_unit_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("lot", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["stock_imports.id"],
            name=op.f("fk_stock_movements_import_id_stock_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_movements_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index("ix_stock_movements_when", ["establishment_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_when")

    op.drop_table("stock_movements")
    with op.batch_alter_table("stock_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_lines_when")
        batch_op.drop_index(batch_op.f("ix_stock_lines_product_id"))
        batch_op.drop_index(batch_op.f("ix_stock_lines_import_id"))

    op.drop_table("stock_lines")
    with op.batch_alter_table("shortages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shortages_establishment_id"))

    op.drop_table("shortages")
    with op.batch_alter_table("product_suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_suppliers_supplier_id"))

    op.drop_table("product_suppliers")
    op.drop_table("suppliers")
    with op.batch_alter_table("stock_imports", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_imports_hash")

    op.drop_table("stock_imports")
    op.drop_table("products")
    op.drop_table("care_units")
    op.drop_table("import_mappings")
