"""Orders for the order clock's tests: a store with its seller, a shopper, orders walked the legal way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderEvent
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.factories import gen_store, gen_user

DAY = timedelta(days=1)


@pytest.fixture
def people(cod_app):
    seller = gen_user(role="seller", name="Pak Darto", email="darto@test.id")
    return {
        "shopper": gen_shopper(email="siti@test.id"),
        "seller": seller,
        "store": gen_store(owner=seller, name="Batik Darto"),
    }


def gen_order(people, method="fake_transfer", quantity=2, price=50000):
    variant = gen_listing(store=people["store"], stock=10, price=price)
    return buy(people["shopper"], (variant, quantity), method=method).orders[0], variant


def reload(order) -> Order:
    return db.session.scalars(select(Order).where(Order.id == order.id).execution_options(populate_existing=True)).one()


def walk(order, status, people) -> Order:
    """Move a prepaid order to ``paid``, ``processing`` or ``shipped`` the legal way."""
    orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    db.session.commit()
    for step in ("processing", "shipped")[: ("paid", "processing", "shipped").index(status)]:
        transition(reload(order), step, people["seller"], courier="JNE", tracking_number="JP123")
        db.session.commit()
    return reload(order)


def mails_about(outbox, number: str) -> list[str]:
    return sorted(str(message["To"]) for message in outbox if number in str(message["Subject"]))


def events(order, to_status: str) -> int:
    return db.session.scalar(
        select(func.count()).where(OrderEvent.order_id == order.id, OrderEvent.to_status == to_status)
    )
