"""The public catalogue: home, search, sector and category pages, stores,
storefronts and product pages. HTTP only: the listings come from
catalog.search and catalog.queries, each page in a fixed number of statements."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, get_template_attribute, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from marketplace import pagecache
from marketplace import pagecache_tags as tags
from marketplace.catalog import cardcache, misses, queries
from marketplace.catalog.facets import PagePass, facet_counts
from marketplace.catalog.filter_links import filter_sheet
from marketplace.catalog.search import SearchParams, latest_products, parse_search_args, search_products
from marketplace.catalog.sectors import SECTORS, category_name, sector_choices, sector_name
from marketplace.expo import queries as expo_queries
from marketplace.expo.booths import booths_of as store_booths
from marketplace.expo.services import expo_state, next_change
from marketplace.gov import offers as gov_offers
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg
from marketplace.stores import interest
from marketplace.stores.services import get_selling_store
from marketplace.urls import absolute_url

bp = Blueprint("catalog", __name__, template_folder="templates")
bp.record_once(lambda state: cardcache.init_app(state.app))  # card_html: the grids' cards, rendered once

SUGGESTIONS = ("batik", "teh poci", "kerajinan", "telur asin", "sambal")


@bp.app_template_global()
def sector_label(slug: str) -> str:
    """A sector's name in the page's language."""
    return sector_name(slug)


bp.add_app_template_global(category_name)


@bp.app_template_global()
def image_size(width: int, height: int, side: int) -> tuple[int, int]:
    """Width and height of an image's thumbnail of ``side``, for <img> attributes."""
    return queries.fit(width, height, side)


def _per_page() -> int:
    return int(current_app.config.get("PER_PAGE", 24))


def _pager_args(**view_args) -> dict:
    """The current filters (without page and lang) plus the URL's own arguments."""
    args = {k: v for k, v in request.args.items() if v and k not in ("page", "lang")}
    args.update(view_args)
    return args


def _for_offices(params: SearchParams) -> SearchParams:
    """An office's official sees what stores offer to offices on the cards and may keep only
    those (``?instansi=1``); for anyone else the listing stays as it was (and costs nothing more)."""
    params.gov_terms = gov_offers.sees_offers(current_user)
    params.offered_only = params.gov_terms and request.args.get("instansi") == "1"
    return params


def _render_listing(params: SearchParams, errors: dict, categories: list, fixed: tuple = (), **page) -> str:
    """A product grid with its filter sheet (the facets with counts), sort and pager (search,
    sector and category pages). ``fixed``: the facets the page's own URL decides."""
    if params.category and params.category_id is None:  # by id, the filter has an index
        params.category_id = next((c.id for c in categories if c.slug == params.category), None)
    # with words the page's statement also counts the facets' grouped pass (facets.PagePass)
    result = search_products(_for_offices(params), counted=PagePass(params, fixed))
    misses.count_if_missed(params, result)  # what visitors look for and do not find (agency synonym page)
    facets = facet_counts(params, result.hits, categories, fixed)
    base = url_for(request.endpoint, **(request.view_args or {}))
    return render_template(
        "catalog/listing.html",
        result=result,
        params=params,
        errors=errors,
        sort=params.effective_sort,
        sheet=filter_sheet(base, params, facets, errors, fixed),
        base=base,
        sectors=sector_choices(),
        suggestions=SUGGESTIONS,
        pager_args=_pager_args(**(request.view_args or {})),
        for_offices=params.gov_terms,
        fixed=fixed[-1] if fixed else None,
        **page,
    )


@bp.get("/")
@pagecache.cached(narrow=True)
def home():
    """The home page: the expo, sectors, featured vendors, newest products, some categories."""
    expo = expo_queries.newest_expo()
    if expo is not None:
        pagecache.expires_at(next_change(expo))
    first_per_sector: dict = {}
    for c in queries.categories():
        first_per_sector.setdefault(c.sector, c)
    return render_template(
        "catalog/home.html",
        expo=expo,
        expo_state=expo_state(expo) if expo else None,
        featured=expo_queries.featured_entries(),
        products=latest_products(_per_page(), gov_terms=gov_offers.sees_offers(current_user)),
        categories=list(first_per_sector.values()),
        sectors=sector_choices(),
    )


@bp.get("/search")
@pagecache.cached(narrow=True)
def search():
    """Products matching ?q= and the filters, most relevant first."""
    params, errors = parse_search_args(request.args, per_page=_per_page())
    categories = queries.categories()
    heading = _("Hasil untuk “%(q)s”", q=params.q) if params.q else _("Semua produk")
    return _render_listing(params, errors, categories, heading=heading)


@bp.get("/sectors/<slug>")
@pagecache.cached(narrow=True)
def sector(slug: str):
    """Products of one sector's stores. :raise 404: unknown sector."""
    if slug not in SECTORS:
        abort(404)
    params, errors = parse_search_args(request.args, per_page=_per_page())
    params.sector, errors = slug, {k: v for k, v in errors.items() if k != "sector"}
    categories = queries.categories()  # a store may file a product under another sector's category
    return _render_listing(params, errors, categories, ("sector",), heading=sector_name(slug))


