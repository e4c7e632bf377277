"""The order clock (marketplace/orders/clock.py): expiry by schedule, auto-cancel of paid
orders the seller did not accept, auto-complete of shipped orders (sooner after a
delivery report), holds, two ticks at once, ``flask orders tick``."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import clock
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderEvent
from marketplace.payments.models import Payment
from tests.buying_factories import buy, gen_listing, gen_shopper, stock_of
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
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


def _order(people, method="fake_transfer", quantity=2, price=50000):
    variant = gen_listing(store=people["store"], stock=10, price=price)
    return buy(people["shopper"], (variant, quantity), method=method).orders[0], variant


def _reload(order) -> Order:
    return db.session.scalars(select(Order).where(Order.id == order.id).execution_options(populate_existing=True)).one()


def _walk(order, status, people) -> Order:
    """Move a prepaid order to ``paid``, ``processing`` or ``shipped`` the legal way."""
    orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    db.session.commit()
    for step in ("processing", "shipped")[: ("paid", "processing", "shipped").index(status)]:
        transition(_reload(order), step, people["seller"], courier="JNE", tracking_number="JP123")
        db.session.commit()
    return _reload(order)


def _mails_about(outbox, number: str) -> list[str]:
    return sorted(str(message["To"]) for message in outbox if number in str(message["Subject"]))


def _events(order, to_status: str) -> int:
    return db.session.scalar(
        select(func.count()).where(OrderEvent.order_id == order.id, OrderEvent.to_status == to_status)
    )


# --- expiry by schedule -------------------------------------------------------------------------


def test_unpaid_orders_expire_by_the_clock(people, prepaid):
    order, variant = _order(people)
    assert stock_of(variant.id) == 8
    assert clock.tick()["expired"].moved == 0
    with time_machine.travel(now() + timedelta(minutes=31), tick=False):
        result = clock.tick()
    assert (result["expired"].moved, result["cancelled"].moved, result["completed"].moved) == (1, 0, 0)
    order = _reload(order)
    assert (order.status, order.cancel_reason) == ("cancelled", "expired") and stock_of(variant.id) == 10


# --- paid, never accepted -----------------------------------------------------------------------


def test_a_paid_order_the_seller_never_accepts_is_cancelled_refunded_and_its_stock_returned(people, prepaid, outbox):
    order, variant = _order(people)
    order = _walk(order, "paid", people)
    outbox.clear()
    with time_machine.travel(order.paid_at + 2 * DAY - timedelta(minutes=1), tick=False):
        assert clock.tick()["cancelled"].moved == 0  # not yet
    with time_machine.travel(order.paid_at + 2 * DAY, tick=False):
        result = clock.tick()
    assert result["cancelled"].moved == 1
    order = _reload(order)
    assert (order.status, order.cancel_reason) == ("cancelled", clock.NOT_ACCEPTED_REASON)
    assert prepaid.method.refunds == [(order.payment_id, 100000)]
    assert db.session.get(Payment, order.payment_id).refunded_amount == 100000
    assert stock_of(variant.id) == 10
    assert _mails_about(outbox, order.number) == ["darto@test.id", "siti@test.id"]
    shopper_mail, seller_mail = (
        next(m for m in outbox if m["To"] == address) for address in ("siti@test.id", "darto@test.id")
    )
    assert "belum menerima pesanan dalam 2 hari" in shopper_mail.get_content()
    assert "Dana Anda dikembalikan" in shopper_mail.get_content()
    assert "tidak menerima pesanan dalam 2 hari" in seller_mail.get_content()
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()[-1]
    assert (event.actor_id, event.to_status) == (None, "cancelled")


def test_an_accepted_order_is_not_cancelled_and_the_setting_is_read(people, prepaid, make_app):
    order, _ = _order(people)
    order = _walk(order, "processing", people)
    other, _ = _order(people)
    other = _walk(other, "paid", people)
    with time_machine.travel(other.paid_at + 10 * DAY, tick=False):
        assert clock.tick()["cancelled"].moved == 1
    assert _reload(order).status == "processing"


def test_a_refund_the_provider_refuses_leaves_the_order_paid_for_the_next_tick(people, prepaid):
    order, variant = _order(people)
    order = _walk(order, "paid", people)
    prepaid.method.fail_refund = True
    with time_machine.travel(order.paid_at + 3 * DAY, tick=False):
        first = clock.tick()
        prepaid.method.fail_refund = False
        second = clock.tick()
    assert (first["cancelled"].failed, first["cancelled"].moved) == (1, 0)
    assert (second["cancelled"].failed, second["cancelled"].moved) == (0, 1)
    assert _reload(order).status == "cancelled" and stock_of(variant.id) == 10


# --- shipped, never confirmed -------------------------------------------------------------------


def test_a_shipped_order_completes_after_the_complete_days_and_its_store_is_credited(people, prepaid, outbox):
    order, _ = _order(people)
    order = _walk(order, "shipped", people)
    assert ledger.balance(people["store"].id) == 0
    outbox.clear()
    with time_machine.travel(order.shipped_at + 7 * DAY - timedelta(seconds=1), tick=False):
        assert clock.tick()["completed"].moved == 0
    with time_machine.travel(order.shipped_at + 7 * DAY, tick=False):
        assert clock.tick()["completed"].moved == 1
    order = _reload(order)
    assert order.status == "completed" and order.completed_at is not None
    assert ledger.balance(people["store"].id) == order.total - ledger.commission_of(order.total, order.commission_bps)
    assert _mails_about(outbox, order.number) == ["darto@test.id", "siti@test.id"]
    assert any("selesai otomatis" in m.get_content() for m in outbox if m["To"] == "siti@test.id")


def test_a_delivery_report_completes_it_sooner(people, prepaid):
    order, _ = _order(people)
    order = _walk(order, "shipped", people)
    delivered = order.shipped_at + DAY
    with time_machine.travel(delivered + timedelta(hours=1), tick=False):
        assert orders.mark_delivered(order, at=delivered, source="courier") is True
        db.session.commit()
        assert orders.mark_delivered(_reload(order), source="courier") is False  # the first report stands
        db.session.commit()
    order = _reload(order)
    assert order.delivered_at == delivered
    assert clock.deadlines(order).complete_by == delivered + 3 * DAY
    assert clock.deadlines(order).complaint_until == delivered + 3 * DAY
    with time_machine.travel(delivered + 3 * DAY - timedelta(seconds=1), tick=False):
        assert clock.tick()["completed"].moved == 0
    with time_machine.travel(delivered + 3 * DAY, tick=False):
        assert clock.tick()["completed"].moved == 1
    assert _reload(order).status == "completed"
    assert _events(order, "shipped") == 2  # shipped, then the delivery report (once)
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.delivered")).all()
    assert len(audit) == 1


def test_a_late_delivery_report_does_not_push_completion_back(people, prepaid):
    order, _ = _order(people)
    order = _walk(order, "shipped", people)
    with time_machine.travel(order.shipped_at + 6 * DAY, tick=False):
        orders.mark_delivered(order)
        db.session.commit()
    assert clock.deadlines(_reload(order)).complete_by == order.shipped_at + 7 * DAY


def test_an_unshipped_order_cannot_be_reported_delivered(people, prepaid):
    from marketplace.errors import Conflict

    order, _ = _order(people)
    order = _walk(order, "processing", people)
    with pytest.raises(Conflict):
        orders.mark_delivered(order)
    db.session.rollback()
    assert _reload(order).delivered_at is None


def test_a_hold_keeps_an_order_shipped(people, prepaid, monkeypatch):
    held_order, _ = _order(people)
    held_order = _walk(held_order, "shipped", people)
    free_order, _ = _order(people)
    free_order = _walk(free_order, "shipped", people)
    asked: list[list[int]] = []

    def complaint_open(order_ids):
        asked.append(list(order_ids))
        return [i for i in order_ids if i == held_order.id]

    monkeypatch.setattr(clock, "completion_holds", [complaint_open])
    with time_machine.travel(now() + 8 * DAY, tick=False):
        result = clock.tick()
    assert (result["completed"].moved, result["completed"].skipped) == (1, 0)
    assert (_reload(held_order).status, _reload(free_order).status) == ("shipped", "completed")
    assert sorted(asked[0]) == sorted([held_order.id, free_order.id]) and asked[1] == [free_order.id]


def test_a_step_added_by_other_code_runs_after_the_core_ones(people, prepaid, monkeypatch):
    ran = []
    step = clock.Step("complaint deadlines", due=lambda at: [1, 2], move=lambda i, at: ran.append(i) or i == 1)
    monkeypatch.setattr(clock, "STEPS", [*clock.STEPS, step])
    result = clock.tick()
    assert list(result.steps) == ["expired", "cancelled", "completed", "complaint deadlines"]
    assert (result["complaint deadlines"].moved, result["complaint deadlines"].skipped, ran) == (1, 1, [1, 2])


# --- two ticks at once ----------------------------------------------------------------------------


def _racing(monkeypatch, threads: int = 2):
    """Every step's due list is read by every tick before any of them moves an order."""
    barrier = threading.Barrier(threads, timeout=30)

    def wrapped(step):
        def due(at):
            ids = step.due(at)
            barrier.wait()
            return ids

        return clock.Step(step.name, due, step.move)

    monkeypatch.setattr(clock, "STEPS", [wrapped(step) for step in clock.STEPS])


