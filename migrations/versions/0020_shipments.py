"""shipping an order: the booking's reference, the parcel's tracking status and its timeline

Revision ID: 0020
Revises: 0019

- orders.shipment_reference: a pickup booked through a shipping plugin, the plugin's own id;
  orders.shipment_status (one of quotes.TRACKING_STATUSES) and orders.shipment_checked_at:
  the latest tracking answer and when a plugin was last asked (the tracking job reads them,
  hence the index on status and shipment_checked_at). Orders that exist: NULL. Only columns
  and an index are added: a constraint would make SQLite copy the orders table, and dropping
  the old one cascades to its order lines and extras (marketplace/shipping/tracking.py keeps
  the status to TRACKING_STATUSES instead).
- shipment_events: the courier's steps, unique per order, time, status and description so
  that asking twice stores each step once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipment_reference", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("shipment_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("shipment_checked_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_orders_tracking"), ["status", "shipment_checked_at"], unique=False)

    op.create_table(
        "shipment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("location", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_shipment_events_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_events")),
        sa.UniqueConstraint(
            "order_id", "at", "status", "description", name=op.f("uq_shipment_events_order_id_at_status_description")
        ),
    )
    with op.batch_alter_table("shipment_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_events_order_id"), ["order_id"], unique=False)


def downgrade():
    with op.batch_alter_table("shipment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_events_order_id"))
    op.drop_table("shipment_events")
    op.drop_index(op.f("ix_orders_tracking"), table_name="orders")
    for column in ("shipment_checked_at", "shipment_status", "shipment_reference"):
        # not batch mode: on SQLite it copies the orders table and drops the old one, and
        # the drop cascades to every order's lines and extras; SQLite 3.35+ drops a column itself
        op.execute(f"ALTER TABLE orders DROP COLUMN {column}")
