"""shipping plugins: the rate table (shipping_table) and Biteship's bookings and webhook events

Revision ID: 0018
Revises: 0017

- shipping_table_rates: one row per owner (NULL: the marketplace; else a store), courier,
  service, origin (NULL: any) and destination region code; unique over coalesce(store_id, 0)
  and coalesce(origin_code, '') so NULLs count as one owner and one origin.
- biteship_shipments: our order and Biteship's order id, courier, waybill.
- biteship_events: webhook events by key, applied once.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shipping_table_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("courier", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("origin_code", sa.String(length=13), nullable=True),
        sa.Column("destination_code", sa.String(length=13), nullable=False),
        sa.Column("first_kg", sa.BigInteger(), nullable=False),
        sa.Column("next_kg", sa.BigInteger(), nullable=False),
        sa.Column("etd_min_days", sa.Integer(), nullable=False),
        sa.Column("etd_max_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("first_kg > 0 AND next_kg >= 0", name=op.f("ck_shipping_table_rates_prices")),
        sa.CheckConstraint(
            "etd_min_days >= 0 AND etd_max_days >= etd_min_days", name=op.f("ck_shipping_table_rates_etd")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_shipping_table_rates_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_table_rates")),
    )
    with op.batch_alter_table("shipping_table_rates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipping_table_rates_store_id"), ["store_id"], unique=False)
        batch_op.create_index("ix_shipping_table_rates_lookup", ["courier", "destination_code"], unique=False)
    op.create_index(
        "uq_shipping_table_rates_key",
        "shipping_table_rates",
        [
            sa.text("coalesce(store_id, 0)"),
            "courier",
            "service",
            sa.text("coalesce(origin_code, '')"),
            "destination_code",
        ],
        unique=True,
    )

    op.create_table(
        "biteship_shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("biteship_id", sa.String(length=64), nullable=False),
        sa.Column("courier", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("waybill", sa.String(length=80), nullable=True),
        sa.Column("tracking_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_biteship_shipments_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_biteship_shipments")),
        sa.UniqueConstraint("biteship_id", name=op.f("uq_biteship_shipments_biteship_id")),
        sa.UniqueConstraint("order_id", name=op.f("uq_biteship_shipments_order_id")),
    )
    with op.batch_alter_table("biteship_shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_biteship_shipments_waybill"), ["waybill"], unique=False)

    op.create_table(
        "biteship_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_biteship_events_order_id_orders"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_biteship_events")),
        sa.UniqueConstraint("key", name=op.f("uq_biteship_events_key")),
    )
    with op.batch_alter_table("biteship_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_biteship_events_order_id"), ["order_id"], unique=False)


def downgrade():
    op.drop_table("biteship_events")
    op.drop_table("biteship_shipments")
    op.drop_index("uq_shipping_table_rates_key", table_name="shipping_table_rates")
    op.drop_table("shipping_table_rates")
