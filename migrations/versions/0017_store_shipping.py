"""what each store offers for shipping, and products' packed size

Revision ID: 0017
Revises: 0016 (addresses)

- store_shipping: one row per store that set its shipping up: origin (Kemendagri district,
  postal code, street), pickup (shop or expo booth, hours, instructions, cash on delivery),
  its own local delivery (free above, days, cash on delivery) and couriers (services as JSON).
- store_local_rates: the store's flat price per district of its own regency or city.
- products.length_cm, width_cm, height_cm (NULL for the products that exist); a weight of 0
  grams, which the old form accepted, becomes NULL: no weight is known.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "store_shipping",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("origin_district_code", sa.String(length=13), nullable=True),
        sa.Column("origin_postal_code", sa.String(length=5), nullable=True),
        sa.Column("origin_address", sa.String(length=255), nullable=False),
        sa.Column("pickup_enabled", sa.Boolean(), nullable=False),
        sa.Column("pickup_place", sa.String(length=10), nullable=False),
        sa.Column("pickup_address", sa.String(length=255), nullable=False),
        sa.Column("pickup_hours", sa.String(length=120), nullable=False),
        sa.Column("pickup_instructions", sa.Text(), nullable=False),
        sa.Column("pickup_cod", sa.Boolean(), nullable=False),
        sa.Column("local_enabled", sa.Boolean(), nullable=False),
        sa.Column("local_free_above", sa.Integer(), nullable=True),
        sa.Column("local_etd_min", sa.Integer(), nullable=False),
        sa.Column("local_etd_max", sa.Integer(), nullable=False),
        sa.Column("local_cod", sa.Boolean(), nullable=False),
        sa.Column("couriers_enabled", sa.Boolean(), nullable=False),
        sa.Column("courier_services", sa.Text(), nullable=False),
        sa.Column("courier_cod", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "local_free_above IS NULL OR local_free_above > 0", name=op.f("ck_store_shipping_free_above_positive")
        ),
        sa.CheckConstraint(
            "local_etd_min >= 0 AND local_etd_max >= local_etd_min", name=op.f("ck_store_shipping_local_etd")
        ),
        sa.CheckConstraint("pickup_place IN ('shop','booth')", name=op.f("ck_store_shipping_pickup_place")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_shipping_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_store_shipping")),
    )
    op.create_table(
        "store_local_rates",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=13), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_store_local_rates_price_nonnegative")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_local_rates_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "district_code", name=op.f("pk_store_local_rates")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("length_cm", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("width_cm", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height_cm", sa.Integer(), nullable=True))
    op.execute("UPDATE products SET weight_grams = NULL WHERE weight_grams <= 0")


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("height_cm")
        batch_op.drop_column("width_cm")
        batch_op.drop_column("length_cm")
    op.drop_table("store_local_rates")
    op.drop_table("store_shipping")
