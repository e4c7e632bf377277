"""the channel the shopper picked at checkout: the bank of a virtual account, the e-wallet

Revision ID: 0021
Revises: 0020

- payments.channel: the id of one of the method's channels (marketplace.payments.methods.Channel),
  NULL for methods without channels and for every payment made before. A column only: on SQLite
  a batch copy of payments would drop the old table, which the orders reference.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("payments", sa.Column("channel", sa.String(length=40), nullable=True))


def downgrade():
    # not batch mode: SQLite 3.35+ drops a column itself, without copying the table
    op.execute("ALTER TABLE payments DROP COLUMN channel")
