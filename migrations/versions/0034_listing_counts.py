"""listing_counts: how many listed products each store has per category, price band and stock

Revision ID: 0034
Revises: 0033

The facets of a listing without search words (a sector or category page, the API's listing)
and its total counted every listed product it selects: 27,000 rows for the kuliner sector at
100,000 products, 12 ms of SQLite and 7 ms of PostgreSQL per render with every cache empty.
This table holds the same counts per group of rows that share every filter's column (store,
sector, category, city, in stock or not, price band): 7,317 groups at 100,000 products.

Kept by triggers on product_listings (which triggers keep themselves), as changes, never by
updating a row: each write of a listed row inserts one row that takes it out of its old group
(``n = -1``) and one that adds it to the new one. So two transactions never wait for each other
here nor deadlock (an order that sells a product out and a seller's edit of another product of
the same group both only insert), and a reader sums a group's rows. catalog/listing_counts.py
folds the changes into one row per group (the job queue runs it every minute); until it does,
reads are exact, only longer.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

# The price facet's bands (catalog/facets.py PRICE_BANDS), frozen here as a migration must be;
# tests/integration/test_listing_counts.py checks that the two agree.
BANDS = ((0, 24_999), (25_000, 49_999), (50_000, 99_999), (100_000, 249_999), (250_000, 999_999), (1_000_000, None))
KEYS = ("store_id", "store_slug", "sector", "category_id", "category_slug", "city_key", "in_stock", "band")
COLUMNS = (*KEYS, "n")
COVERED = ("city_key", "in_stock", "band", "store_id", "n")  # what the indexes carry after their keys
# a listing row's change that moves it between groups
WATCHED = ("listed", *KEYS[:-1], "price_min")


def _band(row: str) -> str:
    """The index of the price band ``row``'s cheapest price is in."""
    whens = " ".join(f"WHEN {row}.price_min <= {high} THEN {i}" for i, (_low, high) in enumerate(BANDS) if high)
    return f"CASE {whens} ELSE {len(BANDS) - 1} END"


def _values(row: str, sign: str) -> str:
    """The change row of ``row`` (NEW or OLD): its group's keys and ``sign`` 1."""
    return ", ".join([f"{row}.{key}" for key in KEYS[:-1]] + [_band(row), f"{sign}1"])


def _insert(row: str, sign: str, when: str = "") -> str:
    """The statement that inserts the change row of ``row``; ``when``: only if this holds."""
    into = f"INSERT INTO listing_counts ({', '.join(COLUMNS)}) "
    return into + (f"SELECT {_values(row, sign)} WHERE {when}" if when else f"VALUES ({_values(row, sign)})")


PG_FUNCTION = f"""
CREATE FUNCTION listing_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.listed THEN {_insert("OLD", "-")}; END IF;
  IF TG_OP <> 'DELETE' AND NEW.listed THEN {_insert("NEW", "")}; END IF;
  RETURN NULL;
END $$
"""
PG_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
PG_TRIGGERS = (
    "CREATE TRIGGER listing_counts_insert AFTER INSERT ON product_listings "
    "FOR EACH ROW WHEN (NEW.listed) EXECUTE FUNCTION listing_counts_keep()",
    "CREATE TRIGGER listing_counts_update AFTER UPDATE ON product_listings "
    f"FOR EACH ROW WHEN ({PG_CHANGED}) EXECUTE FUNCTION listing_counts_keep()",
    "CREATE TRIGGER listing_counts_delete AFTER DELETE ON product_listings "
    "FOR EACH ROW WHEN (OLD.listed) EXECUTE FUNCTION listing_counts_keep()",
)
SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER listing_counts_insert AFTER INSERT ON product_listings WHEN NEW.listed "
    f"BEGIN {_insert('NEW', '')}; END",
    f"CREATE TRIGGER listing_counts_update AFTER UPDATE ON product_listings WHEN {SQLITE_CHANGED} BEGIN "
    f"{_insert('OLD', '-', when='OLD.listed')}; {_insert('NEW', '', when='NEW.listed')}; END",
    "CREATE TRIGGER listing_counts_delete AFTER DELETE ON product_listings WHEN OLD.listed "
    f"BEGIN {_insert('OLD', '-')}; END",
)
TRIGGER_NAMES = ("listing_counts_insert", "listing_counts_update", "listing_counts_delete")


def _fill() -> str:
    """One row per group of the listed rows there are."""
    keys = [f"l.{key}" for key in KEYS[:-1]] + [_band("l")]
    return (
        f"INSERT INTO listing_counts ({', '.join(COLUMNS)}) SELECT {', '.join(keys)}, count(*) "
        f"FROM product_listings AS l WHERE l.listed GROUP BY {', '.join(keys)}"
    )


def upgrade():
    op.create_table(
        "listing_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("store_slug", sa.String(length=80), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("category_slug", sa.String(length=80), nullable=True),
        sa.Column("city_key", sa.String(length=80), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_counts")),
    )
    # a sector's or a category's groups in the facets' grouping order, every column a listing's
    # counts read: summed from the index alone, without a sort
    op.create_index("ix_listing_counts_sector", "listing_counts", ["sector", "category_id", *COVERED])
    op.create_index("ix_listing_counts_category", "listing_counts", ["category_id", "sector", *COVERED])
    # a storefront's count reads its store's few dozen groups, not all of them
    op.create_index("ix_listing_counts_store", "listing_counts", ["store_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute(_fill())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE listing_counts")  # the planner's statistics now, not at autovacuum's next turn


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON product_listings")
        op.execute("DROP FUNCTION IF EXISTS listing_counts_keep()")
    else:
        for name in TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("listing_counts")
