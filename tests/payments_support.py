"""Shared fixtures for the payment tests: the fake Stripe server and an app pointed at it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from tests.buying_factories import SHIPPING
from tests.conftest import ApiClient
from tests.fakes.stripe_server import FakeStripe

SECRET_KEY = "sk_test_apik_fake_0123456789"


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_app(make_app, fake_stripe):
    app = make_app(
        plugins="stripe_payments,cash_on_delivery",
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret,
        STRIPE_API_BASE=fake_stripe.url,
    )
    with app.app_context():
        yield app


def checkout_via_api(api: ApiClient, token: str, method: str = "stripe"):
    return api.post("/checkout", {"payment_method": method, "shipping": SHIPPING}, token=token)


def reload(model, id_):
    return db.session.scalars(select(model).where(model.id == id_).execution_options(populate_existing=True)).one()


def orders_of(payment_id: int) -> list[Order]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.payment_id == payment_id)
            .order_by(Order.id)
            .execution_options(populate_existing=True)
        )
    )


def payment(payment_id: int) -> Payment:
    db.session.rollback()
    return reload(Payment, payment_id)


def complete(order: Order, seller, shopper) -> Order:
    """Walk a paid order to completed the legal way, and commit."""
    transition(order, "processing", seller)
    transition(order, "shipped", seller, courier="JNE", tracking_number="JP1234567890")
    transition(order, "completed", shopper)
    db.session.commit()
    return order
