"""categories: the marketplace's standard product categories (reference data)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 23:10:00

The list below is the one place the standard categories are written down. It
is data, not code: the migration imports nothing from the application, so the
list stays what it was when this revision ran, whatever the app becomes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# (slug, Indonesian name, English name, sector slug of ESMART.md), in display order
CATEGORIES = [
    # kuliner
    ("makanan-ringan", "Makanan Ringan", "Snacks", "kuliner"),
    ("kue-roti", "Kue & Roti", "Cakes & Bread", "kuliner"),
    ("sambal-bumbu", "Sambal & Bumbu", "Chilli Sauces & Spices", "kuliner"),
    ("olahan-ikan", "Olahan Ikan", "Fish Products", "kuliner"),
    ("frozen-food", "Makanan Beku", "Frozen Food", "kuliner"),
    # minuman-herbal
    ("teh", "Teh", "Tea", "minuman-herbal"),
    ("kopi", "Kopi", "Coffee", "minuman-herbal"),
    ("jamu-herbal", "Jamu & Herbal", "Jamu & Herbal Drinks", "minuman-herbal"),
    ("minuman-olahan", "Minuman Olahan", "Processed Drinks", "minuman-herbal"),
    # fesyen
    ("batik", "Batik", "Batik", "fesyen"),
    ("tenun-tekstil", "Tenun & Tekstil", "Woven Cloth & Textiles", "fesyen"),
    ("pakaian", "Pakaian", "Clothing", "fesyen"),
    ("tas-aksesoris", "Tas & Aksesoris", "Bags & Accessories", "fesyen"),
    # kriya
    ("kerajinan-tangan", "Kerajinan Tangan", "Handicrafts", "kriya"),
    ("anyaman", "Anyaman", "Woven Crafts", "kriya"),
    ("keramik-gerabah", "Keramik & Gerabah", "Ceramics & Earthenware", "kriya"),
    ("dekorasi-rumah", "Dekorasi Rumah", "Home Decor", "kriya"),
    # logam-furnitur: Tegal's metalworkers made it "Jepangnya Indonesia"
    ("perkakas-logam", "Perkakas Logam", "Metal Tools & Hardware", "logam-furnitur"),
    ("peralatan-dapur", "Peralatan Dapur", "Kitchenware", "logam-furnitur"),
    ("suku-cadang", "Suku Cadang", "Spare Parts", "logam-furnitur"),
    ("furnitur", "Furnitur", "Furniture", "logam-furnitur"),
    # kosmetik
    ("perawatan-tubuh", "Perawatan Tubuh", "Body Care", "kosmetik"),
    ("kosmetik", "Kosmetik", "Cosmetics", "kosmetik"),
    # perhiasan
    ("perhiasan", "Perhiasan", "Jewellery", "perhiasan"),
    ("aksesoris-logam", "Aksesoris Logam", "Metal Accessories", "perhiasan"),
]

categories = sa.table(
    "categories",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("name_en", sa.String),
    sa.column("sector", sa.String),
    sa.column("position", sa.Integer),
)


def upgrade():
    op.bulk_insert(
        categories,
        [
            {"slug": slug, "name": name, "name_en": name_en, "sector": sector, "position": position}
            for position, (slug, name, name_en, sector) in enumerate(CATEGORIES, start=1)
        ],
    )


def downgrade():
    # products in these categories keep existing; their category_id becomes NULL (ON DELETE SET NULL)
    op.execute(categories.delete().where(categories.c.slug.in_([row[0] for row in CATEGORIES])))
