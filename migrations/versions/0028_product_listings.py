"""a listing row per product, and the search's synonym list

Revision ID: 0028
Revises: 0027

- product_listings: what listings, search and facets read of a product, its store, category,
  variants, first photo and reviews, so a listing never joins at read time. Kept exact by
  triggers on both databases (one statement, run for the products a write touched),
  whatever service, CLI, plugin or raw SQL made the write.
  ``version`` grows by one each time the row's content changes: what a card cache keys on.
- search_synonyms: groups of words or phrases searched as one (keripik = kripik), edited by the agency.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

SYNONYMS = (
    "keripik, kripik",
    "sambal, sambel",
    "jamu, jamoe",
    "batik tulis, batik tulisan",
    "batik cap, batik capan",
    "telur asin, telor asin",
    "kerajinan, kriya",
    "tempe, tempeh",
)

# --- the listing row, computed from the tables it summarises ---------------------------
# One SELECT, run by each trigger for the products its write touched (``{where}``). The
# upsert writes only when something differs, so a sale that leaves stock above zero
# rewrites nothing and a card keyed by ``version`` stays valid.

COLUMNS = (
    "product_id",
    "store_id",
    "category_id",
    "listed",
    "name",
    "price_min",
    "price_max",
    "in_stock",
    "store_slug",
    "store_name",
    "city",
    "city_key",
    "sector",
    "category_slug",
    "created_at",
    "rating_count",
    "rating_total",
    "image_path",
    "image_width",
    "image_height",
)
_FIRST_IMAGE = "(SELECT i.{col} FROM product_images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1)"
VALUES = (
    "p.id",
    "p.store_id",
    "p.category_id",
    "(p.status = 'active' AND s.status = 'approved')",
    "p.name",
    "p.price_min",
    "COALESCE((SELECT max(v.price) FROM variants v WHERE v.product_id = p.id), p.price_min)",
    "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock > 0)",
    "s.slug",
    "s.name",
    "s.city",
    "lower(s.city)",
    "s.sector",
    "c.slug",
    "p.created_at",
    "(SELECT count(*) FROM reviews r WHERE r.product_id = p.id)",
    "COALESCE((SELECT sum(r.rating) FROM reviews r WHERE r.product_id = p.id), 0)",
    _FIRST_IMAGE.format(col="path"),
    _FIRST_IMAGE.format(col="width"),
    _FIRST_IMAGE.format(col="height"),
)
INDEXES = {
    "ix_product_listings_newest": ("listed", "created_at", "product_id"),
    "ix_product_listings_store": ("listed", "store_id", "created_at"),
    "ix_product_listings_category": ("listed", "category_id", "created_at"),
    "ix_product_listings_sector": ("listed", "sector", "created_at"),
    "ix_product_listings_price": ("listed", "price_min"),
    "ix_product_listings_city": ("listed", "city_key"),
}


def upsert(dialect: str, where: str) -> str:
    differs = " IS DISTINCT FROM " if dialect == "postgresql" else " IS NOT "
    changed = " OR ".join(f"product_listings.{c}{differs}excluded.{c}" for c in COLUMNS[1:])
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
    return (
        f"INSERT INTO product_listings ({', '.join(COLUMNS)}) "
        f"SELECT {', '.join(VALUES)} FROM products p JOIN stores s ON s.id = p.store_id "
        f"LEFT JOIN categories c ON c.id = p.category_id WHERE {where} "
        f"ON CONFLICT (product_id) DO UPDATE SET {updates}, version = product_listings.version + 1 WHERE {changed}"
    )


# (table, events, the products a row touches) — NEW/OLD as the trigger sees them
_PRODUCT = "p.id = {row}.id"
_CHILD = "p.id = {row}.product_id"
_MOVED = "p.id IN (OLD.product_id, NEW.product_id)"  # an update may move a row to another product
TRIGGERS = (
    ("products", "INSERT", _PRODUCT, ("NEW",)),
    ("products", "UPDATE OF name, status, price_min, category_id, store_id, created_at", _PRODUCT, ("NEW",)),
    ("variants", "INSERT", _CHILD, ("NEW",)),
    ("variants", "UPDATE OF price, stock, product_id", _MOVED, ("NEW",)),
    ("variants", "DELETE", _CHILD, ("OLD",)),
    ("product_images", "INSERT", _CHILD, ("NEW",)),
    ("product_images", "UPDATE OF path, position, width, height, product_id", _MOVED, ("NEW",)),
    ("product_images", "DELETE", _CHILD, ("OLD",)),
    ("reviews", "INSERT", _CHILD, ("NEW",)),
    ("reviews", "UPDATE OF rating, product_id", _MOVED, ("NEW",)),
    ("reviews", "DELETE", _CHILD, ("OLD",)),
    ("stores", "UPDATE OF status, name, slug, city, sector", "p.store_id = {row}.id", ("NEW",)),
    ("categories", "UPDATE OF slug", "p.category_id = {row}.id", ("NEW",)),
)


def _trigger_name(table: str, events: str) -> str:
    return f"product_listings_{table}_{events.split()[0].lower()}"


def create_triggers(dialect: str) -> list[str]:
    statements = []
    for table, events, touched, rows in TRIGGERS:
        name = _trigger_name(table, events)
        body = "; ".join(upsert(dialect, touched.format(row=row)) for row in rows)
        if dialect == "postgresql":
            statements.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
            )
            statements.append(f"CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            statements.append(f"CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH ROW BEGIN {body}; END")
    return statements


def drop_triggers(dialect: str) -> list[str]:
    statements = []
    for table, events, _touched, _rows in TRIGGERS:
        name = _trigger_name(table, events)
        if dialect == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


def upgrade():
    op.create_table(
        "product_listings",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("price_min", sa.Integer(), nullable=False),
        sa.Column("price_max", sa.Integer(), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("store_slug", sa.String(length=80), nullable=False),
        sa.Column("store_name", sa.String(length=160), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("city_key", sa.String(length=80), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("category_slug", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("rating_total", sa.Integer(), nullable=False),
        sa.Column("image_path", sa.String(length=255), nullable=True),
        sa.Column("image_width", sa.Integer(), nullable=True),
        sa.Column("image_height", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_listings_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_listings")),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "product_listings", list(columns))
    dialect = op.get_bind().dialect.name
    for statement in create_triggers(dialect):
        op.execute(statement)
    op.execute(upsert(dialect, "TRUE"))  # the existing catalogue

    synonyms = op.create_table(
        "search_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
    )
    stamp = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(synonyms, [{"terms": terms, "created_at": stamp, "updated_at": stamp} for terms in SYNONYMS])


def downgrade():
    op.drop_table("search_synonyms")
    for statement in drop_triggers(op.get_bind().dialect.name):
        op.execute(statement)
    for name in INDEXES:
        op.drop_index(name, table_name="product_listings")
    op.drop_table("product_listings")
