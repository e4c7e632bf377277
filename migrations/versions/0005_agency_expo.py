"""agency and expo: site settings (the commission), expo banners and zones

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:00:00

``site_settings`` is a small key-value table the agency changes at run time
(the marketplace commission in basis points). An expo gets a banner image and
its zones (the halls of the virtual expo); exhibitors already name their zone
by slug, so every zone slug in use gets a zone row, named after its sector.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SECTOR_NAMES = {
    "kuliner": "Kuliner",
    "minuman-herbal": "Minuman & Herbal",
    "fesyen": "Fesyen & Tekstil",
    "kriya": "Kriya",
    "logam-furnitur": "Logam & Furnitur",
    "kosmetik": "Kosmetik",
    "perhiasan": "Perhiasan",
}


def upgrade():
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_site_settings_updated_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "expo_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expos.id"], name=op.f("fk_expo_zones_expo_id_expos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expo_zones")),
        sa.UniqueConstraint("expo_id", "slug", name=op.f("uq_expo_zones_expo_id_slug")),
    )
    with op.batch_alter_table("expo_zones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expo_zones_expo_id"), ["expo_id"], unique=False)

    with op.batch_alter_table("expos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banner", sa.String(length=255), nullable=True))

    _zones_for_existing_exhibitors()


def _zones_for_existing_exhibitors():
    """Every (expo, zone slug) exhibitors use today becomes a zone, in the sectors' order."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT DISTINCT expo_id, zone FROM exhibitors WHERE zone IS NOT NULL AND zone <> ''")
    ).all()
    order = list(SECTOR_NAMES)
    zones = sa.table(
        "expo_zones",
        sa.column("expo_id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("position", sa.Integer),
    )
    values = []
    for expo_id, slug in sorted(rows, key=lambda r: (r[0], order.index(r[1]) if r[1] in order else 99, r[1])):
        position = sum(1 for v in values if v["expo_id"] == expo_id)
        values.append(
            {
                "expo_id": expo_id,
                "slug": slug[:40],
                "name": SECTOR_NAMES.get(slug, slug.replace("-", " ").title())[:80],
                "position": position,
            }
        )
    if values:
        op.bulk_insert(zones, values)


def downgrade():
    with op.batch_alter_table("expos", schema=None) as batch_op:
        batch_op.drop_column("banner")

    with op.batch_alter_table("expo_zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expo_zones_expo_id"))

    op.drop_table("expo_zones")
    op.drop_table("site_settings")
