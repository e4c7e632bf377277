"""The search text of a product: what ``product_search`` holds for it (its name, and its
description, category, store, sector and city), rewritten whenever one of them changes.
:mod:`marketplace.catalog.search` queries it."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.catalog.models import Category, Product, ProductSearch
from marketplace.catalog.sectors import sector_name
from marketplace.extensions import db
from marketplace.stores.models import Store


def sector_words(sector: str) -> str:
    """The sector's name in Indonesian and English, whatever the editor's page language
    (the search text must not depend on who saved the product last)."""
    from flask_babel import force_locale

    names = []
    for locale in ("id", "en"):
        with force_locale(locale):
            names.append(sector_name(sector))
    return " ".join(dict.fromkeys(names))


def search_body(description, category_name, category_name_en, store_name, sector_words, city) -> str:
    """What a product is found by besides its name."""
    return " ".join(filter(None, [description, category_name, category_name_en, store_name, sector_words, city]))


def reindex_product(product_id: int) -> None:
    """Rewrite the product's search row from its name, description, category and store."""
    row = db.session.execute(
        select(Product.name, Product.description, Category.name, Category.name_en, Store.name, Store.sector, Store.city)
        .join(Store, Store.id == Product.store_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.id == product_id)
    ).one()
    name, description, cat_name, cat_en, store_name, sector, city = row
    body = search_body(description, cat_name, cat_en, store_name, sector_words(sector), city)
    search = db.session.get(ProductSearch, product_id)
    if search is None:
        db.session.add(ProductSearch(product_id=product_id, name=name, body=body))
    else:
        search.name, search.body = name, body
    db.session.flush()


def reindex_store_products(store_id: int) -> None:
    for product_id in db.session.scalars(select(Product.id).where(Product.store_id == store_id)):
        reindex_product(product_id)
