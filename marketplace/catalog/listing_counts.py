"""The counts of listings without search words, read from ``listing_counts`` (migration 0034).

A sector page's total and facets counted every listed product of the sector (27,000 rows of
kuliner at 100,000 products: 12 ms on SQLite, 7 on PostgreSQL, with every cache empty), and a
listing filtered by a price band or by stock 20 to 60 ms. The table keeps those counts per group
of products that share every column such a listing filters on (store, sector, category, city,
in stock or not, price band): 7,317 groups at 100,000 products, summed here for the groups a
listing's filters keep. What the groups cannot tell (a price range that is not a run of whole
bands, an office's offers, the words of a search) is still counted product by product
(:func:`covers`).

A listing that filters by no store and not by the expo reads ``listing_totals`` instead (migration
0035): the same groups without the store, 253 rows for kuliner instead of 2,279, 1,308 for the
whole catalogue; its exhibitors' count is then one sum over listing_counts (:func:`table`).

The triggers only insert change rows, so writers never wait for each other; :func:`fold` adds
each group's rows up into one, every minute on the job queue (catalog/schedule.py). Reads sum a
group's rows and are exact whether folded or not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select
from sqlalchemy.sql.visitors import replacement_traverse

from marketplace.catalog.models import ListingCount, ListingTotal, ProductListing
from marketplace.extensions import db

# The price facet's bands, (lowest, highest price) of a product's cheapest variant, None: no
# upper end. catalog/facets.py labels them; migration 0034 froze the same in its triggers.
BAND_LIMITS: tuple[tuple[int, int | None], ...] = (
    (0, 24_999),
    (25_000, 49_999),
    (50_000, 99_999),
    (100_000, 249_999),
    (250_000, 999_999),
    (1_000_000, None),
)
KEYS = ("store_id", "store_slug", "sector", "category_id", "category_slug", "city_key", "in_stock", "band")
TOTAL_KEYS = KEYS[2:]  # listing_totals': the same without the store

_LISTING = ProductListing.__table__
COUNTS: Table = ListingCount.__table__  # type: ignore[assignment]
TOTALS: Table = ListingTotal.__table__  # type: ignore[assignment]
_KEYS_OF = {COUNTS: KEYS, TOTALS: TOTAL_KEYS}


def bands_between(min_price: int | None, max_price: int | None) -> range | None:
    """The bands a price range is made of, when it is whole bands (as the price facet's choices
    are); None when it cuts one."""
    lows = [low for low, _high in BAND_LIMITS]
    highs = [high for _low, high in BAND_LIMITS]
    low = min_price or 0
    if low not in lows or max_price not in highs:
        return None
    first, last = lows.index(low), highs.index(max_price)
    return range(first, last + 1) if first <= last else None


def covers(params: Any) -> bool:
    """Whether the groups answer the counts of the listing ``params`` (catalog.search.SearchParams)
    selects without its words (the caller's to rule out): no office's offers, and a price range,
    if any, of whole bands."""
    if params.offered_only:
        return False
    priced = params.min_price is not None or params.max_price is not None
    return not priced or bands_between(params.min_price, params.max_price) is not None


def table(params: Any) -> Table | None:
    """The groups that answer the counts of the listing ``params`` selects without its words:
    listing_totals' where no filter reads the store (a store's, the expo's), else
    listing_counts'; None where neither does (:func:`covers`)."""
    if not covers(params):
        return None
    by_store = params.store_id is not None or bool(params.store) or bool(params.expo)
    return COUNTS if by_store else TOTALS


def on_groups(clause: Any, groups: Table = COUNTS) -> Any:
    """``clause`` on listing rows (a filter of catalog.search.filter_groups other than the price's)
    as the same clause on the ``groups``: each column it names is one of their keys, under the
    same name."""

    def swap(element: Any, **_kw: Any) -> Any:
        if getattr(element, "table", None) is _LISTING:
            return groups.c[element.name]
        return None

    return replacement_traverse(clause, {}, swap)


def grouped_filters(groups: dict[str, list], params: Any, bound: bool = False, on: Table = COUNTS) -> dict[str, list]:
    """catalog.search.filter_groups' conditions on the groups ``on``: the price range as its bands
    (``bound``: the parameter ``bands``, :func:`band_values`)."""
    out = {name: [on_groups(c, on) for c in conditions] for name, conditions in groups.items() if name != "price"}
    bands = bands_between(params.min_price, params.max_price)
    if not groups.get("price") or bands is None:
        out["price"] = []
    elif bound:
        out["price"] = [on.c.band.in_(bindparam("bands", expanding=True, required=True))]
    else:
        out["price"] = [on.c.band.in_(list(bands))]
    return out


def band_values(params: Any) -> dict[str, list[int]]:
    """The parameter of a bound price filter on the groups (:func:`grouped_filters`)."""
    bands = bands_between(params.min_price, params.max_price)
    return {"bands": list(bands)} if bands is not None else {}


def total(conditions: list, groups: Table) -> Any:
    """The statement counting the listed products ``conditions`` (on the ``groups``) keep."""
    return select(func.coalesce(func.sum(groups.c.n), 0)).select_from(groups).where(*conditions)


def fold() -> int:
    """Add each group's rows up into one, in both tables (a group whose count is 0 goes); the
    number of rows there were. The rows are taken by one DELETE, so a change row a writer
    inserts meanwhile stays for the next fold, and two folds at once take disjoint rows: no
    count is lost or kept twice. A table where no group has two rows is not written."""
    taken = sum(_fold(groups, keys) for groups, keys in _KEYS_OF.items())
    db.session.commit()
    return taken


def _fold(groups: Table, names: tuple[str, ...]) -> int:
    keys = [groups.c[k] for k in names]
    several = select(func.count()).select_from(groups).group_by(*keys).having(func.count() > 1).limit(1)
    if db.session.execute(several).first() is None:
        return 0
    taken = db.session.execute(delete(groups).returning(*keys, groups.c.n)).all()
    sums: dict[tuple, int] = {}
    for row in taken:
        key = tuple(row[: len(names)])
        sums[key] = sums.get(key, 0) + row.n
    rows = [{**dict(zip(names, key, strict=True)), "n": n} for key, n in sums.items() if n]
    if rows:
        db.session.execute(insert(groups), rows)
    return len(taken)
