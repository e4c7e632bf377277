"""`flask demo load` makes a market that looks lived in: drawn photos on every product, stores
that describe themselves, reviews by buyers of completed orders (with cash on delivery on), and
an expo that is an event: its programme, booth pages and visitor figures that agree with the orders."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, ProductImage
from marketplace.clock import JAKARTA, now
from marketplace.demo_data import DEMO_SHOPPERS
from marketplace.expo import services as expo_services
from marketplace.expo.models import SESSION_KINDS, Exhibitor, ExhibitorPin, ExpoSession
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine
from marketplace.reviews.models import Review
from marketplace.stores import services as stores
from marketplace.stores.models import Store, StorePresence
from marketplace.visits.models import VisitDaily
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
        _the_expo_is_an_event()

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


def _the_expo_is_an_event() -> None:
    """marketplace.demo_expo_event: the programme (one session on now, one next), the booth
    pages, the seller online, and visitor figures that agree with the demo's orders."""
    expo = expo_services.get_expo("apik-banget-virtual-expo")
    at = now()
    sessions = db.session.scalars(select(ExpoSession).where(ExpoSession.expo_id == expo.id)).all()
    assert 8 <= len(sessions) <= 10
    assert {s.kind for s in sessions} == set(SESSION_KINDS)
    assert all(expo.starts_at <= s.starts_at < s.ends_at <= expo.ends_at for s in sessions)
    on_now = [s for s in sessions if s.starts_at <= at < s.ends_at]
    assert len(on_now) == 1 and on_now[0].exhibitor_id
    upcoming = sorted((s for s in sessions if s.starts_at > at), key=lambda s: s.starts_at)
    assert upcoming and upcoming[0].starts_at - at < timedelta(hours=3)
    videos = [s.video_url for s in sessions if s.video_url]
    youtube = re.compile(r"https://www\.youtube\.com/watch\?v=[\w-]{11}")
    assert 2 <= len(videos) <= 3 and all(youtube.fullmatch(v) for v in videos)
    assert any(s.zone and not s.exhibitor_id for s in sessions)

    exhibitors = db.session.scalars(select(Exhibitor).where(Exhibitor.expo_id == expo.id)).all()
    assert all(e.tagline and e.hours for e in exhibitors)
    assert sum(1 for e in exhibitors if e.video_url) == 2 and sum(1 for e in exhibitors if e.banner) == 3
    assert sum(1 for e in exhibitors if len(e.hours) == 6) == 1  # closed on Sunday
    assert sum(1 for e in exhibitors if e.hours.get("1") == ["09:00", "17:00"]) == 1
    pins = db.session.execute(
        select(ExhibitorPin.exhibitor_id, Product.store_id, Product.status).join(
            Product, Product.id == ExhibitorPin.product_id
        )
    ).all()
    store_of = {e.id: e.store_id for e in exhibitors}
    assert all(store_of[p.exhibitor_id] == p.store_id and p.status == "active" for p in pins)
    per_booth = Counter(p.exhibitor_id for p in pins)
    assert set(per_booth) == set(store_of) and set(per_booth.values()) == {2, 3, 4}
    seller_store = stores.get_store("batik-tegalan-sari")
    # set at load time; the first load may be a copy made earlier in the session (test_demo.load_demo)
    assert at - db.session.get(StorePresence, seller_store.id).last_seen_at < timedelta(minutes=30)

    # product views and carts carry no expo, as the beacon counts them (marketplace/visits)
    visits = db.session.scalars(select(VisitDaily).where(VisitDaily.expo_id.in_([expo.id, 0]))).all()
    today = at.astimezone(JAKARTA).date()
    days = {v.day for v in visits}
    assert days == {today - timedelta(days=n) for n in (1, 2, 3)}  # the expo's days before today
    assert all(0 < v.visitors <= v.hits for v in visits)
    figures = {(v.day, v.kind, v.store_id): v for v in visits}
    orders = Counter(
        (store_id, placed.astimezone(JAKARTA).date())
        for store_id, placed in db.session.execute(select(Order.store_id, Order.placed_at))
    )
    assert sum(orders.values()) > 0
    for day in days:
        assert figures[(day, "hall", 0)].visitors > 0
        for store_id in store_of.values():
            seen = figures[(day, "booth", store_id)].visitors + figures[(day, "product", store_id)].visitors
            assert figures[(day, "whatsapp", store_id)].hits <= seen
            assert orders[(store_id, day)] <= figures[(day, "cart", store_id)].visitors <= seen
