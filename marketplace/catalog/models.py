from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

PRODUCT_STATUSES = ("draft", "active", "archived")


class Category(db.Model):
    __tablename__ = "categories"
    __page_cache__ = "catalog"  # listings show it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # Indonesian
    name_en: Mapped[str] = mapped_column(String(120), default="")
    sector: Mapped[str] = mapped_column(String(40), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Product(db.Model):
    __tablename__ = "products"
    __page_cache__ = "catalog"  # listings show it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('draft','active','archived')", name="status"),
        CheckConstraint("price_min >= 0", name="price_min_nonnegative"),
        Index("ix_products_listing", "status", "store_id", "created_at"),
        # the newest active products (home page, unfiltered listings) without sorting them all
        Index("ix_products_newest", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    unit: Mapped[str | None] = mapped_column(String(30))  # "pcs", "lembar", "botol"
    weight_grams: Mapped[int | None] = mapped_column(Integer)  # None: pickup and local delivery only
    length_cm: Mapped[int | None] = mapped_column(Integer)  # packed size, for couriers' volume weight
    width_cm: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    # the cheapest variant's price, kept by catalog.services so listings sort without a join
    price_min: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    store = relationship("Store", lazy="raise_on_sql")
    category: Mapped[Category | None] = relationship(lazy="raise_on_sql")
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product",
        lazy="raise_on_sql",
        order_by="Variant.id",
        cascade="all, delete-orphan",
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        lazy="raise_on_sql",
        order_by="ProductImage.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name!r}>"


class Variant(db.Model):
    __tablename__ = "variants"
    __page_cache__ = {  # a grid shows the product's price_min; stock only product pages (pagecache_rules.py)
        "catalog": ("id", "product_id", "store_id", "name", "sku", "price", "created_at"),
        "detail": ("stock", "updated_at"),
    }
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        UniqueConstraint("store_id", "sku"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    # copied from the product so the database can hold SKUs unique per store
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    sku: Mapped[str] = mapped_column(String(64))
    price: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    product: Mapped[Product] = relationship(back_populates="variants", lazy="raise_on_sql")


class ProductImage(db.Model):
    __tablename__ = "product_images"
    __page_cache__ = "catalog"  # the photos of listings and product pages (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))  # media path, see marketplace.media
    position: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="images", lazy="raise_on_sql")


class ProductSearch(db.Model):
    """The text a product is found by (its name, description, category and store
    name), rewritten by catalog.services whenever one of them changes. The
    migration indexes it with FTS5 on SQLite and a tsvector + GIN on PostgreSQL."""

    __tablename__ = "product_search"
    __page_cache__ = "catalog"  # what the search finds (marketplace/pagecache_rules.py)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")


_FACET_COLUMNS = ("city_key", "price_min", "in_stock", "store_id")


class ProductListing(db.Model):
    """What listings, search and facets read of one product: the product, its store, category,
    variants, first photo and reviews in one row, so no listing joins at read time.

    Written only by database triggers (migration 0028): every write to products, variants,
    product_images, reviews, stores or categories rewrites the rows of the products it touches,
    in the same transaction, whoever made the write. A row is rewritten only when its content
    changes, and ``version`` then grows by one: a rendered card keyed by it is valid as long
    as the row is the same. ``listed`` is what a visitor may see (queries.LISTED)."""

    __tablename__ = "product_listings"
    __page_cache__ = "catalog"  # only triggers write it; the writes that fire them are seen already

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(Integer)
    listed: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(160))
    price_min: Mapped[int] = mapped_column(Integer)
    price_max: Mapped[int] = mapped_column(Integer)
    in_stock: Mapped[bool] = mapped_column(Boolean)
    store_slug: Mapped[str] = mapped_column(String(80))
    store_name: Mapped[str] = mapped_column(String(160))
    city: Mapped[str] = mapped_column(String(80))
    city_key: Mapped[str] = mapped_column(String(80))  # lower(city): the city filter and facet
    sector: Mapped[str] = mapped_column(String(40))
    category_slug: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rating_count: Mapped[int] = mapped_column(Integer)
    rating_total: Mapped[int] = mapped_column(Integer)
    image_path: Mapped[str | None] = mapped_column(String(255))
    image_width: Mapped[int | None] = mapped_column(Integer)
    image_height: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __table_args__ = (
        Index("ix_product_listings_newest", "listed", "created_at", "product_id"),
        Index("ix_product_listings_store", "listed", "store_id", "created_at"),
        Index("ix_product_listings_category", "listed", "category_id", "created_at"),
        Index("ix_product_listings_sector", "listed", "sector", "created_at"),
        Index("ix_product_listings_price", "listed", "price_min"),
        Index("ix_product_listings_city", "listed", "city_key"),
        Index("ix_product_listings_stock", "listed", "in_stock", "store_id"),  # the in-stock filter and facet
        # every column a sector or category page's facet counts read: counted from the index alone
        Index("ix_product_listings_sector_facets", "listed", "sector", "category_id", *_FACET_COLUMNS),
        Index("ix_product_listings_category_facets", "listed", "category_id", "sector", *_FACET_COLUMNS),
    )


class _ListingGroup:
    """The columns of a group of listed products that listing_counts and listing_totals share."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sector: Mapped[str] = mapped_column(String(40))
    category_id: Mapped[int | None] = mapped_column(Integer)
    category_slug: Mapped[str | None] = mapped_column(String(80))
    city_key: Mapped[str] = mapped_column(String(80))
    in_stock: Mapped[bool] = mapped_column(Boolean)
    band: Mapped[int] = mapped_column(SmallInteger)  # the index of the price band of price_min
    n: Mapped[int] = mapped_column(Integer)


class ListingCount(_ListingGroup, db.Model):
    """How many listed products of one store, sector, category and city there are, in stock or
    not, in one price band (catalog/facets.py PRICE_BANDS): what a listing without search words
    counts for its total and its facets, summed over a few thousand rows instead of counted over
    every product. Written only by triggers on product_listings (migration 0034) as change rows
    (``n`` -1 or 1), which catalog/listing_counts.py folds into one row per group: a group's
    count is the sum of its rows."""

    __tablename__ = "listing_counts"
    # triggers write it (the writes that fire them are seen already), and folding changes no sum;
    # read from the class's own namespace (pagecache_rules.declaration), so not in the mixin
    __page_cache__ = "nothing"

    store_id: Mapped[int] = mapped_column(Integer)
    store_slug: Mapped[str] = mapped_column(String(80))

    # every column a listing's counts read: a sector's groups by store (its exhibitors' count,
    # migration 0035), a category's in the facets' grouping order (migration 0034)
    __table_args__ = (
        Index("ix_listing_counts_sector", "sector", "store_id", "category_id", "city_key", "in_stock", "band", "n"),
        Index("ix_listing_counts_category", "category_id", "sector", "city_key", "in_stock", "band", "store_id", "n"),
        Index("ix_listing_counts_store", "store_id"),
    )


class ListingTotal(_ListingGroup, db.Model):
    """ListingCount's groups without the store: how many listed products of one sector, category
    and city there are, in stock or not, in one price band. What a listing that filters by no
    store and not by the expo sums (a sector page: 253 rows at 100,000 products instead of
    2,279). Written by the same triggers (migration 0035) as change rows, folded the same way."""

    __tablename__ = "listing_totals"
    __page_cache__ = "nothing"  # as ListingCount's

    # every column a listing's counts read, in the facets' grouping order
    __table_args__ = (
        Index("ix_listing_totals_sector", "sector", "category_id", "city_key", "in_stock", "band", "n"),
        Index("ix_listing_totals_category", "category_id", "sector", "city_key", "in_stock", "band", "n"),
    )


class SearchSynonym(db.Model):
    """A group of words or phrases the search treats as one (``keripik, kripik``), kept by the
    agency. ``terms``: the group, comma-separated, lower case."""

    __tablename__ = "search_synonyms"
    __page_cache__ = "catalog"  # it changes what a search finds

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]


class SearchMiss(db.Model):
    """How often one query found nothing on one Jakarta day: what visitors look for that the
    catalogue (or the synonym list) does not have. The words only, no one's data; kept 180 days
    (catalog/misses.py). A count is a render of an empty result, so repeats served from the page
    cache are not in it: "pencarian berbeda tanpa hasil", not every search typed."""

    __tablename__ = "search_misses"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("count > 0", name="count_positive"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # the attribute is not ``query``: Flask-SQLAlchemy's models already have one
    query_text: Mapped[str] = mapped_column("query", String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=1)


class SearchWord(db.Model):
    """A word of the catalogue as shoppers type it (from listed products' names, store names,
    category and sector slugs, cities) and how many listed products carry it. Written only by
    triggers on product_listings (migration 0029); catalog/spelling.py reads it. Indexed by
    trigrams too: pg_trgm's GIN on PostgreSQL, the FTS5 table search_words_fts on SQLite."""

    __tablename__ = "search_words"
    __page_cache__ = "catalog"  # only triggers write it; the writes that fire them are seen already

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(80), unique=True)
    docs: Mapped[int] = mapped_column(Integer)
