"""payout accounts and payout runs

Revision ID: 0023
Revises: 0022

- store_payout_accounts: one per store (bank code, account number, holder name), unverified
  until the agency verifies it, with the bank's last answer about it.
- payouts: what a payout run needs beside finance's hand-recorded payouts (which exist as
  ``succeeded`` with no rail): status, rail, a unique idempotency key (two runs paying one
  balance at once write the same key, and the database keeps one), the run's batch, the
  account it was sent to, the failure reason and when the outcome arrived. Only columns and
  indexes are added: a constraint would make SQLite copy the payouts table, and dropping the
  old one sets ledger_entries.payout_id to NULL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _new_columns() -> tuple:
    return (
        sa.Column("status", sa.String(length=10), server_default="succeeded", nullable=False),
        sa.Column("rail", sa.String(length=40), server_default="", nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=True),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("account_bank", sa.String(length=20), nullable=True),
        sa.Column("account_number", sa.String(length=20), nullable=True),
        sa.Column("account_holder", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
    )


def upgrade():
    op.create_table(
        "store_payout_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("bank", sa.String(length=20), nullable=False),
        sa.Column("account_number", sa.String(length=20), nullable=False),
        sa.Column("holder_name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("verified_by", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("bank_holder", sa.String(length=120), nullable=False),
        sa.Column("bank_answer", sa.String(length=300), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('unverified','verified')", name=op.f("ck_store_payout_accounts_status")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_payout_accounts_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_store_payout_accounts_updated_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["verified_by"], ["users.id"], name=op.f("fk_store_payout_accounts_verified_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_payout_accounts")),
        sa.UniqueConstraint("store_id", name=op.f("uq_store_payout_accounts_store_id")),
    )
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        for column in _new_columns():
            batch_op.add_column(column)
        batch_op.create_index(batch_op.f("ix_payouts_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_payouts_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_payouts_idempotency_key"), ["idempotency_key"], unique=True)


def downgrade():
    for name in ("ix_payouts_idempotency_key", "ix_payouts_batch", "ix_payouts_status"):
        op.drop_index(op.f(name), table_name="payouts")
    for column in reversed(_new_columns()):
        # not batch mode: on SQLite it copies the payouts table and drops the old one, which
        # sets the ledger rows' payout_id to NULL; SQLite 3.35+ drops a column itself
        op.execute(f"ALTER TABLE payouts DROP COLUMN {column.name}")
    op.drop_table("store_payout_accounts")
