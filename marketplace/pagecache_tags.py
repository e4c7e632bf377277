"""The words the page cache's tags are made of: what a kept page shows, what a write changed.

A kept page carries the tags of what it shows (marketplace/pagecache.py, ``depends_on``); a
commit publishes the tags of what it changed (marketplace/pagecache_products.py); a page is
dropped when one of its tags was published after it was rendered. Both sides build their
tags here, so a page and a write always spell a product or a listing the same way.

- ``p:<id>``: what a product's card and page show of it (name, prices, photos, store).
- ``d:<id>``: what only its page shows (stock, reviews).
- A dimension, the set of listed products a listing draws from: ``all`` (home, search without
  a filter, the API listing), ``store:<id>``, ``category:<id>``, ``sector:<slug>``,
  ``city:<key>``. The dimension's own tag is published when a product enters or leaves it
  (listed or not, moved, new) or its order by date changes.
- ``<aspect>@<dimension>``: a listing whose choice or order of products depends on their
  prices (sorted or filtered by price), stock (in stock only) or words (a search) carries
  ``price@…``, ``stock@…`` or ``text@…``; a write changing one product's price publishes
  ``price@`` for each of that product's dimensions.
- ``*catalog``, ``*detail``: any product change of that scope (what a memo that declares
  nothing narrower depends on, like the generations before it).
- ``~<tag>`` (:func:`lagging`): what a page shows of ``<tag>`` may be up to :data:`LAG_SECONDS`
  old. A change of ``<tag>`` drops a page carrying ``~<tag>`` once the page is that old (at
  once when it already is): busy counts that every sale changes (catalog/facets.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

ALL = "all"
ANY_CATALOG = "*catalog"
ANY_DETAIL = "*detail"
PRICE, STOCK, TEXT = "price", "stock", "text"
ASPECTS = (PRICE, STOCK, TEXT)
LAG = "~"
LAG_SECONDS = 60.0


def lagging(tag: str) -> str:
    """``tag`` as a page that may show it up to :data:`LAG_SECONDS` late depends on it."""
    return LAG + tag


def product(product_id: int) -> str:
    return f"p:{product_id}"


def product_detail(product_id: int) -> str:
    return f"d:{product_id}"


def store(store_id: int) -> str:
    return f"store:{store_id}"


def category(category_id: int) -> str:
    return f"category:{category_id}"


def sector(slug: str) -> str:
    return f"sector:{quote(slug, safe='')}"


def city(key: str) -> str:
    """``key``: the city as the listing rows keep it for the filter (lower case)."""
    return f"city:{quote(key, safe='')}"


def listing(dimension: str, aspects: Iterable[str] = ()) -> tuple[str, ...]:
    """The tags of a listing drawing from ``dimension`` whose choice or order also depends on ``aspects``."""
    return (dimension, *(f"{aspect}@{dimension}" for aspect in aspects))


def dimensions(store_id: int, category_id: int | None, sector_slug: str, city_key: str) -> list[str]:
    """Every dimension a listed product with these values is in."""
    found = [ALL, store(store_id), sector(sector_slug), city(city_key)]
    if category_id is not None:
        found.append(category(category_id))
    return found
