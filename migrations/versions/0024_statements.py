"""bank statements: uploads of the bank's mutasi CSV and the credit rows read from them

Revision ID: 0024
Revises: 0023

- bank_statements: one row per upload (who, when, layout, file name, account, counts, the
  first bad rows as JSON).
- bank_statement_rows: each credit read, unique by its fingerprint so an overlapping
  upload stores (and confirms) nothing twice; its status and the transfer it confirmed or
  was decided for; a partial unique index lets one row at most confirm a transfer.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("bank_format", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "rows_read",
                "credits",
                "confirmed",
                "ambiguous",
                "unmatched",
                "skipped",
                "duplicates",
                "bad_rows",
            )
        ),
        sa.Column("errors_json", sa.Text(), nullable=False),
        sa.CheckConstraint("bank_format IN ('bca','mandiri','generic')", name=op.f("ck_bank_statements_bank_format")),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_bank_statements_uploaded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
    )
    op.create_table(
        "bank_statement_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bank_statement_rows_amount_positive")),
        sa.CheckConstraint(
            "status IN ('confirmed','ambiguous','unmatched','ignored')", name=op.f("ck_bank_statement_rows_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_bank_statement_rows_decided_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statements.id"],
            name=op.f("fk_bank_statement_rows_statement_id_bank_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["bank_transfers.id"],
            name=op.f("fk_bank_statement_rows_transfer_id_bank_transfers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_rows")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_bank_statement_rows_fingerprint")),
    )
    with op.batch_alter_table("bank_statement_rows", schema=None) as batch_op:
        batch_op.create_index("ix_bank_statement_rows_statement", ["statement_id", "status"], unique=False)
        batch_op.create_index(
            "uq_bank_statement_rows_confirmed_transfer",
            ["transfer_id"],
            unique=True,
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )


def downgrade():
    with op.batch_alter_table("bank_statement_rows", schema=None) as batch_op:
        batch_op.drop_index("uq_bank_statement_rows_confirmed_transfer")
        batch_op.drop_index("ix_bank_statement_rows_statement")
    op.drop_table("bank_statement_rows")
    op.drop_table("bank_statements")
