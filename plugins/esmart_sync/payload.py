"""A marketplace product as the directory sees it (the push payload), and the
category lookups both directions share."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.routing import BuildError

from marketplace import urls
from marketplace.catalog.models import Category, Product, ProductImage, Variant
from marketplace.extensions import db
from marketplace.stores.models import Store

from . import adapter

PRODUCT_ENDPOINTS = ("catalog.product", "catalog.product_detail", "catalog.show_product")


def absolute_url(endpoint: str, **values) -> str | None:
    """An absolute URL under BASE_URL (marketplace/urls.py), or None for an endpoint that does not exist."""
    try:
        return urls.absolute_url(endpoint, **values)
    except BuildError:
        return None


def product_url(product_id: int) -> str:
    for endpoint in PRODUCT_ENDPOINTS:
        url = absolute_url(endpoint, product_id=product_id)
        if url:
            return url
    return urls.absolute_path(f"/products/{product_id}")


def product_payload(product_id: int) -> dict:
    """The push body of ESMART.md for one product, from what the database holds now."""
    product, store_sector, category_sector = db.session.execute(
        select(Product, Store.sector, Category.sector)
        .join(Store, Store.id == Product.store_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.id == product_id)
    ).one()
    stock = db.session.scalar(select(func.coalesce(func.sum(Variant.stock), 0)).where(Variant.product_id == product_id))
    paths = db.session.scalars(
        select(ProductImage.path)
        .where(ProductImage.product_id == product_id)
        .order_by(ProductImage.position, ProductImage.id)
    )
    photos = [absolute_url("media.serve", path=p) or p for p in paths]
    return adapter.push_payload(
        name=product.name,
        description=product.description,
        sector=category_sector or store_sector,
        price=product.price_min,
        stock=int(stock),
        unit=product.unit,
        weight_grams=product.weight_grams,
        photo_urls=photos,
        url=product_url(product_id),
    )


def new_product_payload(product: Product, *, sector: str, price: int, stock: int, image_paths: list[str]) -> dict:
    """The push body of a product just created from known values (no queries): the
    same as product_payload would read back, for the one variant it was given."""
    return adapter.push_payload(
        name=product.name,
        description=product.description,
        sector=sector,
        price=price,
        stock=stock,
        unit=product.unit,
        weight_grams=product.weight_grams,
        photo_urls=[absolute_url("media.serve", path=p) or p for p in image_paths],
        url=product_url(product.id),
    )


def synced_field_hashes(payload: dict) -> dict[str, str]:
    """The three-way merge base once the directory holds this payload."""
    values = {
        "name": payload["nama"],
        "description": payload["deskripsi"],
        "category": payload["kategori"],
        "unit": payload["satuan"],
        "weight_grams": payload["berat_gram"],
    }
    return {field: adapter.value_hash(value) for field, value in values.items()}


class Categories:
    """The category table, loaded once per run (it is small reference data)."""

    def __init__(self):
        rows = db.session.execute(
            select(Category.id, Category.slug, Category.sector).order_by(Category.position, Category.id)
        ).all()
        self.by_slug = {slug: (cid, sector) for cid, slug, sector in rows}
        self.by_id = {cid: (slug, sector) for cid, slug, sector in rows}
        self.first_of_sector: dict[str, str] = {}
        for _cid, slug, sector in rows:
            self.first_of_sector.setdefault(sector, slug)

    def known(self, hint: str | None) -> bool:
        return bool(hint) and (hint in self.by_slug or hint in self.first_of_sector or _is_sector(hint))

    def slug_for(self, hint: str | None) -> str | None:
        """A category slug for E-Smart's kategori: itself, or the first category of that sector."""
        if not hint:
            return None
        if hint in self.by_slug:
            return hint
        return self.first_of_sector.get(hint)

    def keys_of(self, category_id: int | None) -> set[str]:
        """What a product's category answers to: its slug and its sector."""
        if category_id is None or category_id not in self.by_id:
            return set()
        return set(self.by_id[category_id])


def _is_sector(hint: str) -> bool:
    from marketplace.catalog.sectors import SECTORS

    return hint in SECTORS
