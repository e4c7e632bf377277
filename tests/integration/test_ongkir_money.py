"""Ongkir in the money (issue #18): credited to the store that ships with no commission, held in
the seller's hand with cash on delivery, refunded when an order is cancelled before shipping,
and after shipping only with a refund of the whole order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace import plugin_api, site_settings
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import refunds
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderRefund
from marketplace.payments.models import Payment
from tests.buying_factories import FakePrepaidPlugin, buy, gen_listing, gen_shopper
from tests.factories import gen_store, gen_user
from tests.integration.test_refunds import rows
from tests.shipping_factories import TEGAL_TIMUR, gen_address, ship_from_tegal

ONGKIR = 8000


@pytest.fixture
def world(make_app):
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        fake = FakePrepaidPlugin()
        plugin_api.register(app, fake, "fake_prepaid")
        seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
        store = gen_store(owner=seller, name="Batik Darto")
        ship_from_tegal(store, local={TEGAL_TIMUR: ONGKIR})
        site_settings.set_commission(None, "10")
        shopper = gen_shopper("siti@test.id")
        address = gen_address(shopper, TEGAL_TIMUR)
        db.session.commit()
        admin = gen_user(role="admin", name="Admin")
        yield {
            "fake": fake,
            "seller": seller,
            "store": store,
            "shopper": shopper,
            "address": address.id,
            "admin": admin,
        }


def _order(world, *prices, method="fake_transfer", paid=True) -> Order:
    lines = [(gen_listing(store=world["store"], price=p, name=f"Batik {i}"), 1) for i, p in enumerate(prices)]
    shipping = {"address_id": world["address"], "options": {world["store"].slug: "local"}}
    order = buy(world["shopper"], *lines, method=method, shipping=shipping).orders[0]
    if paid and not order.pay_on_delivery:
        orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
        db.session.commit()
    return order


def _ship(order, world) -> Order:
    transition(order, "processing", world["seller"])
    transition(order, "shipped", world["seller"], tracking_number="CGK1234567890", courier="JNE")
    db.session.commit()
    return order


def test_a_cancelled_paid_order_gives_its_ongkir_back(world):
    order = _order(world, 100_000)
    assert (order.shipping_cost, order.total) == (ONGKIR, 108_000)

    transition(order, "cancelled", world["shopper"], reason="Salah pilih ukuran")
    db.session.commit()

    refund = db.session.scalar(select(OrderRefund).where(OrderRefund.order_id == order.id))
    assert (refund.goods_amount, refund.shipping_amount, refund.amount) == (100_000, ONGKIR, 108_000)
    assert world["fake"].method.refunds == [(order.payment_id, 108_000)]
    assert db.session.get(Payment, order.payment_id).refunded_amount == 108_000
    assert refunds.shipping_refundable(order) == 0
    assert rows(order) == []  # never credited: the money went back from the marketplace's hands


def test_completion_credits_ongkir_to_the_store_without_commission(world):
    order = _ship(_order(world, 100_000), world)
    assert ledger.order_split(order).net == 100_000 - 10_000 + ONGKIR

    transition(order, "completed", world["shopper"])
    db.session.commit()

    store = f"store:{world['store'].id}"
    assert rows(order) == [
        (store, "sale", 100_000),
        (store, "commission", -10_000),
        ("marketplace", "commission", 10_000),
        (store, "shipping", ONGKIR),
    ]
    assert ledger.balance(world["store"].id) == 98_000


def test_cash_on_delivery_holds_the_ongkir_in_the_sellers_hand(world):
    order = _ship(_order(world, 50_000, method="cash_on_delivery"), world)  # its own delivery takes cash
    transition(order, "completed", world["shopper"])
    db.session.commit()

    store = f"store:{world['store'].id}"
    assert (store, "cod_cash", -(50_000 + ONGKIR)) in rows(order)
    assert ledger.balance(world["store"].id) == -5_000  # the store owes the commission only


def test_after_shipping_a_partial_refund_keeps_the_ongkir_and_a_whole_refund_returns_it(world):
    order = _ship(_order(world, 60_000, 40_000), world)
    transition(order, "completed", world["shopper"])
    db.session.commit()
    first = sorted(refunds.refundable(order))[0]

    refunds.refund_order(order, actor=world["seller"], amounts={first: 60_000}, reason="rusak", source="complaint:1")
    db.session.commit()
    assert refunds.shipping_refundable(order) == ONGKIR

    transition(order, "refunded", world["admin"], reason="dikembalikan semua")
    db.session.commit()

    store = f"store:{world['store'].id}"
    last = db.session.scalar(select(OrderRefund).where(OrderRefund.source == "status:refunded"))
    assert (last.goods_amount, last.shipping_amount) == (40_000, ONGKIR)
    assert (store, "shipping", -ONGKIR) in rows(order)
    assert ledger.balance(world["store"].id) == 0
    assert db.session.get(Payment, order.payment_id).refunded_amount == order.total
