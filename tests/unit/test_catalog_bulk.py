"""catalog.create_products: many products of a store in a few statements, by
create_product's rules (the same cleaning function), all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product, ProductSearch, Variant
from marketplace.errors import ValidationError
from marketplace.extensions import db
from tests.conftest import ON_POSTGRES
from tests.factories import gen_category, gen_store
from tests.sql_count import counting


def item(i: int, **over) -> dict:
    data = {
        "name": f"Teh Poci Rasa {i}",
        "description": "Teh tubruk khas Tegal.",
        "category": "batik",
        "status": "active",
        "unit": "pcs",
        "variants": [
            {"name": "Kecil", "sku": f"TP-{i}-S", "price": 12000 + i, "stock": 5},
            {"name": "Besar", "sku": f"TP-{i}-L", "price": 9000 + i, "stock": 0},
        ],
    }
    data.update(over)
    return data


def statements(call):
    with counting() as seen:
        return call(), seen


def test_bulk_products_are_what_create_product_makes(app):
    gen_category("batik")
    store = gen_store(name="Teh Bu Sari")
    one = catalog.create_product(
        store,
        None,
        item(0, name="Teh Poci Tunggal", variants=[{"name": "Kecil", "sku": "SOLO-1", "price": 12000, "stock": 5}]),
    )
    many = catalog.create_products(store, None, [item(i) for i in range(1, 6)])
    db.session.commit()
    assert [p.name for p in many] == [f"Teh Poci Rasa {i}" for i in range(1, 6)]
    third = db.session.get(Product, many[2].id)
    assert third.price_min == 9003 and third.status == "active" and third.category_id == one.category_id
    assert db.session.scalars(select(Variant.sku).where(Variant.product_id == third.id).order_by(Variant.id)).all() == [
        "TP-3-S",
        "TP-3-L",
    ]
    solo, bulk = db.session.get(ProductSearch, one.id), db.session.get(ProductSearch, third.id)
    assert bulk.name == "Teh Poci Rasa 3" and bulk.body == solo.body  # same description, category and store
    audited = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "product.created"))
    assert audited == 6


def test_bulk_creation_takes_a_few_statements_whatever_the_number(app):
    gen_category("batik")
    store = gen_store()
    catalog.create_products(store, None, [item(0)])  # the store's row is loaded from here on
    _made, few = statements(lambda: catalog.create_products(store, None, [item(i) for i in range(1, 4)]))
    _made, lots = statements(lambda: catalog.create_products(store, None, [item(i) for i in range(10, 40)]))
    if ON_POSTGRES:  # categories, the store's SKUs, one INSERT each of products, variants, search and audit rows
        assert len(lots) == len(few) == 6
    else:  # SQLite inserts ORM rows that need their ids back one at a time (products, variants, audit rows)
        assert len(lots) - len(few) == (40 - 10 - 3) * (1 + 2 + 1)
        assert sum(s.startswith("INSERT INTO product_search") for s in lots) == 1


def test_one_bad_product_writes_nothing_and_names_its_field(app):
    gen_category("batik")
    store = gen_store()
    items = [
        item(0),
        item(1),
        item(2, variants=[{"name": "x", "sku": "BAD", "price": 0, "stock": 1}]),
        item(3, category="tidak-ada"),
        item(4, name=""),
    ]
    with pytest.raises(ValidationError) as exc:
        catalog.create_products(store, None, items)
    assert {"items.2.variants.0.price", "items.3.category", "items.4.name"} <= set(exc.value.fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Product).where(Product.store_id == store.id)) == 0


def test_a_sku_is_unique_across_the_batch_and_the_store(app):
    gen_category("batik")
    store = gen_store()
    catalog.create_products(store, None, [item(0)])
    db.session.commit()
    with pytest.raises(ValidationError) as exc:
        catalog.create_products(
            store,
            None,
            [
                item(1),
                item(
                    2,
                    variants=[
                        {"name": "a", "sku": "TP-1-S", "price": 1000, "stock": 1},
                        {"name": "b", "sku": "TP-0-L", "price": 1000, "stock": 1},
                    ],
                ),
            ],
        )
    assert set(exc.value.fields) == {"items.1.variants.0.sku", "items.1.variants.1.sku"}  # the 2nd product
