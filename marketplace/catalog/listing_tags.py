"""What a product listing depends on, as page cache tags (marketplace/pagecache_tags.py).

A listing draws its products from one dimension — the narrowest of its filters: a store, a
category, a city, a sector, else ``all`` — so a product entering or leaving it, anywhere in
that dimension, drops the page (every product outside it fails that filter before and after).
Its order and choice may also depend on the products' prices (sorted or filtered by price),
stock (in stock only) or words (a search): then a change of that aspect of any product of
the dimension drops it too. The products it shows add their own tags (queries.cards).

What else a page reads through ``pagecache.memo`` (a total, facet counts) adds the memo's
tags; a memo that declares none depends on every product change.
"""

from __future__ import annotations

from marketplace import pagecache_tags as tags

PRICE_SORTS = ("price_asc", "price_desc")


def dimension(params) -> str:
    """The narrowest dimension of a listing's filters (``SearchParams``); a filter by a store's
    or category's slug alone names no dimension (the rows' tags use ids)."""
    if params.store_id is not None:
        return tags.store(params.store_id)
    if params.category_id is not None:
        return tags.category(params.category_id)
    if params.city:
        return tags.city(params.city.lower())
    if params.sector:
        return tags.sector(params.sector)
    return tags.ALL


def listing(params, words: bool) -> tuple[str, ...]:
    """The tags of a listing of ``params`` (``words``: it matches search words)."""
    aspects = []
    if words:
        aspects.append(tags.TEXT)
    if params.sort in PRICE_SORTS or params.min_price is not None or params.max_price is not None:
        aspects.append(tags.PRICE)
    # in stock only: a filter a listing may have (the facets' "in_stock")
    if getattr(params, "in_stock", False):
        aspects.append(tags.STOCK)
    return tags.listing(dimension(params), aspects)
