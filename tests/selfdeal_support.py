"""The world of the self-dealing tests: an app with every way to pay and insurance, a store
with its owner and a staff member, a shopper, an agency officer and an admin."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from tests.buying_factories import FakePrepaidPlugin, buy, gen_listing, gen_shopper
from tests.conftest import ApiClient
from tests.factories import PASSWORD, gen_staff, gen_store, gen_user

ACCOUNTS = "BRI 0123-01-000123-30-1 a.n. Disnakerin Kota Tegal"


@pytest.fixture
def world(make_app):
    """COD, a prepaid transfer, bank transfer and insurance; a store with its owner and a staff member."""
    app = make_app(plugins="cash_on_delivery,bank_transfer,insurance", BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    with app.app_context():
        plugin_api.register(app, FakePrepaidPlugin(), "fake_prepaid")
        owner = gen_user("darto@test.id", role="seller", name="Pak Darto")
        store = gen_store(owner=owner, name="Batik Darto")
        yield {
            "app": app,
            "api": ApiClient(app.test_client()),
            "owner": owner,
            "store": store,
            "staff": gen_staff(store, gen_user("wati@test.id", name="Wati")),
            "shopper": gen_shopper("siti@test.id"),
            "officer": gen_user("dinas@test.id", role="agency"),
            "admin": gen_user("admin@test.id", role="admin"),
        }


def login(client, email: str) -> None:
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


def orders_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def shipped(w, method="cash_on_delivery", extras=None, price=300_000):
    """A real shopper's order from the store, shipped by the store (paid first when prepaid)."""
    variant = gen_listing(store=w["store"], price=price, stock=5)
    order = buy(w["shopper"], (variant, 1), method=method, extras=extras or []).orders[0]
    if method != "cash_on_delivery":
        orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    transition(order, "processing", w["owner"])
    transition(order, "shipped", w["owner"], courier="JNE", tracking_number="JNE123")
    db.session.commit()
    return order
