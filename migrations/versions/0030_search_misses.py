"""searches that found nothing

Revision ID: 0030
Revises: 0029

- search_misses: per Jakarta day and normalized query, how many rendered searches found nothing
  (the agency's synonym page lists the most frequent; rows older than 180 days are deleted).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_misses",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count > 0", name=op.f("ck_search_misses_count_positive")),
        sa.PrimaryKeyConstraint("day", "query", name=op.f("pk_search_misses")),
    )


def downgrade():
    op.drop_table("search_misses")
