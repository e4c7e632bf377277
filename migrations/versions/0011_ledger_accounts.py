"""ledger: an account per party, extras with a payee, refunds, settlements, remittances (issue #17)

Revision ID: 0011l
Revises: 0011 (chained after h-clock's orders.delivered_at in h-complaints; both were 0011)

- order_extras.payee / ledger_kind; old order_protection extras get the insurer of
  their protection (insurance_order_protections) and the kind "premium";
- ledger_entries.account ("store:<id>" for every existing row), store_id nullable,
  the kind check widened, an index (account, created_at), and a marketplace mirror
  row for every existing commission row (commission-mp:<order> = -commission:<order>);
- order_refunds and order_refund_lines, ledger_settlements, ledger_remittances.
"""

import sqlalchemy as sa
from alembic import op

KINDS_BEFORE = "kind IN ('sale','commission','refund','payout','adjustment')"
KINDS_NOW = (
    "kind IN ('sale','shipping','extra','commission','premium','cod_cash','refund','settlement',"
    "'remittance','payout','adjustment')"
)
PREMIUM_EXTRAS = """
UPDATE order_extras SET ledger_kind = 'premium', payee = 'insurer:' || COALESCE(
    (SELECT insurers.code FROM insurance_order_protections
     JOIN insurers ON insurers.id = insurance_order_protections.insurer_id
     WHERE insurance_order_protections.order_id = order_extras.order_id),
    'jasindo')
WHERE extra_id = 'order_protection'
"""
MARKETPLACE_MIRROR = """
INSERT INTO ledger_entries (key, account, store_id, order_id, payout_id, kind, amount, commission_bps, note, created_at)
SELECT REPLACE(key, 'commission', 'commission-mp'), 'marketplace', NULL, order_id, NULL, 'commission', -amount,
       commission_bps, note, created_at
FROM ledger_entries WHERE kind = 'commission' AND store_id IS NOT NULL
"""

revision = "0011l"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ledger_remittances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=60), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("bank_reference", sa.String(length=120), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_remittances_amount_positive")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_ledger_remittances_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_remittances")),
    )
    with op.batch_alter_table("ledger_remittances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_remittances_account"), ["account"], unique=False)

    op.create_table(
        "ledger_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("bank_reference", sa.String(length=120), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_settlements_amount_positive")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_ledger_settlements_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_ledger_settlements_store_id_stores"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_settlements")),
    )
    with op.batch_alter_table("ledger_settlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_settlements_store_id"), ["store_id"], unique=False)

    op.create_table(
        "order_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("goods_amount", sa.BigInteger(), nullable=False),
        sa.Column("extras_amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payment_reference", sa.String(length=120), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "amount = goods_amount + extras_amount AND amount > 0", name=op.f("ck_order_refunds_amount_is_sum")
        ),
        sa.CheckConstraint(
            "goods_amount >= 0 AND extras_amount >= 0", name=op.f("ck_order_refunds_amounts_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_order_refunds_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_refunds_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refunds")),
        sa.UniqueConstraint("order_id", "source", name=op.f("uq_order_refunds_order_id_source")),
    )
    with op.batch_alter_table("order_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_refunds_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order_refund_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("order_extra_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "(order_line_id IS NULL AND order_extra_id IS NOT NULL) OR "
            "(order_line_id IS NOT NULL AND order_extra_id IS NULL)",
            name=op.f("ck_order_refund_lines_line_or_extra"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_order_refund_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_extra_id"],
            ["order_extras.id"],
            name=op.f("fk_order_refund_lines_order_extra_id_order_extras"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_order_refund_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["order_refunds.id"],
            name=op.f("fk_order_refund_lines_refund_id_order_refunds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refund_lines")),
    )
    with op.batch_alter_table("order_refund_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_refund_lines_order_extra_id"), ["order_extra_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_refund_lines_order_line_id"), ["order_line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_refund_lines_refund_id"), ["refund_id"], unique=False)

    with op.batch_alter_table("order_extras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payee", sa.String(length=60), server_default="store", nullable=False))
        batch_op.add_column(sa.Column("ledger_kind", sa.String(length=20), server_default="extra", nullable=False))
    op.execute(sa.text(PREMIUM_EXTRAS))

    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account", sa.String(length=60), nullable=True))
    op.execute(sa.text("UPDATE ledger_entries SET account = 'store:' || CAST(store_id AS VARCHAR(20))"))
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.alter_column("account", existing_type=sa.String(length=60), nullable=False)
        batch_op.alter_column("store_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(op.f("ck_ledger_entries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ledger_entries_kind"), sa.text(KINDS_NOW))
        batch_op.create_index("ix_ledger_entries_account_created", ["account", "created_at"], unique=False)
    op.execute(sa.text(MARKETPLACE_MIRROR))


def downgrade():
    with op.batch_alter_table("order_extras", schema=None) as batch_op:
        batch_op.drop_column("ledger_kind")
        batch_op.drop_column("payee")

    op.execute(sa.text("DELETE FROM ledger_entries WHERE store_id IS NULL"))
    op.execute(
        sa.text("DELETE FROM ledger_entries WHERE kind NOT IN ('sale','commission','refund','payout','adjustment')")
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_account_created")
        batch_op.drop_constraint(op.f("ck_ledger_entries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_ledger_entries_kind"), sa.text(KINDS_BEFORE))
        batch_op.alter_column("store_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("account")

    with op.batch_alter_table("order_refund_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_refund_lines_refund_id"))
        batch_op.drop_index(batch_op.f("ix_order_refund_lines_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_order_refund_lines_order_extra_id"))

    op.drop_table("order_refund_lines")
    with op.batch_alter_table("order_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_refunds_order_id"))

    op.drop_table("order_refunds")
    with op.batch_alter_table("ledger_settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_settlements_store_id"))

    op.drop_table("ledger_settlements")
    with op.batch_alter_table("ledger_remittances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_remittances_account"))

    op.drop_table("ledger_remittances")
