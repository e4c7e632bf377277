"""A payment that arrives after its orders were cancelled unpaid: an order that expired goes on
when its stock can be taken again; otherwise (stock gone, cancelled by a person) its share is
refunded at once and the shopper is told (marketplace/orders/late_payments.py)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.catalog import stock
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.orders import services as orders
from marketplace.orders.deadlines import days, deadlines
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderEvent, OrderRefund
from marketplace.payments.bank_refund_models import BankRefund
from marketplace.payments.models import Payment
from tests.buying_factories import buy, cod_app, gen_listing, gen_shopper, prepaid, stock_of  # noqa: F401
from tests.factories import gen_store, gen_user


@pytest.fixture
def people(cod_app):
    seller = gen_user(role="seller", name="Pak Darto")
    return {
        "shopper": gen_shopper(),
        "seller": seller,
        "store": gen_store(owner=seller, name="Batik Darto"),
        "other_store": gen_store(name="Kopi Tegal"),
    }


def _two_store_checkout(people, tea_stock=5, kopi_stock=5):
    tea = gen_listing(price=25000, stock=tea_stock, store=people["store"])
    kopi = gen_listing(price=40000, stock=kopi_stock, store=people["other_store"], name="Kopi Tegal")
    result = buy(people["shopper"], (tea, 2), (kopi, 1), method="fake_transfer")
    db.session.commit()
    tea_order = next(o for o in result.orders if o.store_id == people["store"].id)
    kopi_order = next(o for o in result.orders if o.store_id == people["other_store"].id)
    return result.payment.id, (tea, tea_order.id), (kopi, kopi_order.id)


def _expire_all():
    with time_machine.travel(now() + timedelta(hours=1), tick=False):
        orders.expire_due()
        db.session.commit()


def _order(order_id) -> Order:
    return db.session.scalars(select(Order).where(Order.id == order_id).execution_options(populate_existing=True)).one()


def _payment(payment_id) -> Payment:
    return db.session.scalars(
        select(Payment).where(Payment.id == payment_id).execution_options(populate_existing=True)
    ).one()


def _notes(order_id) -> list[str]:
    return list(db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order_id)))


def _mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_a_payment_after_expiry_revives_the_orders_while_their_stock_is_there(people, prepaid):
    pay_id, (tea, tea_id), (kopi, kopi_id) = _two_store_checkout(people)
    _expire_all()
    assert (stock_of(tea.id), stock_of(kopi.id)) == (5, 5) and _payment(pay_id).status == "cancelled"
    revived = orders.apply_payment(pay_id, 90000, "IDR", "late-1")
    db.session.commit()
    assert sorted(o.id for o in revived) == sorted([tea_id, kopi_id])
    for order_id in (tea_id, kopi_id):
        order = _order(order_id)
        assert order.status == "paid" and order.cancel_reason is None and order.cancelled_at is None
        assert _notes(order_id)[-1] == "late_payment"
        # the normal paid-order clock, from the late payment
        assert deadlines(order).accept_by == order.paid_at + days("ORDER_ACCEPT_DAYS")
    assert (stock_of(tea.id), stock_of(kopi.id)) == (3, 4)
    pay = _payment(pay_id)
    assert (pay.captured_amount, pay.voided_amount, pay.refunded_amount, pay.status) == (90000, 0, 0, "paid")
    assert prepaid.method.refunds == []
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.paid")).all()
    assert len(audits) == 2


def test_an_order_whose_stock_is_gone_is_refunded_and_its_shopper_told(people, prepaid):
    pay_id, (tea, tea_id), (kopi, kopi_id) = _two_store_checkout(people)
    _expire_all()
    assert stock.reserve(tea.id, 4)  # another buyer took the tea meanwhile
    db.session.commit()
    revived = orders.apply_payment(pay_id, 90000, "IDR", "late-2")
    db.session.commit()
    assert [o.id for o in revived] == [kopi_id]
    tea_order = _order(tea_id)
    assert (
        tea_order.status == "cancelled" and tea_order.paid_at is None and _notes(tea_id)[-1] == "late_payment_refunded"
    )
    assert (stock_of(tea.id), stock_of(kopi.id)) == (1, 4)
    assert prepaid.method.refunds == [(pay_id, 50000)]
    [refund] = db.session.scalars(select(OrderRefund).where(OrderRefund.order_id == tea_id)).all()
    assert (refund.source, refund.amount, refund.goods_amount) == ("late-payment", 50000, 50000)
    pay = _payment(pay_id)
    assert (pay.captured_amount, pay.refunded_amount, pay.status) == (90000, 50000, "partially_refunded")
    [mail] = _mails("orders/mail/late_payment_refunded.txt")
    assert tea_order.number in mail.subject and "Rp 50.000" in mail.body
    assert "dikembalikan melalui metode pembayaran yang sama" in mail.body


def test_an_order_is_revived_with_all_its_lines_or_none(people, prepaid):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    cup = gen_listing(price=10000, stock=3, store=people["store"], name="Cangkir")
    result = buy(people["shopper"], (tea, 2), (cup, 3), method="fake_transfer")
    db.session.commit()
    [order] = result.orders
    _expire_all()
    assert stock.reserve(cup.id, 1)  # one cup sold meanwhile: the order's three cannot be taken
    db.session.commit()
    assert orders.apply_payment(result.payment.id, order.total, "IDR", "late-3") == []
    db.session.commit()
    assert _order(order.id).status == "cancelled"
    assert (stock_of(tea.id), stock_of(cup.id)) == (5, 2)  # the tea taken first was put back
    assert prepaid.method.refunds == [(result.payment.id, order.total)]


def test_an_order_a_person_cancelled_is_refunded_even_with_stock(people, prepaid):
    pay_id, (tea, tea_id), (kopi, kopi_id) = _two_store_checkout(people)
    transition(_order(tea_id), "cancelled", people["seller"], reason="Stok rusak")
    db.session.commit()
    revived = orders.apply_payment(pay_id, 90000, "IDR", "late-4")  # the whole amount, as asked
    db.session.commit()
    assert [o.id for o in revived] == [kopi_id]
    assert _order(tea_id).status == "cancelled" and stock_of(tea.id) == 5
    assert prepaid.method.refunds == [(pay_id, 50000)]
    assert len(_mails("orders/mail/late_payment_refunded.txt")) == 1


def test_the_same_late_notification_twice_settles_once(people, prepaid):
    pay_id, (tea, tea_id), (kopi, kopi_id) = _two_store_checkout(people)
    _expire_all()
    assert stock.reserve(tea.id, 5)
    db.session.commit()
    assert [o.id for o in orders.apply_payment(pay_id, 90000, "IDR", "late-5")] == [kopi_id]
    db.session.commit()
    assert orders.apply_payment(pay_id, 90000, "IDR", "late-5") == []
    db.session.commit()
    assert prepaid.method.refunds == [(pay_id, 50000)] and stock_of(kopi.id) == 4
    assert db.session.scalars(select(OrderRefund.id)).all() == [db.session.scalar(select(OrderRefund.id))]
    assert len(_mails("orders/mail/late_payment_refunded.txt")) == 1


def test_a_late_share_owed_to_a_bank_account_is_shown_on_the_order_page(people, prepaid, cod_app, monkeypatch):
    monkeypatch.setattr(type(prepaid.method), "refunds_to_bank_account", lambda self, payment: True)
    pay_id, (tea, tea_id), _kopi = _two_store_checkout(people)
    _expire_all()
    assert stock.reserve(tea.id, 5)
    db.session.commit()
    orders.apply_payment(pay_id, 90000, "IDR", "late-6")
    db.session.commit()
    assert prepaid.method.refunds == []  # nothing went back through the method
    [owed] = db.session.scalars(select(BankRefund)).all()
    assert (owed.order_id, owed.amount, owed.status) == (tea_id, 50000, "awaiting_account")
    [mail] = _mails("orders/mail/late_payment_refunded.txt")
    assert "rekening bank Anda" in mail.body
    client = cod_app.test_client()
    client.post("/login", data={"email": people["shopper"].email, "password": "rahasia123"})
    page = client.get(f"/orders/{_order(tea_id).number}").get_data(as_text=True)
    assert "Dana Rp 50.000 akan dikembalikan ke rekening Anda" in page
    assert f'id="refund-account-{owed.id}"' in page
    assert "Pembayaran tiba setelah pesanan dibatalkan; dana dikembalikan" in page


def test_expiry_after_the_payment_leaves_the_paid_orders_alone(people, prepaid):
    pay_id, (tea, tea_id), (kopi, kopi_id) = _two_store_checkout(people)
    orders.apply_payment(pay_id, 90000, "IDR", "in-time")
    db.session.commit()
    _expire_all()
    assert {_order(tea_id).status, _order(kopi_id).status} == {"paid"}
    assert (stock_of(tea.id), stock_of(kopi.id)) == (3, 4)


def test_expiry_and_a_payment_at_the_same_time_create_no_money_or_stock(people, prepaid, cod_app):
    """Two connections: the clock expires the orders while the provider's notification applies the
    payment. Whichever wins, each order ends paid once with its stock taken once, or cancelled
    with its stock back and its share refunded."""
    pay_id, (tea, tea_id), (kopi, kopi_id) = _two_store_checkout(people)
    tea_variant, kopi_variant = tea.id, kopi.id
    db.session.remove()
    barrier, errors = threading.Barrier(2), []

    def run(work):
        with cod_app.app_context():
            try:
                barrier.wait(5)
                work()
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    def expire():
        with time_machine.travel(now() + timedelta(hours=1), tick=False):
            orders.expire_due()

    threads = [
        threading.Thread(target=run, args=(expire,)),
        threading.Thread(target=run, args=(lambda: orders.apply_payment(pay_id, 90000, "IDR", "race"),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    tea_order, kopi_order = _order(tea_id), _order(kopi_id)
    pay = _payment(pay_id)
    assert {tea_order.status, kopi_order.status} == {"paid"}  # the stock was there: revived if expired first
    assert (stock_of(tea_variant), stock_of(kopi_variant)) == (3, 4)
    assert (pay.captured_amount, pay.voided_amount, pay.refunded_amount) == (90000, 0, 0)
