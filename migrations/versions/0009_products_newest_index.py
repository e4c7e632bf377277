"""products: an index for the newest active products

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_products_newest", "products", ["status", "created_at", "id"])


def downgrade():
    op.drop_index("ix_products_newest", table_name="products")