@bp.get("/categories/<slug>")
@pagecache.cached(narrow=True)
def category(slug: str):
    """Products of one category. :raise 404: unknown category."""
    categories = queries.categories()
    current = next((c for c in categories if c.slug == slug), None)
    if current is None:
        abort(404)
    params, errors = parse_search_args(request.args, per_page=_per_page())
    # the category decides the sector too: a ?sector= beside it could only empty the page
    params.sector, errors = None, {k: v for k, v in errors.items() if k != "sector"}
    params.category, params.category_id = slug, current.id
    fixed = ("sector", "category")
    return _render_listing(params, errors, categories, fixed, heading=None, current_category=current)


@bp.get("/stores")
@pagecache.cached(narrow=True)
def stores():
    """Approved stores by name, filtered by ?sector= and ?city=."""
    sector = request.args.get("sector") if request.args.get("sector") in SECTORS else None
    city = (request.args.get("city") or "").strip()[:80] or None
    result = queries.store_page(sector, city, page_arg(), _per_page())
    return render_template(
        "catalog/stores.html",
        result=result,
        sector=sector,
        city=city,
        sectors=sector_choices(),
        cities=queries.cities(),
        pager_args=_pager_args(),
    )


@bp.get("/stores/<slug>")
@pagecache.cached(narrow=True)
def store(slug: str):
    """A storefront and its active products. :raise 404: unknown or not approved store."""
    store = get_selling_store(slug)
    params, errors = parse_search_args(request.args, per_page=_per_page())
    result = search_products(
        SearchParams(
            q=params.q,
            store_id=store.id,
            sort=params.sort,
            page=params.page,
            per_page=params.per_page,
            gov_terms=gov_offers.sees_offers(current_user),
        )
    )
    booths = store_booths(store)
    for booth in booths:  # "Stan di ..." becomes "Pernah ikut" when the expo ends
        pagecache.expires_at(next_change(booth.expo))
    return render_template(
        "catalog/store.html",
        store=store,
        booths=booths,
        result=result,
        params=params,
        sort=params.effective_sort,
        pager_args=_pager_args(slug=slug),
        store_url=absolute_url("catalog.store", slug=slug),
    )


@bp.get("/products/<int:product_id>")
@pagecache.cached(detail=True, narrow=True)  # stock and reviews
def product(product_id: int):
    """A product page. :raise 404: unless the product is active and its store approved."""
    product, booth = queries.product_page(product_id)
    for_offices = gov_offers.sees_offers(current_user)
    more = [c for c in latest_products(5, store_id=product.store_id, gov_terms=for_offices) if c.id != product.id][:4]
    variants = product.variants
    prices = [v.price for v in variants] or [product.price_min]
    return render_template(
        "catalog/product.html",
        meta=_product_meta(product),
        product=product,
        variants=variants,
        chosen=next((v for v in variants if v.stock > 0), None),
        store=product.store,
        booth=booth,
        images=product.images,
        more=more,
        price_from=min(prices),
        price_varies=min(prices) != max(prices),
        product_url=absolute_url("catalog.product", product_id=product.id),
        own_store=_sells_here(product.store_id),
        ongkir=_ongkir_estimate(product, min(prices)),
        gov_offer=gov_offers.terms_for(current_user, product.id) if for_offices else None,
    )


def _product_meta(product) -> Markup:
    """The page's meta block (canonical and language links, share tags, schema.org data): the
    same for every visitor of a language until the product, its stock or reviews, or the
    catalogue change, as the page cache's copy of the page is; a tenth of its render."""

    def render() -> Markup:  # a macro of an autoescaped template returns Markup, escaped by Jinja
        product_meta = get_template_attribute("_meta.html", "product_meta")
        return product_meta(product, product.variants, product.store, product.images)

    return pagecache.memo(
        ("product-meta", product.id, *cardcache.page_variant()),
        render,
        scope="detail",
        depends=(tags.product(product.id), tags.product_detail(product.id)),
        size=lambda html: 256 + len(html),
    )


def _ongkir_estimate(product, price: int):
    """The cheapest delivery: to a signed-in shopper's default address (never served from the
    page cache), else to the store's own district, the same for every visitor."""
    from marketplace.shipping import addresses, estimate
    from marketplace.shipping.options import Destination

    destination: Destination | None = None
    if current_user.is_authenticated:
        home = addresses.default_for(current_user)
        if home is not None:
            names = addresses.region_names(home.district_code)
            destination = Destination(home.district_code, home.postal_code, names.get("district") or "")
    return estimate.for_product(product, price, destination)


def _sells_here(store_id: int) -> bool:
    """Whether the signed-in user belongs to the store, so the page offers no purchase it would refuse.
    Only sellers can (joining a store makes one), so shoppers and visitors cost no statement."""
    return bool(
        current_user.is_authenticated and current_user.has_role("seller") and interest.is_member(store_id, current_user)
    )
