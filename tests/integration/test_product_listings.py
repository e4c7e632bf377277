"""The listing row of each product (product_listings) stays exactly what its tables say,
whatever writes them: services, bulk statements, raw SQL, cascades. Each step below is
followed by a comparison with the row computed afresh in Python from the tables themselves."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category, Product, ProductImage, ProductListing, Variant
from marketplace.extensions import db
from marketplace.orders.models import OrderLine
from marketplace.reviews.models import Review
from marketplace.stores import services as stores
from marketplace.stores.models import Store
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.buying_factories import cod_app as cod_app
from tests.factories import gen_product, gen_store
from tests.integration.test_listing_counts import assert_groups_exact

FIELDS = (
    "store_id", "category_id", "listed", "name", "price_min", "price_max", "in_stock", "store_slug", "store_name",
    "city", "city_key", "sector", "category_slug", "created_at", "rating_count", "rating_total", "image_path",
    "image_width", "image_height",
)  # fmt: skip


def expected() -> dict[int, dict]:
    """Each product's listing row, computed from its tables without the triggers' SQL."""
    rows = {}
    for product in db.session.scalars(select(Product)):
        store = db.session.get(Store, product.store_id)
        category = db.session.get(Category, product.category_id) if product.category_id else None
        variants = db.session.scalars(select(Variant).where(Variant.product_id == product.id)).all()
        images = db.session.scalars(
            select(ProductImage)
            .where(ProductImage.product_id == product.id)
            .order_by(ProductImage.position, ProductImage.id)
        ).all()
        ratings = db.session.scalars(select(Review.rating).where(Review.product_id == product.id)).all()
        first = images[0] if images else None
        rows[product.id] = {
            "store_id": product.store_id,
            "category_id": product.category_id,
            "listed": product.status == "active" and store.status == "approved",
            "name": product.name,
            "price_min": product.price_min,
            "price_max": max([v.price for v in variants], default=product.price_min),
            "in_stock": any(v.stock > 0 for v in variants),
            "store_slug": store.slug,
            "store_name": store.name,
            "city": store.city,
            "city_key": store.city.lower(),
            "sector": store.sector,
            "category_slug": category.slug if category else None,
            "created_at": product.created_at,
            "rating_count": len(ratings),
            "rating_total": sum(ratings),
            "image_path": first.path if first else None,
            "image_width": first.width if first else None,
            "image_height": first.height if first else None,
        }
    return rows


def actual() -> dict[int, dict]:
    db.session.expire_all()
    return {
        row.product_id: {name: getattr(row, name) for name in FIELDS}
        for row in db.session.scalars(select(ProductListing))
    }


def versions() -> dict[int, int]:
    return dict(db.session.execute(select(ProductListing.product_id, ProductListing.version)).all())


def assert_exact():
    db.session.commit()
    assert actual() == expected()
    assert_groups_exact()  # and the counts of the listed rows (listing_counts)


def test_listing_rows_follow_every_write(app):
    store = gen_store(name="Batik Pesisir")
    other = gen_store(name="Warung Poci", sector="kuliner")
    batik = gen_product(store, "Batik Tulis Tegalan", price=350_000, stock=2)
    poci = gen_product(other, "Teh Poci Gula Batu", price=25_000, stock=0, category="minuman")
    assert_exact()
    assert actual()[poci.id]["in_stock"] is False

    catalog.add_variant(batik, None, {"name": "Jumbo", "sku": None, "price": 500_000, "stock": 1})
    assert_exact()
    db.session.execute(update(Variant).where(Variant.product_id == poci.id).values(stock=Variant.stock + 3))
    assert_exact()
    db.session.add(ProductImage(product_id=batik.id, path="p/b.jpg", position=1, width=800, height=600))
    db.session.add(ProductImage(product_id=batik.id, path="p/a.jpg", position=0, width=640, height=480))
    assert_exact()
    assert actual()[batik.id]["image_path"] == "p/a.jpg"

    db.session.execute(
        update(Store).where(Store.id == store.id).values(city="Kabupaten Tegal", name="Batik Pesisir Baru")
    )
    assert_exact()
    stores.set_status(other, None, "suspended", "uji")
    assert_exact()
    assert actual()[poci.id]["listed"] is False
    stores.set_status(other, None, "approved")
    assert_exact()

    db.session.execute(update(Category).where(Category.slug == "minuman").values(slug="minuman-khas"))
    assert_exact()
    db.session.execute(delete(Category).where(Category.slug == "minuman-khas"))  # products' category becomes NULL
    assert_exact()
    assert actual()[poci.id]["category_slug"] is None

    db.session.execute(text("UPDATE products SET status = 'archived' WHERE id = :id"), {"id": batik.id})
    assert_exact()
    db.session.execute(delete(Variant).where(Variant.product_id == batik.id, Variant.price == 500_000))
    assert_exact()
    db.session.execute(delete(Product).where(Product.id == poci.id))  # cascades to variants and the listing row
    assert_exact()
    assert poci.id not in actual()
    db.session.execute(delete(Store).where(Store.id == store.id))
    assert_exact()
    assert actual() == {}


def test_checkout_and_reviews_count_into_the_row(cod_app):
    variant = gen_listing(stock=1)
    buy(gen_shopper(), (variant, 1))  # the last one: sold out
    assert_exact()
    line = db.session.scalars(select(OrderLine)).one()
    db.session.add(Review(order_line_id=line.id, order_id=line.order_id, product_id=variant.product_id, rating=4))
    assert_exact()
    db.session.execute(update(Review).values(rating=5))
    assert_exact()
    db.session.execute(delete(Review))
    assert_exact()


def test_version_grows_only_when_the_row_changes(app):
    store = gen_store()
    product = gen_product(store, stock=5)
    before = versions()[product.id]
    db.session.execute(update(Variant).where(Variant.product_id == product.id).values(stock=4))
    db.session.execute(update(Product).where(Product.id == product.id).values(description="lain"))
    db.session.commit()
    assert versions()[product.id] == before  # a sale that leaves stock, a description: the card is the same
    db.session.execute(update(Variant).where(Variant.product_id == product.id).values(stock=0))
    db.session.commit()
    assert versions()[product.id] == before + 1  # sold out: the row (and its card) changes
    db.session.execute(update(Product).where(Product.id == product.id).values(name="Batik Baru"))
    db.session.commit()
    assert versions()[product.id] == before + 2