def test_two_ticks_at_once_move_each_order_once(people, prepaid, outbox, monkeypatch, cod_app):
    unpaid = [_order(people)[0] for _ in range(2)]
    paid = [_walk(_order(people)[0], "paid", people) for _ in range(2)]
    shipped = [_walk(_order(people)[0], "shipped", people) for _ in range(2)]
    outbox.clear()
    _racing(monkeypatch)
    results: list = []

    def run():
        with cod_app.app_context():
            results.append(clock.tick())
            db.session.remove()

    with time_machine.travel(now() + 8 * DAY, tick=False):
        workers = [threading.Thread(target=run) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
    assert len(results) == 2
    for name in ("expired", "cancelled", "completed"):
        assert sum(r[name].moved for r in results) == 2, name
        assert sum(r[name].skipped for r in results) == 2, name
        assert sum(r[name].failed for r in results) == 0, name
    db.session.rollback()
    for order, status in [*((o, "cancelled") for o in unpaid + paid), *((o, "completed") for o in shipped)]:
        assert _reload(order).status == status
        assert _events(order, status) == 1
    for order in unpaid + paid + shipped:
        assert _mails_about(outbox, order.number) == ["darto@test.id", "siti@test.id"]  # once each
    for order in paid:
        assert prepaid.method.refunds.count((order.payment_id, order.total)) == 1


# --- the command ---------------------------------------------------------------------------------


def test_flask_orders_tick_prints_the_counts(people, prepaid, cod_app, outbox):
    order, _ = _order(people)
    runner = cod_app.test_cli_runner()
    with time_machine.travel(now() + timedelta(hours=1), tick=False):
        first = runner.invoke(args=["orders", "tick"])
        second = runner.invoke(args=["orders", "tick"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "expired: 1 moved, 0 skipped, 0 failed",
        "cancelled: 0 moved, 0 skipped, 0 failed",
        "completed: 0 moved, 0 skipped, 0 failed",
        "complaint deadlines: 0 moved, 0 skipped, 0 failed",  # marketplace/complaints/deadlines.py
    ]
    assert second.output.splitlines()[0] == "expired: 0 moved, 0 skipped, 0 failed"
    assert _reload(order).status == "cancelled"
