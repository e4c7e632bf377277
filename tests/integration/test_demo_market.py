"""`flask demo load` makes a market that looks lived in: drawn photos on every product, stores
that describe themselves, and reviews by buyers of completed orders (with cash on delivery on)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, ProductImage
from marketplace.demo_data import DEMO_SHOPPERS
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine
from marketplace.reviews.models import Review
from marketplace.stores.models import Store
from tests.conftest import DEMO_ON_SQLITE_ONLY, ON_POSTGRES
from tests.integration.test_demo import load_demo, table_counts, uploaded_files
from tests.unit.test_demo_images import palette

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason=DEMO_ON_SQLITE_ONLY)


def test_demo_market_has_photos_descriptions_and_reviews_by_buyers_and_loads_once(make_app):
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        runner = app.test_cli_runner()
        output = load_demo(runner)

        assert " reviews" in output
        _every_product_has_drawn_photos(app)
        _every_store_describes_itself()
        _reviews_are_by_buyers_of_completed_orders()

        counts, files = table_counts(), uploaded_files(app)
        again = load_demo(runner)
        assert "nothing changed" in again
        assert table_counts() == counts and uploaded_files(app) == files


def _every_product_has_drawn_photos(app) -> None:
    root = Path(app.config["UPLOAD_FOLDER"])
    photos: dict[int, list[str]] = {}
    for product_id, path in db.session.execute(
        select(ProductImage.product_id, ProductImage.path).order_by(ProductImage.position)
    ):
        photos.setdefault(product_id, []).append(path)
    products = db.session.scalars(select(Product.id)).all()
    assert all(2 <= len(photos.get(product_id, [])) <= 3 for product_id in products)
    assert sum(len(paths) == 3 for paths in photos.values()) >= 20  # food and fragile things: their parcel too
    for paths in photos.values():
        with Image.open(root / paths[0]) as image:
            colours, commonest = palette(image)
            assert image.size == (800, 800) and colours >= 20 and commonest < 0.62, paths[0]


def _every_store_describes_itself() -> None:
    for name, description in db.session.execute(select(Store.name, Store.description)):
        assert len(description) >= 250, name
        assert "pesanan partai" in description and "WIB" in description, name  # bulk orders, opening hours


def _reviews_are_by_buyers_of_completed_orders() -> None:
    rows = db.session.execute(
        select(Review, Order.status, Order.user_id, Order.completed_at, OrderLine.product_id, User.email)
        .join(Order, Order.id == Review.order_id)
        .join(OrderLine, OrderLine.id == Review.order_line_id)
        .join(User, User.id == Review.user_id)
    ).all()
    shoppers = {email for email, _name, _phone in DEMO_SHOPPERS}
    assert len(rows) >= 30
    for review, status, buyer_id, completed_at, product_id, email in rows:
        assert status == "completed" and buyer_id == review.user_id and email in shoppers
        assert product_id == review.product_id and 1 <= review.rating <= 5 and review.comment
        assert review.created_at >= completed_at
    per_product = Counter(review.product_id for review, *_rest in rows)
    assert len(per_product) >= 12 and max(per_product.values()) >= 3
    stars = Counter(review.rating for review, *_rest in rows)
    assert stars[5] >= 10 and stars[1] + stars[2] >= 2  # mostly happy, a few complaints
