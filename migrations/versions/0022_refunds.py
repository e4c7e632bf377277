"""refunds owed to a shopper's bank account

Revision ID: 0022
Revises: 0021

- bank_refunds: money a payment method cannot send back the way it came (a bank transfer, a
  refund the gateway gave up on). ``key`` is unique: one row per refund, whatever path records
  it again. The shopper enters the account (status awaiting_account → owed), finance records
  the transfer once (→ sent, with its bank reference and date).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bank_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("bank", sa.String(length=20), nullable=True),
        sa.Column("account_number", sa.String(length=30), nullable=True),
        sa.Column("holder_name", sa.String(length=120), nullable=True),
        sa.Column("account_entered_at", sa.DateTime(), nullable=True),
        sa.Column("sent_reference", sa.String(length=120), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('awaiting_account','owed','sent')", name=op.f("ck_bank_refunds_status")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bank_refunds_amount_positive")),
        sa.CheckConstraint(
            "status = 'awaiting_account' OR (bank IS NOT NULL AND account_number IS NOT NULL)",
            name=op.f("ck_bank_refunds_account_before_owed"),
        ),
        sa.CheckConstraint(
            "status <> 'sent' OR sent_reference IS NOT NULL", name=op.f("ck_bank_refunds_sent_has_reference")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_bank_refunds_payment_id_payments"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_bank_refunds_order_id_orders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bank_refunds_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["users.id"], name=op.f("fk_bank_refunds_sent_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_refunds")),
        sa.UniqueConstraint("key", name=op.f("uq_bank_refunds_key")),
    )
    with op.batch_alter_table("bank_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_refunds_payment_id"), ["payment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_refunds_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_refunds_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_bank_refunds_status", ["status", "created_at"], unique=False)


def downgrade():
    op.drop_table("bank_refunds")
