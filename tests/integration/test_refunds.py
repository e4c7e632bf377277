"""refund_order / refundable (marketplace/orders/refunds.py): partial per line, extras, idempotent
per source, through the payment method, the ledger of every party debited once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import plugin_api, site_settings
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.ledger.models import LedgerEntry
from marketplace.orders import refunds
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderRefund
from marketplace.payments.models import Payment
from tests.buying_factories import FakePrepaidPlugin, buy, gen_listing, gen_shopper
from tests.factories import gen_store, gen_user


@pytest.fixture
def world(make_app):
    app = make_app(plugins="cash_on_delivery,insurance")
    with app.app_context():
        fake = FakePrepaidPlugin()
        plugin_api.register(app, fake, "fake_prepaid")
        seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
        store = gen_store(owner=seller, name="Batik Darto")
        site_settings.set_commission(None, "10")
        db.session.commit()
        yield {
            "fake": fake,
            "seller": seller,
            "store": store,
            "shopper": gen_shopper("siti@test.id"),
            "admin": gen_user(role="admin", name="Admin"),
        }


def _order(world, *prices, method="fake_transfer", protect=False) -> Order:
    lines = [
        (gen_listing(store=world["store"], price=price, stock=10, name=f"Batik {i}"), 1)
        for i, price in enumerate(prices)
    ]
    extras = ["order_protection"] if protect else []
    return buy(world["shopper"], *lines, method=method, extras=extras).orders[0]


def _complete(order, world) -> Order:
    if not order.pay_on_delivery:
        orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    transition(order, "processing", world["seller"])
    transition(order, "shipped", world["seller"], tracking_number="JP1", courier="JNE")
    transition(order, "completed", world["shopper"])
    db.session.commit()
    return order


def rows(order) -> list[tuple[str, str, int]]:
    db.session.expire_all()
    return [
        (e.account, e.kind, e.amount)
        for e in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.order_id == order.id).order_by(LedgerEntry.id)
        )
    ]


def _lines(order):
    from marketplace.orders.models import OrderLine

    return list(db.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)))


def test_a_partial_refund_of_a_completed_order_debits_goods_and_returns_commission(world):
    order = _complete(_order(world, 100_000, 55_555), world)
    first, second = _lines(order)
    store = f"store:{world['store'].id}"
    assert refunds.refundable(order) == {first.id: 100_000, second.id: 55_555}
    refund = refunds.refund_order(
        order, actor=world["admin"], amounts={second.id: 20_001}, reason="cacat", source="complaint:1"
    )
    db.session.commit()
    assert (refund.amount, refund.goods_amount, refund.extras_amount) == (20_001, 20_001, 0)
    assert refunds.refundable(order) == {first.id: 100_000, second.id: 35_554}
    assert world["fake"].method.refunds == [(order.payment_id, 20_001)]
    assert rows(order)[-3:] == [
        (store, "refund", -20_001),
        (store, "commission", 2_000),
        ("marketplace", "commission", -2_000),
    ]
    assert order.status == "completed"  # a refund never moves the order


def test_the_same_source_twice_refunds_once(world):
    order = _complete(_order(world, 80_000), world)
    [line] = _lines(order)
    one = refunds.refund_order(order, actor=None, amounts={line.id: 10_000}, reason="x", source="complaint:7")
    two = refunds.refund_order(order, actor=None, amounts={line.id: 30_000}, reason="y", source="complaint:7")
    db.session.commit()
    assert one.id == two.id and two.amount == 10_000
    assert world["fake"].method.refunds == [(order.payment_id, 10_000)]
    assert db.session.scalar(select(func.count()).select_from(OrderRefund)) == 1


def test_cumulative_commission_returned_never_drifts(world):
    order = _complete(_order(world, 10_005), world)  # commission 10 % of 10.005 = 1.001 (half up: 1.000,5)
    [line] = _lines(order)
    for i in range(5):
        refunds.refund_order(order, actor=None, amounts={line.id: 2_001}, reason="", source=f"complaint:{i}")
    db.session.commit()
    store = f"store:{world['store'].id}"
    sums = dict(
        db.session.execute(
            select(LedgerEntry.account, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.order_id == order.id)
            .group_by(LedgerEntry.account)
        ).all()
    )
    assert sums == {store: 0, "marketplace": 0}


def test_bad_amounts_are_refused_with_a_field_message_and_nothing_moves(world):
    order = _complete(_order(world, 50_000), world)
    [line] = _lines(order)
    before = rows(order)
    for amounts, field in (
        ({line.id: 50_001}, f"amount_{line.id}"),
        ({line.id: 0}, f"amount_{line.id}"),
        ({line.id: -5}, f"amount_{line.id}"),
        ({line.id: "10"}, f"amount_{line.id}"),
        ({line.id + 999: 10}, "amounts"),
    ):
        with pytest.raises(ValidationError) as caught:
            refunds.refund_order(order, actor=None, amounts=amounts, reason="", source="complaint:1")
        assert field in caught.value.fields
        db.session.rollback()
    assert rows(order) == before and world["fake"].method.refunds == []


def test_an_unpaid_order_has_nothing_to_refund(world):
    order = _order(world, 50_000)
    with pytest.raises(Conflict):
        refunds.refund_order(order, actor=None, reason="", source="cancel")


def test_nothing_left_is_a_validation_error_and_refund_rest_is_none(world):
    order = _complete(_order(world, 50_000), world)
    refunds.refund_order(order, actor=None, reason="", source="complaint:1")
    db.session.commit()
    with pytest.raises(ValidationError):
        refunds.refund_order(order, actor=None, reason="", source="complaint:2")
    db.session.rollback()
    assert refunds.refund_rest(order, actor=None, reason="", source="status:refunded") is None


def test_a_refund_before_completion_is_debited_when_the_order_completes(world):
    order = _order(world, 100_000)
    orders.apply_payment(order.payment_id, order.total, "IDR", "ref")
    transition(order, "processing", world["seller"])
    transition(order, "shipped", world["seller"], tracking_number="JP1")
    [line] = _lines(order)
    refunds.refund_order(order, actor=None, amounts={line.id: 40_000}, reason="", source="complaint:1")
    assert rows(order) == []  # not credited yet: nothing on the ledger
    transition(order, "completed", world["shopper"])
    db.session.commit()
    store = f"store:{world['store'].id}"
    assert sorted(rows(order)) == sorted(
        [
            (store, "sale", 100_000),
            (store, "commission", -10_000),
            ("marketplace", "commission", 10_000),
            (store, "refund", -40_000),
            (store, "commission", 4_000),
            ("marketplace", "commission", -4_000),
        ]
    )


def test_a_refunded_protected_order_refunds_its_premium_and_reverses_the_insurer(world):
    order = _complete(_order(world, 100_000, protect=True), world)
    assert order.total == 101_000
    transition(order, "refunded", world["admin"], reason="barang hilang")
    db.session.commit()
    store = f"store:{world['store'].id}"
    assert rows(order) == [
        (store, "sale", 100_000),
        (store, "commission", -10_000),
        ("marketplace", "commission", 10_000),
        ("insurer:jasindo", "premium", 1_000),
        (store, "refund", -100_000),
        (store, "commission", 10_000),
        ("marketplace", "commission", -10_000),
        ("insurer:jasindo", "premium", -1_000),
    ]
    assert world["fake"].method.refunds == [(order.payment_id, 101_000)]
    assert db.session.get(Payment, order.payment_id).refunded_amount == 101_000


def test_a_cod_refund_records_the_cash_the_seller_handed_back(world):
    order = _complete(_order(world, 60_000, method="cash_on_delivery", protect=True), world)
    [line] = _lines(order)
    refunds.refund_order(order, actor=world["admin"], amounts={line.id: 10_000}, reason="", source="complaint:3")
    db.session.commit()
    store = f"store:{world['store'].id}"
    assert rows(order)[-5:] == [
        (store, "cod_cash", -61_000),  # at completion: the seller holds the cash, premium included
        (store, "refund", -10_000),
        (store, "commission", 1_000),
        ("marketplace", "commission", -1_000),
        (store, "cod_cash", 10_000),  # the seller handed 10.000 back to the buyer
    ]
    # the store owes the commission left (5.000) and the premium it collected (1.000)
    assert sum(amount for account, _kind, amount in rows(order) if account == store) == -6_000


def test_two_refunds_with_one_source_at_the_same_moment_refund_once(world, make_app):
    """Two complaint decisions race (two sessions, released together): one refund goes through the
    provider; the other returns it (PostgreSQL: it waited on the order's row) or fails cleanly
    (SQLite: the database was busy) — never a second refund."""
    import threading

    from flask import current_app

    order = _complete(_order(world, 90_000), world)
    [line] = _lines(order)
    app, order_id, line_id = current_app._get_current_object(), order.id, line.id
    barrier, answers = threading.Barrier(2), []

    def decide() -> None:
        with app.app_context():
            try:
                mine = db.session.get(Order, order_id)
                barrier.wait()
                refund = refunds.refund_order(
                    mine, actor=None, amounts={line_id: 30_000}, reason="komplain", source="complaint:99"
                )
                db.session.commit()
                answers.append(refund.id)
            except Exception as exc:  # a busy SQLite database: nothing of this session is kept
                db.session.rollback()
                answers.append(type(exc).__name__)

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    assert world["fake"].method.refunds == [(order.payment_id, 30_000)]
    assert db.session.scalar(select(func.count()).select_from(OrderRefund)) == 1
    assert db.session.get(Payment, order.payment_id).refunded_amount == 30_000
    refund_id = db.session.scalar(select(OrderRefund.id))
    assert refund_id in answers and len(answers) == 2
    assert refunds.refundable(db.session.get(Order, order_id)) == {line_id: 60_000}
