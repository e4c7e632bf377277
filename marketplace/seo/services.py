"""What the sitemaps list: only what the public may open (active products of approved
stores, approved stores), each sitemap page in one statement whatever the catalogue's size.

Products are paged by id range, not OFFSET: page ``n`` holds the ids in
``((n-1)*size, n*size]``, so reading page 10 of a million products costs the same index
range scan as page 1, and the sitemap index names only the ranges that hold a listable
product (one grouped statement)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, literal_column, select

from marketplace.catalog.models import Category, Product
from marketplace.catalog.queries import LISTED
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.stores.models import Store

SITEMAP_PAGE_SIZE = 10_000  # products per sitemap page (setting SITEMAP_PAGE_SIZE); the protocol allows 50,000
STORES_LIMIT = 50_000  # one sitemap's limit; far above any city's number of IKMs


@dataclass(frozen=True)
class ProductPage:
    number: int
    lastmod: datetime | None


def page_size() -> int:
    return max(1, int(current_app.config.get("SITEMAP_PAGE_SIZE", SITEMAP_PAGE_SIZE)))


def product_pages() -> list[ProductPage]:
    """The product sitemap pages that list something, with their newest change (one statement)."""
    # the numbers inline: PostgreSQL matches GROUP BY to the select list by text, and two bound
    # parameters of the same value are two different expressions to it
    bucket = ((Product.id - literal_column("1")) // literal_column(str(page_size()))).label("bucket")
    rows = db.session.execute(
        select(bucket, func.max(Product.updated_at))
        .join(Store, Store.id == Product.store_id)
        .where(*LISTED)
        .group_by(bucket)
        .order_by(bucket)
    )
    return [ProductPage(int(number) + 1, lastmod) for number, lastmod in rows]


def products_on_page(number: int) -> list[tuple[int, datetime]]:
    """(id, updated_at) of the listable products of sitemap page ``number`` (one statement)."""
    size = page_size()
    return [
        (product_id, updated_at)
        for product_id, updated_at in db.session.execute(
            select(Product.id, Product.updated_at)
            .join(Store, Store.id == Product.store_id)
            .where(*LISTED, Product.id > (number - 1) * size, Product.id <= number * size)
            .order_by(Product.id)
        )
    ]


def approved_stores() -> list[tuple[str, datetime]]:
    """(slug, updated_at) of every approved store (one statement)."""
    return [
        (slug, updated_at)
        for slug, updated_at in db.session.execute(
            select(Store.slug, Store.updated_at)
            .where(Store.status == "approved")
            .order_by(Store.id)
            .limit(STORES_LIMIT)
        )
    ]


def category_slugs() -> list[str]:
    return list(db.session.scalars(select(Category.slug).order_by(Category.position, Category.id)))


def expo_slugs() -> list[str]:
    return list(db.session.scalars(select(Expo.slug).order_by(Expo.starts_at.desc(), Expo.id.desc())))


def booths() -> list[tuple[str, str, str]]:
    """``(expo slug, booth, store slug)`` of every exhibitor whose store is approved, by expo then
    booth: each has a booth page (expo.links.booth_url)."""
    rows = db.session.execute(
        select(Expo.slug, Exhibitor.booth, Store.slug)
        .join(Exhibitor, Exhibitor.expo_id == Expo.id)
        .join(Store, Store.id == Exhibitor.store_id)
        .where(Store.status == "approved")
        .order_by(Expo.starts_at.desc(), Expo.id.desc(), Exhibitor.rank, Exhibitor.id)
    )
    return [(expo, booth, store) for expo, booth, store in rows]
