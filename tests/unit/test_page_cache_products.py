"""What a product's write means for listings (marketplace/pagecache_products.py) follows what the
listing rows hold: a column added to the rows, or to what their triggers read, must be given a
meaning here before it can go unnoticed by the page cache."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from marketplace import pagecache_tags as tags
from marketplace.catalog.models import ProductListing
from marketplace.pagecache_products import MEMBER, MOVE, PRODUCT_ROWS

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0028_product_listings.py"

# What each column of a listing row is to a listing: which products it shows and in what order
# (a change drops the dimensions' listings), or only what a card shows (the product's own pages).
LISTING_COLUMNS = {
    MEMBER: {
        "product_id",
        "store_id",
        "category_id",
        "listed",
        "store_slug",
        "sector",
        "city",
        "city_key",
        "category_slug",
        "created_at",
    },
    tags.PRICE: {"price_min", "price_max"},
    tags.STOCK: {"in_stock"},
    "card": {"name", "store_name", "image_path", "image_width", "image_height", "rating_count", "rating_total"},
    "key": {"version"},
}
# Columns the triggers read that change only what a card or page shows (no entry in PRODUCT_ROWS).
CARD_ONLY = {
    "products": {"name"},
    "product_images": {"path", "position", "width", "height"},
    "reviews": {"rating"},
}


def test_every_column_of_a_listing_row_has_a_meaning():
    named = set().union(*LISTING_COLUMNS.values())
    actual = {column.name for column in ProductListing.__table__.columns}
    assert actual == named, f"give each new column of product_listings a meaning here: {sorted(actual ^ named)}"


def test_every_column_the_triggers_read_is_narrowed_or_only_shown():
    spec = importlib.util.spec_from_file_location("migration_0028", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for table, events, _touched, _rows in migration.TRIGGERS:
        if table not in PRODUCT_ROWS or not events.startswith("UPDATE OF "):
            continue  # stores and categories: not narrowed, every page goes
        for column in (c.strip() for c in events[len("UPDATE OF ") :].split(",")):
            meaning = PRODUCT_ROWS[table].columns.get(column)
            assert meaning or column in CARD_ONLY.get(table, ()), f"{table}.{column}: what does its change mean?"
            assert meaning in (None, MOVE, MEMBER, *tags.ASPECTS), (table, column, meaning)


def test_a_listing_and_a_product_spell_a_dimension_alike():
    """A page's tags (catalog/listing_tags.py) and a write's (pagecache_products) come from the
    same functions: a city with a space, a sector slug."""
    from types import SimpleNamespace

    from marketplace.catalog import listing_tags

    params = SimpleNamespace(
        store_id=None,
        category_id=None,
        city="Kota Tegal",
        sector=None,
        sort="price_asc",
        min_price=None,
        max_price=None,
    )
    assert listing_tags.listing(params, words=True) == (
        "city:kota%20tegal",
        "text@city:kota%20tegal",
        "price@city:kota%20tegal",
    )
    assert "city:kota%20tegal" in tags.dimensions(3, None, "fesyen", "kota tegal")
    params.store_id, params.category_id = 3, 7
    assert listing_tags.dimension(params) == tags.store(3)
