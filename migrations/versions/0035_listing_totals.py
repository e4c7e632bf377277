"""listing_totals: listing_counts' groups without the store

Revision ID: 0035
Revises: 0034

A sector page's facets summed listing_counts' groups of the sector, one per store, category,
city, stock and price band: 2,279 rows for kuliner at 100,000 products, 2 ms of SQLite per render
with every cache empty, half of it testing each row's store against the live exhibitors. Without
the store the same counts are 253 rows (1,308 for the whole catalogue instead of 7,317): this
table, read by every listing without words that filters by no store and not by the expo; the
exhibitors' count is then one sum over listing_counts of the live exhibitors' groups, which the
sector index now reaches by store (``ix_listing_counts_sector``: sector, then store).

Kept as listing_counts is (migration 0034): the same trigger function inserts each change of a
listed row into both tables, a row that takes it out of its old group (``n = -1``) and one that
adds it to the new one; catalog/listing_counts.py folds both.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

# The price facet's bands (catalog/facets.py PRICE_BANDS), frozen here as a migration must be;
# tests/integration/test_listing_counts.py checks that the two agree.
BANDS = ((0, 24_999), (25_000, 49_999), (50_000, 99_999), (100_000, 249_999), (250_000, 999_999), (1_000_000, None))
STORE_KEYS = ("store_id", "store_slug", "sector", "category_id", "category_slug", "city_key", "in_stock", "band")
TOTAL_KEYS = ("sector", "category_id", "category_slug", "city_key", "in_stock", "band")
# each table the triggers keep, with its group's columns (the band last: computed from price_min)
WITH_TOTALS = (("listing_counts", STORE_KEYS), ("listing_totals", TOTAL_KEYS))
WITHOUT_TOTALS = WITH_TOTALS[:1]  # what migration 0034 kept
# a listing row's change that moves it between groups of either table
WATCHED = ("listed", *STORE_KEYS[:-1], "price_min")
TRIGGER_NAMES = ("listing_counts_insert", "listing_counts_update", "listing_counts_delete")


def _band(row: str) -> str:
    """The index of the price band ``row``'s cheapest price is in."""
    whens = " ".join(f"WHEN {row}.price_min <= {high} THEN {i}" for i, (_low, high) in enumerate(BANDS) if high)
    return f"CASE {whens} ELSE {len(BANDS) - 1} END"


def _inserts(tables: tuple, row: str, sign: str, when: str = "") -> str:
    """The statements that insert the change rows of ``row`` (NEW or OLD) into each table of
    ``tables``, ``sign`` 1; ``when``: only if this holds."""
    statements = []
    for table, keys in tables:
        values = ", ".join([f"{row}.{key}" for key in keys[:-1]] + [_band(row), f"{sign}1"])
        into = f"INSERT INTO {table} ({', '.join(keys)}, n) "
        statements.append(into + (f"SELECT {values} WHERE {when}" if when else f"VALUES ({values})"))
    return "; ".join(statements)


def _pg_function(tables: tuple) -> str:
    return f"""
CREATE OR REPLACE FUNCTION listing_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.listed THEN {_inserts(tables, "OLD", "-")}; END IF;
  IF TG_OP <> 'DELETE' AND NEW.listed THEN {_inserts(tables, "NEW", "")}; END IF;
  RETURN NULL;
END $$
"""


def _sqlite_triggers(tables: tuple) -> tuple[str, ...]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    return (
        "CREATE TRIGGER listing_counts_insert AFTER INSERT ON product_listings WHEN NEW.listed "
        f"BEGIN {_inserts(tables, 'NEW', '')}; END",
        f"CREATE TRIGGER listing_counts_update AFTER UPDATE ON product_listings WHEN {changed} BEGIN "
        f"{_inserts(tables, 'OLD', '-', when='OLD.listed')}; {_inserts(tables, 'NEW', '', when='NEW.listed')}; END",
        "CREATE TRIGGER listing_counts_delete AFTER DELETE ON product_listings WHEN OLD.listed "
        f"BEGIN {_inserts(tables, 'OLD', '-')}; END",
    )


def _keep(tables: tuple) -> None:
    """The triggers on product_listings write the change rows of ``tables``."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_function(tables))  # the triggers of migration 0034 call it
        return
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _sqlite_triggers(tables):
        op.execute(statement)


def _sector_index(columns: list[str]) -> None:
    op.drop_index("ix_listing_counts_sector", table_name="listing_counts")
    op.create_index("ix_listing_counts_sector", "listing_counts", columns)


def upgrade():
    op.create_table(
        "listing_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("category_slug", sa.String(length=80), nullable=True),
        sa.Column("city_key", sa.String(length=80), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_totals")),
    )
    # a sector's or a category's groups in the facets' grouping order, every column a listing's
    # counts read: summed from the index alone, without a sort
    covered = ["city_key", "in_stock", "band", "n"]
    op.create_index("ix_listing_totals_sector", "listing_totals", ["sector", "category_id", *covered])
    op.create_index("ix_listing_totals_category", "listing_totals", ["category_id", "sector", *covered])
    # the exhibitors' count of a sector reads their groups by store, not the sector's every group
    _sector_index(["sector", "store_id", "category_id", "city_key", "in_stock", "band", "n"])
    if op.get_bind().dialect.name == "postgresql":
        # writers wait until this commits: none adds a change row that the fill below misses
        # while the triggers do not yet write listing_totals
        op.execute("LOCK TABLE listing_counts IN SHARE MODE")
    _keep(WITH_TOTALS)
    # from listing_counts, folded or not, in the same transaction as the new triggers: exact
    keys = ", ".join(TOTAL_KEYS)
    op.execute(
        f"INSERT INTO listing_totals ({keys}, n) SELECT {keys}, sum(n) FROM listing_counts "
        f"GROUP BY {keys} HAVING sum(n) <> 0"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE listing_totals")  # the planner's statistics now, not at autovacuum's next turn


def downgrade():
    _keep(WITHOUT_TOTALS)
    _sector_index(["sector", "category_id", "city_key", "in_stock", "band", "store_id", "n"])
    op.drop_index("ix_listing_totals_category", table_name="listing_totals")
    op.drop_index("ix_listing_totals_sector", table_name="listing_totals")
    op.drop_table("listing_totals")
