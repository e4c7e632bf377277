"""complaints (komplain): complaints about an order, their lines, photos and timeline

Revision ID: 0015
Revises: 0014 (the ledger's accounts)

- complaints: one per complaint; open_order_id (unique, NULL once closed) keeps one open
  complaint per order; due_at is the current step's deadline (the order clock reads it).
- complaint_lines, complaint_photos, complaint_events.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("open_order_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("offer", sa.String(length=10), nullable=True),
        sa.Column("offer_amount", sa.BigInteger(), nullable=True),
        sa.Column("return_needed", sa.Boolean(), nullable=False),
        sa.Column("seller_note", sa.Text(), nullable=True),
        sa.Column("agency_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("return_courier", sa.String(length=60), nullable=True),
        sa.Column("return_tracking", sa.String(length=80), nullable=True),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('awaiting_seller','awaiting_shopper','escalated','awaiting_return','returning',"
            "'resolved','rejected','closed')",
            name=op.f("ck_complaints_status"),
        ),
        sa.CheckConstraint("offer_amount IS NULL OR offer_amount > 0", name=op.f("ck_complaints_offer_positive")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_complaints_decided_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["open_order_id"], ["orders.id"], name=op.f("fk_complaints_open_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_complaints_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_complaints_store_id_stores"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_complaints_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("open_order_id", name=op.f("uq_complaints_open_order_id")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_store_id"), ["store_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_user_id"), ["user_id"], unique=False)

    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_complaint_events_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_events_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "complaint_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("product_name", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refund_amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_complaint_lines_amount_positive")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_complaint_lines_quantity_positive")),
        sa.CheckConstraint(
            "refund_amount >= 0 AND refund_amount <= amount", name=op.f("ck_complaint_lines_refund_within_amount")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_lines_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_complaint_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_lines")),
    )
    with op.batch_alter_table("complaint_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_lines_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_lines_order_line_id"), ["order_line_id"], unique=False)

    op.create_table(
        "complaint_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_photos_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_photos")),
    )
    with op.batch_alter_table("complaint_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_photos_complaint_id"), ["complaint_id"], unique=False)


def downgrade():
    with op.batch_alter_table("complaint_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_photos_complaint_id"))

    op.drop_table("complaint_photos")
    with op.batch_alter_table("complaint_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_lines_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_lines_complaint_id"))

    op.drop_table("complaint_lines")
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_events_complaint_id"))

    op.drop_table("complaint_events")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_user_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_store_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_status"))
        batch_op.drop_index(batch_op.f("ix_complaints_order_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_due_at"))

    op.drop_table("complaints")
