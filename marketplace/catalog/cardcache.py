"""Product cards rendered once per product version and reused by every listing that shows them
(home, search, sector, category, storefront, booth, "more from this store").

The card's HTML has one definition, the macro ``product_card_body`` of
catalog/templates/catalog/_macros.html: ``card_html(card)`` (a template global; the macros
``product_card`` and ``product_grid`` call it) renders it on a miss and keeps the result in this
process, in an LRU bounded by ``CARD_CACHE_MAX_BYTES`` (0: every card is rendered each time).

The key is everything the HTML depends on:
- the product and its listing row's ``version``, which grows whenever anything the row holds
  changes (name, prices, photo, store name, city: the triggers of migration 0028), and the
  row's creation time (SQLite may give a deleted product's id to a new one, whose version
  starts again at 1);
- the page's language;
- whether the store exhibits in a running expo now (the "Peserta Expo" badge: the same
  ``expo_live_store_ids()`` the macro asks, which follows the expo's clock);
- ``card.extra`` (the terms an office's official is shown, a booth's pin);
- the path the app is mounted under (links and image URLs are built from it).
A card keyed so is never stale: a price or name change gives a new version, hence a new card.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

from marketplace.expo import queries as expo_queries
from marketplace.pagecache_storage import LRU

EXTENSION = "apik_cardcache"
TEMPLATE = "catalog/_macros.html"
MACRO = "product_card_body"


def card_html(card) -> Markup:
    """The card's HTML: from this process's cache, or rendered by the macro and kept."""
    cache: LRU | None = current_app.extensions.get(EXTENSION)
    if cache is None:
        return render(card)
    key = (card.id, card.version, card.listing.created_at, card.store_id in _live(), _freeze(card.extra), *_page())
    found = cache.get(key)
    if found is not None:
        return found[0]
    html = render(card)
    cache.put(key, html, len(html) + 256)
    return html


def render(card) -> Markup:
    """The macro itself, uncached."""
    module = current_app.jinja_env.get_template(TEMPLATE).module
    return getattr(module, MACRO)(card)


def _live() -> set[int]:
    return expo_queries.live_exhibitor_ids()  # once per request (remembered on g)


def _page() -> tuple[str, str]:
    """The language and the mount path of this request, computed once per request."""
    found = g.get("cardcache_page")
    if found is None:
        found = g.cardcache_page = (str(get_locale()), request.script_root)
    return found


def _freeze(value: Any):
    """``card.extra`` as a key: dicts and lists become sorted tuples."""
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(v) for v in value)
    return value


def clear(app: Flask | None = None) -> None:
    """Forget this process's cards (tests that count a cold page)."""
    cache = (app or current_app).extensions.get(EXTENSION)
    if cache is not None:
        cache.clear()


def init_app(app: Flask) -> None:
    """The LRU of ``CARD_CACHE_MAX_BYTES`` (none when 0) and the template global ``card_html``."""
    size = int(app.config.get("CARD_CACHE_MAX_BYTES", 8 * 1024 * 1024) or 0)
    if size > 0:
        app.extensions[EXTENSION] = LRU(size, max_items=200_000)
    app.jinja_env.globals["card_html"] = card_html
