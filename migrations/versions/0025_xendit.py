"""the Xendit plugin: payment requests, refunds asked for, notifications applied

Revision ID: 0025
Revises: 0024

- xendit_payments: one Payment Request per payment, with what the pay page shows (QR
  string, virtual account number, e-wallet links) so that page never calls Xendit.
- xendit_refunds: refunds asked for, matched by id when refund.succeeded/failed arrives.
- xendit_events: each notification by its webhook-id, unique, so it is applied once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "xendit_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=255), nullable=False),
        sa.Column("payment_method_id", sa.String(length=255), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("qr_string", sa.Text(), nullable=True),
        sa.Column("va_number", sa.String(length=40), nullable=True),
        sa.Column("web_url", sa.Text(), nullable=True),
        sa.Column("mobile_url", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_xendit_payments_payment_id_payments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xendit_payments")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_xendit_payments_payment_id")),
        sa.UniqueConstraint("request_id", name=op.f("uq_xendit_payments_request_id")),
    )
    op.create_table(
        "xendit_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.String(length=255), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_xendit_refunds_payment_id_payments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xendit_refunds")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_xendit_refunds_refund_id")),
    )
    with op.batch_alter_table("xendit_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xendit_refunds_payment_id"), ["payment_id"], unique=False)
    op.create_table(
        "xendit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xendit_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_xendit_events_event_id")),
    )


def downgrade():
    op.drop_table("xendit_events")
    with op.batch_alter_table("xendit_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xendit_refunds_payment_id"))
    op.drop_table("xendit_refunds")
    op.drop_table("xendit_payments")
