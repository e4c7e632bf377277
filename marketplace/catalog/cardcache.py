"""Product cards rendered once per product version and reused by every listing that shows them
(home, search, sector, category, storefront, booth, "more from this store").

The card's HTML has one definition, ``CARD`` below, filled by :func:`render` in plain Python: as
a Jinja macro (with url_for, media_url and gettext per card) a cold card cost ~60 µs, a grid of 24
a third of a home page's render with the card cache empty. ``card_html(card)`` and
``cards_html(cards)`` (template globals; the macros ``product_card`` and ``product_grid`` of
catalog/templates/catalog/_macros.html call them) render it on a miss and keep the result in this
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

from typing import Any, NamedTuple

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from marketplace.expo import queries as expo_queries
from marketplace.i18n import rupiah, translations
from marketplace.media import media_url
from marketplace.pagecache_storage import LRU
from marketplace.urls import id_path_pattern

EXTENSION = "apik_cardcache"
SIDE = 400  # the thumbnail a card shows

# What a card shows (each value escaped by render); the blank lines are where the macro this
# replaced had its tags, kept so the pages' HTML did not change.
CARD = (
    '<article class="card">\n'
    '  <a href="{url}">\n'
    "    \n"
    '    <img src="{image}" alt="" width="{width}" height="{height}" loading="lazy">\n'
    '    <div class="body">\n'
    '      <h3 class="name">{name}</h3>\n'
    '      <p class="price">{price}</p>\n'
    "      {gov}\n"
    "      {expo}\n"
    '      <p class="meta">{meta}</p>\n'
    "    </div>\n"
    "  </a>\n"
    "</article>"
)
GOV = '<p class="gov-mark"><span class="badge ok">{label}</span> <span class="meta">{terms}</span></p>'
EXPO = '<p class="expo-mark"><span class="badge expo">{label}</span></p>'


class Grid(NamedTuple):
    """What every card of a grid shares, looked up once per grid rather than once per card: the
    product path around the id, the placeholder image, the stores exhibiting now, the expo
    badge's words, the cache and the page's part of its keys."""

    path_head: str
    path_tail: str
    placeholder: str
    live: set[int]
    expo_mark: str
    cache: LRU | None
    page: tuple[str, str]


def grid() -> Grid:
    head, tail = id_path_pattern("catalog.product", "product_id")
    placeholder, expo_mark = media_url(None, SIDE), EXPO.format(label=_("Peserta Expo"))
    return Grid(head, tail, placeholder, _live(), expo_mark, current_app.extensions.get(EXTENSION), page_variant())


def card_html(card, shared: Grid | None = None) -> Markup:
    """The card's HTML: from this process's cache, or rendered and kept."""
    shared = shared or grid()
    cache = shared.cache
    if cache is None:
        return render(card, shared)
    live = card.store_id in shared.live
    key = (card.id, card.version, card.listing.created_at, live, _freeze(card.extra), *shared.page)
    found = cache.get(key)
    if found is not None:
        return found[0]
    html = render(card, shared)
    cache.put(key, html, len(html) + 256)
    return html


def cards_html(cards) -> Markup:
    """The cards of a grid, one after the other (what a loop over ``card_html`` writes)."""
    shared = grid()
    return Markup("".join([card_html(card, shared) for card in cards]))


def render(card, shared: Grid | None = None) -> Markup:
    """The card itself, uncached: ``CARD`` filled with the card's values, escaped as Jinja would."""
    shared = shared or grid()
    image = card.image
    width, height = image.size(SIDE) if image else (SIDE, SIDE)
    gov = card.extra.get("gov_offer")
    # formatted, not Markup + str: each + escapes its other side and makes a new Markup (~2 µs a card)
    meta = f"{escape(card.store_name)} · {escape(card.city)}" if card.city else escape(card.store_name)
    return Markup(
        CARD.format(
            url=escape(f"{shared.path_head}{int(card.id)}{shared.path_tail}"),
            image=escape(media_url(image.path, SIDE) if image else shared.placeholder),
            width=width,
            height=height,
            name=escape(card.name),
            price=escape(rupiah(card.price)),
            gov=GOV.format(
                label=_("Untuk instansi"),
                terms=_("min. %(n)d %(unit)s", n=gov["min_quantity"], unit=gov["unit"]),
            )
            if gov
            else "",
            expo=shared.expo_mark if card.store_id in shared.live else "",
            meta=meta,
        )
    )


def _(message: str, **variables) -> Markup:
    """A template's ``_()``: the translation in the page's language as markup, ``variables`` escaped."""
    return Markup(translations().ugettext(message)) % variables


def _live() -> frozenset[int]:
    return expo_queries.live_exhibitor_ids()  # once per request (remembered on g)


def page_variant() -> tuple[str, str]:
    """The language and the mount path of this request, computed once per request: what HTML
    shared by every visitor (a card, the expo hall's booths) varies with besides its data."""
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
    """The LRU of ``CARD_CACHE_MAX_BYTES`` (none when 0) and the template globals ``card_html`` and ``cards_html``."""
    size = int(app.config.get("CARD_CACHE_MAX_BYTES", 8 * 1024 * 1024) or 0)
    if size > 0:
        app.extensions[EXTENSION] = LRU(size, max_items=200_000)
    app.jinja_env.globals["card_html"] = card_html
    app.jinja_env.globals["cards_html"] = cards_html
