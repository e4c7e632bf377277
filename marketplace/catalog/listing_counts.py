"""The counts of listings without search words, read from ``listing_counts`` (migration 0034).

A sector page's total and facets counted every listed product of the sector (27,000 rows of
kuliner at 100,000 products: 12 ms on SQLite, 7 on PostgreSQL, with every cache empty). The
table keeps those counts per group of products that share every column a listing filters on
without words (store, sector, category, city): about one row per store and category, summed
here for the groups a listing's filters keep. What the groups cannot tell (a price range, the
in-stock filter, an office's offers, the words of a search) is still counted product by product
(:func:`covers`).

The triggers only insert change rows, so writers never wait for each other; :func:`fold` adds
each group's rows up into one, every minute on the job queue (catalog/schedule.py). Reads sum a
group's rows and are exact whether folded or not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.sql.visitors import replacement_traverse

from marketplace.catalog.models import ListingCount, ProductListing
from marketplace.extensions import db

KEYS = ("store_id", "store_slug", "sector", "category_id", "category_slug", "city_key")
BANDS = tuple(f"p{i}" for i in range(6))  # the price bands' counts, in facets.PRICE_BANDS' order
COUNTS = ("n", "in_stock", *BANDS)

_LISTING = ProductListing.__table__
_COUNTS = ListingCount.__table__


def covers(params: Any) -> bool:
    """Whether the groups answer the counts of the listing ``params`` (catalog.search.SearchParams)
    selects without its words (the caller's to rule out): no filter on what differs within a
    group (price, stock, an office's offers)."""
    return not (params.min_price is not None or params.max_price is not None or params.in_stock or params.offered_only)


def on_groups(clause: Any) -> Any:
    """``clause`` on listing rows (a filter of catalog.search.filter_groups) as the same clause on
    the groups: each column it names is one of KEYS, under the same name."""

    def swap(element: Any, **_kw: Any) -> Any:
        if getattr(element, "table", None) is _LISTING:
            return _COUNTS.c[element.name]
        return None

    return replacement_traverse(clause, {}, swap)


def column(name: str) -> ColumnElement[Any]:
    return _COUNTS.c[name]


def total(conditions: list) -> Any:
    """The statement counting the listed products ``conditions`` (listing-row filters) keep."""
    stmt = select(func.coalesce(func.sum(_COUNTS.c.n), 0)).select_from(_COUNTS)
    return stmt.where(*[on_groups(c) for c in conditions])


def fold() -> int:
    """Add each group's rows up into one (a group whose counts are all 0 goes); the number of
    rows there were. The rows are taken by one DELETE, so a change row a writer inserts meanwhile
    stays for the next fold, and two folds at once take disjoint rows: no count is lost twice or
    kept twice. Returns 0 without writing when no group has two rows."""
    keys = [_COUNTS.c[k] for k in KEYS]
    several = select(func.count()).select_from(_COUNTS).group_by(*keys).having(func.count() > 1).limit(1)
    if db.session.execute(several).first() is None:
        return 0
    taken = db.session.execute(delete(_COUNTS).returning(*keys, *[_COUNTS.c[c] for c in COUNTS])).all()
    sums: dict[tuple, list[int]] = {}
    for row in taken:
        group = sums.setdefault(tuple(row[: len(KEYS)]), [0] * len(COUNTS))
        for i, value in enumerate(row[len(KEYS) :]):
            group[i] += value
    rows = [dict(zip((*KEYS, *COUNTS), (*key, *counts), strict=True)) for key, counts in sums.items() if any(counts)]
    if rows:
        db.session.execute(insert(_COUNTS), rows)
    db.session.commit()
    return len(taken)
