"""addresses: the shopper's address book, by Kemendagri region codes

Revision ID: 0016
Revises: 0015 (complaints)

- addresses: one row per address of a user's book; province, regency, district and village
  codes (the last optional) kept consistent by CHECKs on the district code; one default per
  user kept by a partial unique index.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=True),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("district_code", sa.String(length=8), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=True),
        sa.Column("street", sa.String(length=500), nullable=False),
        sa.Column("postal_code", sa.String(length=5), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(postal_code) = 5", name=op.f("ck_addresses_postal_code")),
        sa.CheckConstraint(
            "province_code = substr(district_code, 1, 2)", name=op.f("ck_addresses_province_of_district")
        ),
        sa.CheckConstraint("regency_code = substr(district_code, 1, 5)", name=op.f("ck_addresses_regency_of_district")),
        sa.CheckConstraint(
            "village_code IS NULL OR substr(village_code, 1, 8) = district_code",
            name=op.f("ck_addresses_village_in_district"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_addresses_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addresses_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_addresses_default_user_id",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )


def downgrade():
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.drop_index("uq_addresses_default_user_id")
        batch_op.drop_index(batch_op.f("ix_addresses_user_id"))
    op.drop_table("addresses")
