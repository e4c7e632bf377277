import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace.catalog import services as catalog
from marketplace.catalog.models import ProductSearch, Variant
from marketplace.errors import ValidationError
from marketplace.extensions import db
from tests.factories import gen_product, gen_store


def test_product_keeps_cheapest_variant_price_and_search_text(app):
    store = gen_store(name="Batik Sari")
    product = gen_product(
        store,
        variants=[
            {"name": "S", "sku": "B-S", "price": 120000, "stock": 3},
            {"name": "L", "sku": "B-L", "price": 90000, "stock": 1},
        ],
    )
    assert product.price_min == 90000
    search = db.session.get(ProductSearch, product.id)
    assert search.name == "Batik Tulis Motif Tegalan"
    assert "Batik Sari" in search.body


@pytest.mark.parametrize("price", [0, -5, "abc", 1.5, True, None, 10**12])
def test_bad_price_is_refused_and_nothing_written(app, price):
    store = gen_store()
    with pytest.raises(ValidationError) as exc:
        catalog.create_product(
            store, None, {"name": "Teh", "variants": [{"name": "x", "sku": "T1", "price": price, "stock": 1}]}
        )
    assert "variants.0.price" in exc.value.fields
    db.session.rollback()
    assert db.session.scalar(select(Variant.id).where(Variant.sku == "T1")) is None


def test_sku_is_unique_per_store(app):
    store = gen_store()
    gen_product(store, variants=[{"name": "a", "sku": "SKU1", "price": 1000, "stock": 1}])
    with pytest.raises(ValidationError) as exc:
        catalog.create_product(
            store, None, {"name": "Lain", "variants": [{"name": "a", "sku": "SKU1", "price": 1000, "stock": 1}]}
        )
    assert "variants.0.sku" in exc.value.fields
    db.session.rollback()
    other = gen_store()
    gen_product(other, variants=[{"name": "a", "sku": "SKU1", "price": 1000, "stock": 1}])


def test_database_refuses_negative_stock_and_zero_price(app):
    store = gen_store()
    product = gen_product(store)
    variant_id = db.session.scalar(select(Variant.id).where(Variant.product_id == product.id))
    with pytest.raises(IntegrityError):
        db.session.execute(update(Variant).where(Variant.id == variant_id).values(stock=-1))
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Variant).where(Variant.id == variant_id).values(price=0))
    db.session.rollback()
