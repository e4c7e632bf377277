"""The order state machine: legal and illegal moves, who may make them, stock and
money on cancellation, cash on delivery, payment confirmation, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from marketplace.audit import AuditLog
from marketplace.catalog import stock
from marketplace.clock import now
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import MOVES, ConcurrentChange, allowed_moves, transition
from marketplace.orders.models import ORDER_STATUSES, Order, OrderEvent
from marketplace.payments import services as payments
from marketplace.payments.models import Payment
from tests.buying_factories import buy, cod_app, gen_listing, gen_shopper, prepaid, stock_of  # noqa: F401
from tests.factories import gen_store, gen_user


@pytest.fixture
def people(cod_app):
    seller = gen_user(role="seller", name="Pak Darto")
    store = gen_store(owner=seller, name="Batik Darto")
    return {
        "shopper": gen_shopper(),
        "seller": seller,
        "store": store,
        "stranger": gen_user(name="Orang Lain"),
        "other_seller": gen_store().owner_id,
        "admin": gen_user(role="admin", name="Admin"),
    }


def _order(people, method="cash_on_delivery", stock_=10, quantity=2, price=50000):
    variant = gen_listing(store=people["store"], stock=stock_, price=price)
    result = buy(people["shopper"], (variant, quantity), method=method)
    return result.orders[0], variant


def _reload(order) -> Order:
    return db.session.scalars(select(Order).where(Order.id == order.id).execution_options(populate_existing=True)).one()


def _to(order, status, people):
    """Walk a prepaid order to ``status`` the legal way."""
    path = {
        "paid": ["paid"],
        "processing": ["paid", "processing"],
        "shipped": ["paid", "processing", "shipped"],
        "completed": ["paid", "processing", "shipped", "completed"],
        "cancelled": ["cancelled"],
        "refunded": ["paid", "processing", "shipped", "completed", "refunded"],
    }[status]
    actors = {
        "paid": None,
        "processing": people["seller"],
        "shipped": people["seller"],
        "completed": people["shopper"],
        "cancelled": people["shopper"],
        "refunded": people["admin"],
    }
    for step in path:
        if step == "paid":
            orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
        else:
            transition(order, step, actors[step], tracking_number="JP123456789", courier="JNE", reason="uji")
        db.session.commit()
    return _reload(order)


# --- legal and illegal ---------------------------------------------------------------------


def test_the_happy_path_of_a_prepaid_order(people, prepaid):
    order, variant = _order(people, method="fake_transfer")
    assert order.expires_at is not None
    order = _to(order, "completed", people)
    assert order.status == "completed"
    assert order.paid_at and order.shipped_at and order.completed_at
    assert (order.courier, order.tracking_number) == ("JNE", "JP123456789")
    assert [e.to_status for e in orders.history(order)] == [
        "pending_payment",
        "paid",
        "processing",
        "shipped",
        "completed",
    ]
    assert stock_of(variant.id) == 8


@pytest.mark.parametrize("start", ORDER_STATUSES)
def test_every_move_not_in_the_table_is_a_409_and_changes_nothing(people, prepaid, start):
    order, _variant = _order(people, method="fake_transfer")
    order = _to(order, start, people) if start != "pending_payment" else order
    for target in ORDER_STATUSES:
        if (start, target) in MOVES:
            continue
        with pytest.raises(Conflict) as exc:
            transition(order, target, people["admin"], tracking_number="X1", reason="uji")
        assert exc.value.status == 409
        db.session.rollback()
        assert _reload(order).status == start


def test_an_unknown_status_is_a_field_error(people):
    order, _ = _order(people)
    with pytest.raises(ValidationError) as exc:
        transition(order, "teleported", people["seller"])
    assert "status" in exc.value.fields


WHO_MAY = [
    # (from, to, method, {role: allowed})
    ("pending_payment", "cancelled", "cod", {"shopper": True, "seller": True, "stranger": False, "admin": True}),
    ("pending_payment", "processing", "cod", {"shopper": False, "seller": True, "stranger": False, "admin": True}),
    ("paid", "processing", "prepaid", {"shopper": False, "seller": True, "stranger": False, "admin": True}),
    ("paid", "cancelled", "prepaid", {"shopper": True, "seller": True, "stranger": False, "admin": True}),
    ("processing", "shipped", "prepaid", {"shopper": False, "seller": True, "stranger": False, "admin": True}),
    ("processing", "cancelled", "prepaid", {"shopper": True, "seller": True, "stranger": False, "admin": True}),
    ("shipped", "completed", "prepaid", {"shopper": True, "seller": False, "stranger": False, "admin": True}),
    # completion credits the store: it is the buyer's confirmation, never the seller's, COD included
    ("shipped", "completed", "cod", {"shopper": True, "seller": False, "stranger": False, "admin": True}),
    ("completed", "refunded", "prepaid", {"shopper": False, "seller": False, "stranger": False, "admin": True}),
]


@pytest.mark.parametrize("start,target,method,matrix", WHO_MAY)
def test_who_may_make_each_move(people, prepaid, start, target, method, matrix):
    for role, allowed in matrix.items():
        order, _ = _order(people, method="fake_transfer" if method == "prepaid" else "cash_on_delivery")
        if method == "cod":
            for step in {"processing": ["processing"], "shipped": ["processing", "shipped"]}.get(start, []):
                transition(order, step, people["seller"], tracking_number="T1")
            db.session.commit()
        elif start != "pending_payment":
            order = _to(order, start, people)
        order = _reload(order)
        assert (target in allowed_moves(order, people[role])) == allowed, (role, start, target)
        if allowed:
            transition(order, target, people[role], tracking_number="JX1", reason="alasan")
            db.session.commit()
            assert _reload(order).status == target
        else:
            with pytest.raises(PermissionDenied):
                transition(order, target, people[role], tracking_number="JX1", reason="alasan")
            db.session.rollback()
            assert _reload(order).status == start


def test_paying_is_for_the_system_only_and_not_for_cod(people, prepaid):
    cod, _ = _order(people)
    with pytest.raises(Conflict):
        transition(cod, "paid", None)
    db.session.rollback()
    prepaid_order, _ = _order(people, method="fake_transfer")
    with pytest.raises(PermissionDenied):
        transition(prepaid_order, "paid", people["seller"])
    db.session.rollback()
    with pytest.raises(Conflict):  # a prepaid order is not accepted before it is paid
        transition(prepaid_order, "processing", people["seller"])


def test_every_move_writes_history_and_an_audit_row(people):
    order, _ = _order(people)
    transition(order, "processing", people["seller"])
    db.session.commit()
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "order", AuditLog.object_id == str(order.id))
    ).all()
    assert [r.action for r in rows] == ["order.placed", "order.processing"]
    assert rows[-1].actor_id == people["seller"].id and rows[-1].on_behalf_of_store_id == people["store"].id
    event = db.session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id.desc())
    ).first()
    assert (event.from_status, event.to_status, event.actor_id) == (
        "pending_payment",
        "processing",
        people["seller"].id,
    )


def test_shipping_needs_a_tracking_number_and_a_seller_cancel_needs_a_reason(people):
    order, _ = _order(people)
    transition(order, "processing", people["seller"])
    order.shipping_method = "courier"  # the older address checks out for pickup, which needs no waybill
    with pytest.raises(ValidationError) as exc:
        transition(order, "shipped", people["seller"], tracking_number="  ")
    assert "tracking_number" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        transition(order, "cancelled", people["seller"], reason="")
    assert "reason" in exc.value.fields
    transition(order, "cancelled", people["shopper"])  # the buyer need not explain


def test_a_concurrent_change_is_a_409_not_a_double_move(people):
    order, variant = _order(people, quantity=3)
    assert order.status == "pending_payment"  # what this request read
    with db.engine.begin() as other_request:  # meanwhile another request moved it
        other_request.execute(update(Order).where(Order.id == order.id).values(status="processing"))
    with pytest.raises(ConcurrentChange) as exc:
        transition(order, "cancelled", people["shopper"])
    assert exc.value.status == 409 and "baru saja diubah" in exc.value.message
    db.session.rollback()
    assert _reload(order).status == "processing" and stock_of(variant.id) == 7  # nothing given back


# --- stock and money on cancellation ---------------------------------------------------------


def test_cancelling_gives_stock_back_and_voids_the_unpaid_share(people):
    order, variant = _order(people, quantity=4)
    assert stock_of(variant.id) == 6
    transition(order, "cancelled", people["shopper"], reason="salah pilih")
    db.session.commit()
    assert stock_of(variant.id) == 10
    payment = db.session.get(Payment, order.payment_id)
    assert (payment.status, payment.voided_amount, payment.captured_amount) == ("cancelled", order.total, 0)


def test_a_cancelled_paid_order_is_refunded_through_its_method(people, prepaid):
    order, variant = _order(people, method="fake_transfer", quantity=2)
    order = _to(order, "processing", people)
    transition(order, "cancelled", people["seller"], reason="bahan habis")
    db.session.commit()
    assert prepaid.method.refunds == [(order.payment_id, 100000)]
    payment = db.session.get(Payment, order.payment_id)
    assert (payment.status, payment.refunded_amount) == ("refunded", 100000)
    assert stock_of(variant.id) == 10


def test_a_failing_refund_stops_the_cancellation(people, prepaid):
    order, variant = _order(people, method="fake_transfer")
    order = _to(order, "paid", people)
    prepaid.method.fail_refund = True
    with pytest.raises(payments.PaymentUnavailable):
        transition(order, "cancelled", people["shopper"])
    db.session.rollback()
    assert _reload(order).status == "paid" and stock_of(variant.id) == 8


def test_refunded_after_completion_keeps_stock_out(people, prepaid):
    order, variant = _order(people, method="fake_transfer")
    order = _to(order, "refunded", people)
    assert stock_of(variant.id) == 8 and prepaid.method.refunds == [(order.payment_id, order.total)]


# --- cash on delivery --------------------------------------------------------------------------


def test_cash_on_delivery_goes_to_the_seller_at_once_and_is_paid_when_the_buyer_confirms(people):
    order, _ = _order(people, quantity=1)
    assert order.status == "pending_payment" and order.expires_at is None and order.pay_on_delivery
    assert "processing" in allowed_moves(order, people["seller"])
    transition(order, "processing", people["seller"])
    transition(order, "shipped", people["seller"], courier="J&T", tracking_number="JT0001")
    db.session.commit()
    assert db.session.get(Payment, order.payment_id).status == "pending"
    assert "completed" not in allowed_moves(order, people["seller"])
    transition(order, "completed", people["shopper"])  # paid the courier, confirms receipt
    db.session.commit()
    order = _reload(order)
    payment = db.session.get(Payment, order.payment_id)
    assert order.paid_at is not None
    assert (payment.status, payment.captured_amount) == ("paid", order.total)


def test_a_cod_parcel_refused_at_the_door_is_cancelled_by_the_seller(people, prepaid):
    order, variant = _order(people, quantity=2)
    transition(order, "processing", people["seller"])
    transition(order, "shipped", people["seller"], tracking_number="JNE-9")
    db.session.commit()
    with pytest.raises(PermissionDenied):
        transition(order, "cancelled", people["shopper"])
    db.session.rollback()
    transition(_reload(order), "cancelled", people["seller"], reason="Pembeli menolak paket")
    db.session.commit()
    assert stock_of(variant.id) == 10 and db.session.get(Payment, order.payment_id).status == "cancelled"
    prepaid_order, _ = _order(people, method="fake_transfer")
    prepaid_order = _to(prepaid_order, "shipped", people)
    with pytest.raises(Conflict):  # a paid parcel on its way is not cancelled; it is refunded after return
        transition(prepaid_order, "cancelled", people["seller"], reason="x")


def test_one_store_collects_its_share_of_a_two_store_cod_payment(people):
    other = gen_listing(price=20000)
    mine = gen_listing(store=people["store"], price=50000)
    result = buy(people["shopper"], (mine, 1), (other, 1))
    order = next(o for o in result.orders if o.store_id == people["store"].id)
    for step in ("processing", "shipped"):
        transition(order, step, people["seller"], tracking_number="T2")
    transition(order, "completed", people["shopper"])
    db.session.commit()
    payment = db.session.get(Payment, result.payment.id)
    assert (payment.status, payment.captured_amount, payment.amount_due) == ("pending", 50000, 20000)


# --- payment confirmation -----------------------------------------------------------------------


def test_a_confirmation_is_applied_once_and_only_with_the_right_amount(people, prepaid):
    order, _ = _order(people, method="fake_transfer", quantity=2)
    with pytest.raises(Conflict):
        orders.apply_payment(order.payment_id, order.total - 1, "IDR", "bank-1")
    db.session.rollback()
    with pytest.raises(Conflict):
        orders.apply_payment(order.payment_id, order.total, "USD", "bank-1")
    db.session.rollback()
    assert [o.number for o in orders.apply_payment(order.payment_id, order.total, "IDR", "bank-1")] == [order.number]
    db.session.commit()
    assert orders.apply_payment(order.payment_id, order.total, "idr", "bank-1") == []
    db.session.commit()
    payment = db.session.get(Payment, order.payment_id)
    assert (payment.status, payment.captured_amount, payment.provider_reference) == ("paid", order.total, "bank-1")


# --- expiry --------------------------------------------------------------------------------------


def test_expiry_gives_stock_back_exactly_once(people, prepaid, cod_app):
    runner = cod_app.test_cli_runner()
    order, variant = _order(people, method="fake_transfer", quantity=3)
    cod_order, cod_variant = _order(people, quantity=2)
    assert stock_of(variant.id) == 7
    assert orders.expire_due() == 0
    with time_machine.travel(now() + timedelta(minutes=31), tick=False):
        first = runner.invoke(args=["orders", "expire"])
        second = runner.invoke(args=["orders", "expire"])
        assert orders.expire_due() == 0
    assert "1 order(s) expired" in first.output and "0 order(s) expired" in second.output
    assert stock_of(variant.id) == 10
    order = _reload(order)
    assert (order.status, order.cancel_reason) == ("cancelled", "expired")
    assert db.session.get(Payment, order.payment_id).status == "cancelled"
    assert _reload(cod_order).status == "pending_payment" and stock_of(cod_variant.id) == 8  # COD never expires
    released = db.session.scalar(
        select(func.count())
        .select_from(OrderEvent)
        .where(OrderEvent.order_id == order.id, OrderEvent.to_status == "cancelled")
    )
    assert released == 1


def test_an_expired_order_cannot_be_paid_or_cancelled_again(people, prepaid):
    order, variant = _order(people, method="fake_transfer", quantity=1)
    with time_machine.travel(now() + timedelta(hours=2), tick=False):
        orders.expire_due()
        db.session.commit()
    with pytest.raises(Conflict):
        transition(_reload(order), "cancelled", people["shopper"])
    db.session.rollback()
    with pytest.raises(Conflict):  # not the amount that was asked for
        orders.apply_payment(order.payment_id, order.total - 1, "IDR", "late")
    db.session.rollback()
    # the money that was asked for arrives late, its stock is still there: the order goes on, once
    assert [o.id for o in orders.apply_payment(order.payment_id, order.total, "IDR", "late")] == [order.id]
    assert orders.apply_payment(order.payment_id, order.total, "IDR", "late") == []
    db.session.commit()
    assert _reload(order).status == "paid" and stock_of(variant.id) == 9
    assert prepaid.method.refunds == []
    pay = db.session.get(Payment, order.payment_id)
    assert (pay.captured_amount, pay.refunded_amount, pay.status) == (order.total, 0, "paid")


def test_orders_expire_lazily_when_the_shopper_looks(people, prepaid, cod_app):
    order, variant = _order(people, method="fake_transfer", quantity=2)
    client = cod_app.test_client()
    client.post("/login", data={"email": people["shopper"].email, "password": "rahasia123"})
    with time_machine.travel(now() + timedelta(minutes=45), tick=False):
        page = client.get(f"/orders/{order.number}")
    assert page.status_code == 200 and "Dibatalkan" in page.get_data(as_text=True)
    assert stock_of(variant.id) == 10


def test_reserving_and_releasing_stock_is_the_catalogue_s_job(cod_app):
    variant = gen_listing(stock=1)
    assert stock.reserve(variant.id, 1) and not stock.reserve(variant.id, 1)
    stock.release(variant.id, 1)
    assert stock_of(variant.id) == 1
