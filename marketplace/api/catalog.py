"""API endpoints: the public catalogue — product search and listing, one
product, the categories. Only active products of approved stores are shown."""

from __future__ import annotations

from flask import request

from marketplace import pagecache
from marketplace.api.base import bp, paged
from marketplace.api.serializers import category_json, facets_json, product_json
from marketplace.catalog import misses, queries
from marketplace.catalog.facets import PagePass, facet_counts
from marketplace.catalog.search import SWITCH_VALUES, parse_search_args, search_products
from marketplace.catalog.services import category_by_slug
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.media import media_url

DEFAULT_PER_PAGE, MAX_PER_PAGE = 24, 100


@bp.get("/products")
@pagecache.cached(html=False, narrow=True)
def list_products():
    """A page of products, most relevant first when ?q= is given; ``?facets=1`` adds each filter's
    counts (``"facets"``). :raise 422: bad parameters."""
    params, errors = parse_search_args(request.args, per_page=DEFAULT_PER_PAGE, max_per_page=MAX_PER_PAGE)
    with_facets = request.args.get("facets", "")
    if with_facets not in SWITCH_VALUES:
        errors["facets"] = _("Pilih 1 atau 0.")
    for name in ("min_price", "max_price"):  # the pages read "Rp 25.000"; the API takes whole rupiah digits only
        raw = request.args.get(name, "").strip()
        if raw and not (raw.isascii() and raw.isdigit()):
            errors[name] = _("Harga harus bilangan bulat rupiah.")
    if errors:
        raise ValidationError(fields=errors)
    if params.category:
        params.category_id = category_by_slug(params.category).id  # 422 for an unknown slug
    result = search_products(params, full=True, counted=PagePass(params) if SWITCH_VALUES[with_facets] else None)
    misses.count_if_missed(params, result)  # what clients look for and do not find (agency synonym page)
    items = []
    for card in result.items:
        data = product_json(card.product, card.store_slug, card.category_slug)  # full=True: loaded
        data["thumbnail_url"] = media_url(card.image.path, 400) if card.image else None
        items.append(data)
    body = paged(items, result.total, result.page, result.per_page)
    body["suggestion"] = result.suggestion  # a better spelling of q when it found little ("Maksud Anda"), else null
    if SWITCH_VALUES[with_facets]:
        body["facets"] = facets_json(facet_counts(params, result.hits))
    return body


@bp.get("/products/<int:product_id>")
@pagecache.cached(detail=True, html=False, narrow=True)  # stock
def get_product(product_id: int):
    """One product with its variants and photos. :raise 404: unless active and its store approved."""
    product = queries.product_detail(product_id)
    return product_json(
        product,
        product.store.slug,
        product.category.slug if product.category else None,
        variants=product.variants,
        images=product.images,
    )


@bp.get("/categories")
def list_categories():
    """Every category: {"items": [{"slug", "name", "sector"}]}."""
    return {"items": [category_json(c) for c in queries.categories()]}
