"""orders.delivered_at: when a courier reported delivery (the order clock, issue #17)

Revision ID: 0011
Revises: 0010

A shipped order completes ORDER_COMPLETE_DAYS after shipping, or sooner,
COMPLAINT_DAYS after a courier reports delivery (marketplace/orders/clock.py).
Orders that exist have no delivery report: NULL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
