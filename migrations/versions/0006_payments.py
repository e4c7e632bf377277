"""payments: the seller ledger and payouts, the commission on each order, Stripe and bank-transfer tables

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 09:00:00

``ledger_entries`` is the stores' money (a balance is the sum of a store's rows;
each row's unique ``key`` names the fact so it is written once), ``payouts``
what finance transferred to them. ``orders.commission_bps`` snapshots the
marketplace commission at checkout (0 for orders placed before this revision).
The bundled plugins' tables: ``stripe_checkouts``, ``stripe_refunds``,
``stripe_events`` (each webhook event applied once) and ``bank_transfers``.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commission_bps", sa.Integer(), server_default="0", nullable=False))

    op.create_table(
        "payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("bank_reference", sa.String(length=120), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payouts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_payouts_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_payouts_store_id_stores"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
    )
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payouts_store_id"), ["store_id"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("payout_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("commission_bps", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sale','commission','refund','payout','adjustment')", name=op.f("ck_ledger_entries_kind")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_ledger_entries_order_id_orders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"], ["payouts.id"], name=op.f("fk_ledger_entries_payout_id_payouts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_ledger_entries_store_id_stores"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_entries_key")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entries_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entries_payout_id"), ["payout_id"], unique=False)
        batch_op.create_index("ix_ledger_entries_store_created", ["store_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entries_store_id"), ["store_id"], unique=False)

    # --- stripe_payments plugin ---
    op.create_table(
        "stripe_checkouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=255), nullable=False),
        sa.Column("payment_intent", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_stripe_checkouts_payment_id_payments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_checkouts")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_stripe_checkouts_payment_id")),
        sa.UniqueConstraint("session_id", name=op.f("uq_stripe_checkouts_session_id")),
    )
    with op.batch_alter_table("stripe_checkouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stripe_checkouts_payment_intent"), ["payment_intent"], unique=False)

    op.create_table(
        "stripe_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.String(length=255), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_stripe_refunds_payment_id_payments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_refunds")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_stripe_refunds_refund_id")),
    )
    with op.batch_alter_table("stripe_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stripe_refunds_payment_id"), ["payment_id"], unique=False)

    op.create_table(
        "stripe_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_stripe_events_event_id")),
    )

    # --- bank_transfer plugin ---
    op.create_table(
        "bank_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("unique_code", sa.Integer(), nullable=False),
        sa.Column("transfer_amount", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proof_path", sa.String(length=255), nullable=True),
        sa.Column("sender_name", sa.String(length=120), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('awaiting_proof','submitted','confirmed','rejected')", name=op.f("ck_bank_transfers_status")
        ),
        sa.CheckConstraint("unique_code >= 0 AND unique_code <= 999", name=op.f("ck_bank_transfers_unique_code_range")),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_bank_transfers_payment_id_payments"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["users.id"], name=op.f("fk_bank_transfers_reviewed_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_transfers")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_bank_transfers_payment_id")),
    )
    with op.batch_alter_table("bank_transfers", schema=None) as batch_op:
        batch_op.create_index("ix_bank_transfers_status", ["status", "submitted_at"], unique=False)


def downgrade():
    op.drop_table("bank_transfers")
    op.drop_table("stripe_events")
    op.drop_table("stripe_refunds")
    op.drop_table("stripe_checkouts")
    op.drop_table("ledger_entries")
    op.drop_table("payouts")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("commission_bps")
