"""Read-only catalogue queries for the public pages and the JSON API.

Every function loads what its page shows in a fixed number of statements,
whatever the page size: a grid is one statement over the products' listing rows
(``ProductListing``, kept by triggers: no join; a ranked search with its total
as a window count). Relationships are ``lazy="raise_on_sql"``, so anything a
template reads is loaded here.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace import pagecache, reads
from marketplace import pagecache_tags as tags
from marketplace.catalog.models import Category, Product, ProductImage, ProductListing, Variant
from marketplace.catalog.sectors import SECTORS
from marketplace.clock import now
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.gov.models import GovOffer
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

# What a visitor may see: an active product of an approved store. Every read of the public
# catalogue (listings, search, the product page, the sitemaps) filters by it, joined to Store.
LISTED = (Product.status == "active", Store.status == "approved")


@dataclass
class Page:
    """One page of a listing: ``items``, ``total`` (all pages), ``page``, ``per_page``."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def fit(width: int, height: int, side: int) -> tuple[int, int]:
    """Width and height of an image's thumbnail of ``side`` (as media.save_image makes
    it: never upscaled); a square when the size is unknown."""
    if not width or not height:
        return side, side
    scale = min(side / width, side / height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass(frozen=True)
class Thumb:
    path: str
    width: int
    height: int

    def size(self, side: int) -> tuple[int, int]:
        return fit(self.width, self.height, side)


@dataclass
class ProductCard:
    """What a product grid shows, from the product's listing row (the columns of ``ProductListing``
    as a plain row: no ORM object to build): its name, prices, store, city, first photo.
    ``product`` is the product's own row (the columns of ``Product``, read as a plain row like
    the listing's), loaded only when asked for (``full``: the API shows its description and
    dimensions)."""

    listing: Any
    extra: dict[str, Any] = field(default_factory=dict)
    product: Any = None

    @property
    def id(self) -> int:
        return self.listing.product_id

    @property
    def name(self) -> str:
        return self.listing.name

    @property
    def price(self) -> int:
        return self.listing.price_min

    @property
    def store_id(self) -> int:
        return self.listing.store_id

    @property
    def store_slug(self) -> str:
        return self.listing.store_slug

    @property
    def store_name(self) -> str:
        return self.listing.store_name

    @property
    def city(self) -> str:
        return self.listing.city

    @property
    def sector(self) -> str:
        return self.listing.sector

    @property
    def category_slug(self) -> str | None:
        return self.listing.category_slug

    @property
    def version(self) -> int:
        """Grows whenever anything the row holds changes: what a rendered card is keyed by."""
        return self.listing.version

    @property
    def image(self) -> Thumb | None:
        row = self.listing
        return Thumb(row.image_path, row.image_width or 0, row.image_height or 0) if row.image_path else None


# --- product grids -----------------------------------------------------------

# selected as columns, not as the mapped class: a grid's rows need no identity map or object
# state, and building 24 ORM objects was a tenth of a cold render (bench/results/coldpath-profile.md)
LISTING_COLUMNS = tuple(ProductListing.__table__.c)


@cache  # the same four statements every time: built once per process, each caller extends a copy
def listing_select(with_total: bool = True, gov_terms: bool = False, listed_only: bool = True) -> Select:
    """Listed products' rows (``ProductListing``: no join), and (``with_total``) the count of all
    matching rows as a window, so a page and its total are one statement. ``listed_only=False``:
    every row, for a caller that reads a few by id and keeps the listed ones itself (SQLite takes
    an index that starts with ``listed`` over the primary key, and reads every listed row).

    ``gov_terms=True`` (an office's official is looking) joins what stores offer to offices, so
    the cards' "untuk instansi" mark costs no statement of its own (:func:`cards`).
    ``with_total=False`` lets the database stop at the page (the home page's newest products
    need no total).
    """
    columns: list = list(LISTING_COLUMNS)
    if gov_terms:
        columns += [
            GovOffer.unit.label("gov_unit"),
            GovOffer.min_quantity.label("gov_min_quantity"),
            GovOffer.lead_days.label("gov_lead_days"),
        ]
    if with_total:
        columns.append(func.count().over().label("total"))
    stmt = select(*columns)
    if listed_only:
        stmt = stmt.where(ProductListing.listed.is_(True))
    if gov_terms:
        stmt = stmt.outerjoin(GovOffer, (GovOffer.product_id == ProductListing.product_id) & GovOffer.active.is_(True))
    return stmt


def first_images(product_ids: Sequence[int]) -> dict[int, Thumb]:
    """The first photo of each product, in one statement."""
    if not product_ids:
        return {}
    ranked = (
        select(
            ProductImage.product_id,
            ProductImage.path,
            ProductImage.width,
            ProductImage.height,
            func.row_number()
            .over(partition_by=ProductImage.product_id, order_by=(ProductImage.position, ProductImage.id))
            .label("n"),
        )
        .where(ProductImage.product_id.in_(list(product_ids)))
        .subquery()
    )
    rows = reads.execute(select(ranked).where(ranked.c.n == 1))
    return {r.product_id: Thumb(r.path, r.width, r.height) for r in rows}


def _gov_offer(row) -> dict[str, Any]:
    """``{"gov_offer": {unit, min_quantity, lead_days}}`` for a row of an offered product read
    with ``gov_terms``; empty otherwise."""
    if getattr(row, "gov_unit", None) is None:
        return {}
    terms = {"unit": row.gov_unit, "min_quantity": row.gov_min_quantity, "lead_days": row.gov_lead_days}
    return {"gov_offer": terms}


def _plain(rows: list) -> list[tuple]:
    """SQLAlchemy Rows of one statement as named tuples of the same fields: a card reads a dozen
    of them each render, ~0.4 µs each by name on a Row, ~0.05 on a tuple. The fields are read
    from the first row (a Row builds the tuple of its names each time it is asked)."""
    if not rows:
        return []
    make = _tuple_type(rows[0]._fields)._make
    return [make(row) for row in rows]


@cache
def _tuple_type(fields: tuple[str, ...]) -> type:
    return namedtuple("ListingRow", fields)


def cards(rows, full: bool = False) -> list[ProductCard]:
    """Rows of ``listing_select`` (of one statement) turned into cards; an offered product read
    with ``gov_terms`` carries its terms in ``extra["gov_offer"]``. ``full=True`` also loads each
    card's product row (one more statement, by primary key: the API's descriptions and dimensions)."""
    rows = _plain(list(rows))
    items = [ProductCard(listing=r, extra=_gov_offer(r)) for r in rows]
    if pagecache.collecting():  # the page shows these products: a change of one drops it
        pagecache.depends_on(*(tags.product(card.id) for card in items))
    if full and items:
        products = reads.execute(_products_by_id(), {"ids": [c.id for c in items]})
        by_id = {p.id: p for p in products}
        for card in items:
            card.product = by_id[card.id]
    return items


@cache
def _products_by_id() -> Select:
    """Products' columns by id (``:ids``): rows, not objects, for the API's 24 to 100 items."""
    return select(*Product.__table__.c).where(Product.id.in_(bindparam("ids", expanding=True)))


# --- one product ---------------------------------------------------------------


@dataclass(frozen=True)
class Booth:
    """Where a product's store exhibits: its booth (may be empty), the hall's zone anchor, the expo."""

    booth: str
    anchor: str
    expo_slug: str
    expo_name: str


def product_detail(product_id: int) -> Product:
    """An active product of an approved store with its store, category, variants
    and photos loaded, and whether its store exhibits in a running expo (three
    statements). :raise NotFound: otherwise."""
    return product_page(product_id)[0]


def product_page(product_id: int) -> tuple[Product, Booth | None]:
    """``product_detail`` and the store's booth in the expo that ends last among those not
    over (None without one), joined in the product's statement. :raise NotFound: as there.

    Three statements, each built once per process (``functools.cache``): building the product's
    statement with its expo subqueries, and SQLAlchemy's selectinload building the variants'
    and photos' statements and their cache keys, were a quarter of a product page's render."""
    from marketplace.expo import queries as expo_queries

    row = db.session.execute(_product_page_statement(), {"product_id": product_id, "at": now()}).unique().one_or_none()
    if row is None:
        raise NotFound(_("Produk tidak ditemukan."))
    product, exhibiting, badge_changes, booth, zone, expo_slug, expo_name = row
    by_product = {"product_id": product_id}
    variants = db.session.scalars(_variants(), by_product).all()
    set_committed_value(product, "variants", variants)
    set_committed_value(product, "images", db.session.scalars(_images(), by_product).all())
    pagecache.depends_on(tags.product(product_id), tags.product_detail(product_id))
    pagecache.expires_at(badge_changes)
    # the product page shows this one store's products only: its badge is all the page needs
    expo_queries.remember_live_exhibitors({product.store_id} if exhibiting else set())
    if expo_slug is None:
        return product, None
    return product, Booth(booth or "", expo_queries.zone_anchor(zone), expo_slug, expo_name)


# Statements of bound parameters only, built once per process: a statement object remembers its
# cache key, a new one is built and traversed again each time (as marketplace/rows.py's).


@cache
def _product_page_statement() -> Select:
    """The product (``:product_id``) with its store and category, whether the store exhibits
    now, when its badge changes and its booth, all as of ``:at``."""
    from marketplace.expo import queries as expo_queries
    from marketplace.expo.models import Exhibitor, Expo
    from marketplace.expo.services import exhibiting_now

    at = bindparam("at")
    return (
        select(
            Product,
            exhibiting_now(Product.store_id, at).label("exhibiting"),
            expo_queries.store_expo_change(Product.store_id, at).label("badge_changes"),
            Exhibitor.booth,
            Exhibitor.zone,
            Expo.slug,
            Expo.name,
        )
        .join(Store, Store.id == Product.store_id)
        .outerjoin(Exhibitor, Exhibitor.id == expo_queries.store_booth_id(Product.store_id, at))
        .outerjoin(Expo, Expo.id == Exhibitor.expo_id)
        .options(contains_eager(Product.store), joinedload(Product.category))
        .where(Product.id == bindparam("product_id"), *LISTED)
    )


@cache
def _variants() -> Select:
    """A product's variants in the relationship's order (``Product.variants``)."""
    return select(Variant).where(Variant.product_id == bindparam("product_id")).order_by(Variant.id)


@cache
def _images() -> Select:
    """A product's photos in the relationship's order (``Product.images``; the id breaks ties)."""
    return (
        select(ProductImage)
        .where(ProductImage.product_id == bindparam("product_id"))
        .order_by(ProductImage.position, ProductImage.id)
    )


# --- categories, cities, stores -------------------------------------------------


class CategoryEntry(NamedTuple):
    """A category as the pages, facets and API show it: a plain tuple a memo keeps across
    requests (a Category object belongs to one request's session, and loading the 25 of the
    demo as objects at every request was a tenth of a listing's render)."""

    id: int
    slug: str
    name: str
    name_en: str
    sector: str
    position: int


def categories() -> tuple[CategoryEntry, ...]:
    """Every category, by sector (in the order of SECTORS) then in the agency's order;
    remembered until a category changes (a write to them replaces the generations)."""
    return pagecache.memo(("categories",), _read_categories, depends=(), size=pagecache.sized(160))


def _read_categories() -> tuple[CategoryEntry, ...]:
    order = {slug: i for i, slug in enumerate(SECTORS)}
    rows = [CategoryEntry._make(row) for row in reads.execute(_categories())]
    return tuple(sorted(rows, key=lambda c: order.get(c.sector, len(order))))  # stable: keeps position order


@cache
def _categories() -> Select:
    columns = [Category.__table__.c[name] for name in CategoryEntry._fields]
    return select(*columns).order_by(Category.position, Category.name)


def cities() -> list[str]:
    """Cities that have at least one approved store, for the city filter."""
    return list(
        db.session.scalars(
            select(Store.city).where(Store.status == "approved", Store.city != "").distinct().order_by(Store.city)
        )
    )


def store_page(sector: str | None = None, city: str | None = None, page: int = 1, per_page: int = 24) -> Page:
    """Approved stores by name, optionally of one sector or city (one statement,
    two when the page is past the end)."""
    conditions = [Store.status == "approved"]
    if sector:
        conditions.append(Store.sector == sector)
    if city:
        conditions.append(func.lower(Store.city) == city.lower())
    rows = db.session.execute(
        select(Store, func.count().over().label("total"))
        .where(*conditions)
        .order_by(Store.name, Store.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0].total
    elif page > 1:
        total = db.session.scalar(select(func.count()).select_from(Store).where(*conditions))
    else:
        total = 0
    return Page([r[0] for r in rows], total, page, per_page)
