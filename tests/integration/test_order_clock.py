"""The order clock (marketplace/orders/clock.py): expiry by schedule, auto-cancel of paid
orders the seller did not accept, auto-complete of shipped orders (sooner after a
delivery report), holds, two ticks at once, ``flask orders tick``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select, update

from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import clock
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderEvent
from marketplace.payments.models import Payment
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.buying_factories import stock_of
from tests.clock_support import DAY, events, gen_order, mails_about, reload, walk
from tests.clock_support import people as people
from tests.sql_count import counting

ROOT = Path(__file__).resolve().parents[2]


# --- expiry by schedule -------------------------------------------------------------------------


def test_unpaid_orders_expire_by_the_clock(people, prepaid):
    order, variant = gen_order(people)
    assert stock_of(variant.id) == 8
    assert clock.tick()["expired"].moved == 0
    with time_machine.travel(now() + timedelta(minutes=31), tick=False):
        result = clock.tick()
    assert (result["expired"].moved, result["cancelled"].moved, result["completed"].moved) == (1, 0, 0)
    order = reload(order)
    assert (order.status, order.cancel_reason) == ("cancelled", "expired") and stock_of(variant.id) == 10


# --- paid, never accepted -----------------------------------------------------------------------


def test_a_paid_order_the_seller_never_accepts_is_cancelled_refunded_and_its_stock_returned(people, prepaid, outbox):
    order, variant = gen_order(people)
    order = walk(order, "paid", people)
    outbox.clear()
    with time_machine.travel(order.paid_at + 2 * DAY - timedelta(minutes=1), tick=False):
        assert clock.tick()["cancelled"].moved == 0  # not yet
    with time_machine.travel(order.paid_at + 2 * DAY, tick=False):
        result = clock.tick()
    assert result["cancelled"].moved == 1
    order = reload(order)
    assert (order.status, order.cancel_reason) == ("cancelled", clock.NOT_ACCEPTED_REASON)
    assert prepaid.method.refunds == [(order.payment_id, 100000)]
    assert db.session.get(Payment, order.payment_id).refunded_amount == 100000
    assert stock_of(variant.id) == 10
    assert mails_about(outbox, order.number) == ["darto@test.id", "siti@test.id"]
    shopper_mail, seller_mail = (
        next(m for m in outbox if m["To"] == address) for address in ("siti@test.id", "darto@test.id")
    )
    assert "belum menerima pesanan dalam 2 hari" in shopper_mail.get_content()
    assert "Dana Anda dikembalikan" in shopper_mail.get_content()
    assert "tidak menerima pesanan dalam 2 hari" in seller_mail.get_content()
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()[-1]
    assert (event.actor_id, event.to_status) == (None, "cancelled")


def test_a_cod_order_the_seller_never_accepts_is_cancelled_with_its_stock_back(people, prepaid, outbox):
    """Cash on delivery reaches the seller unpaid: its time to accept runs from placing, and
    cancelling it moves no money (nothing was paid)."""
    order, variant = gen_order(people, method="cash_on_delivery")
    assert clock.deadlines(order).accept_by == order.placed_at + 2 * DAY
    outbox.clear()
    with time_machine.travel(order.placed_at + 2 * DAY - timedelta(minutes=1), tick=False):
        assert clock.tick()["cancelled"].moved == 0
    with time_machine.travel(order.placed_at + 2 * DAY, tick=False):
        assert clock.tick()["cancelled"].moved == 1
    order = reload(order)
    assert (order.status, order.cancel_reason, order.paid_at) == ("cancelled", clock.NOT_ACCEPTED_REASON, None)
    payment = db.session.get(Payment, order.payment_id)
    assert (payment.captured_amount, payment.refunded_amount) == (0, 0)
    assert stock_of(variant.id) == 10 and ledger.balance(people["store"].id) == 0
    seller_mail = next(m for m in outbox if m["To"] == "darto@test.id")
    assert "bayar di tempat ini dalam 2 hari" in seller_mail.get_content()
    shopper_mail = next(m for m in outbox if m["To"] == "siti@test.id")
    assert "Dana Anda dikembalikan" not in shopper_mail.get_content()


def test_an_accepted_cod_order_is_not_cancelled(people, prepaid):
    order, _ = gen_order(people, method="cash_on_delivery")
    transition(reload(order), "processing", people["seller"])
    db.session.commit()
    with time_machine.travel(order.placed_at + 5 * DAY, tick=False):
        assert clock.tick()["cancelled"].moved == 0
    assert reload(order).status == "processing"


def test_an_accepted_order_is_not_cancelled_and_the_setting_is_read(people, prepaid, cod_app):
    cod_app.config["ORDER_ACCEPT_DAYS"] = 5
    order, _ = gen_order(people)
    order = walk(order, "processing", people)
    other, _ = gen_order(people)
    other = walk(other, "paid", people)
    with time_machine.travel(other.paid_at + 3 * DAY, tick=False):
        assert clock.tick()["cancelled"].moved == 0
    with time_machine.travel(other.paid_at + 5 * DAY, tick=False):
        assert clock.tick()["cancelled"].moved == 1
    assert (reload(order).status, reload(other).status) == ("processing", "cancelled")


def test_a_refund_the_provider_refuses_leaves_the_order_paid_for_the_next_tick(people, prepaid):
    order, variant = gen_order(people)
    order = walk(order, "paid", people)
    prepaid.method.fail_refund = True
    with time_machine.travel(order.paid_at + 3 * DAY, tick=False):
        first = clock.tick()
        prepaid.method.fail_refund = False
        second = clock.tick()
    assert (first["cancelled"].failed, first["cancelled"].moved) == (1, 0)
    assert (second["cancelled"].failed, second["cancelled"].moved) == (0, 1)
    assert reload(order).status == "cancelled" and stock_of(variant.id) == 10


# --- shipped, never confirmed -------------------------------------------------------------------


def test_a_shipped_order_completes_after_the_complete_days_and_its_store_is_credited(people, prepaid, outbox):
    order, _ = gen_order(people)
    order = walk(order, "shipped", people)
    assert ledger.balance(people["store"].id) == 0
    outbox.clear()
    with time_machine.travel(order.shipped_at + 7 * DAY - timedelta(seconds=1), tick=False):
        assert clock.tick()["completed"].moved == 0
    with time_machine.travel(order.shipped_at + 7 * DAY, tick=False):
        assert clock.tick()["completed"].moved == 1
    order = reload(order)
    assert order.status == "completed" and order.completed_at is not None
    assert ledger.balance(people["store"].id) == order.total - ledger.commission_of(order.total, order.commission_bps)
    assert mails_about(outbox, order.number) == ["darto@test.id", "siti@test.id"]
    assert any("selesai otomatis" in m.get_content() for m in outbox if m["To"] == "siti@test.id")


def test_a_delivery_report_completes_it_sooner(people, prepaid):
    order, _ = gen_order(people)
    order = walk(order, "shipped", people)
    delivered = order.shipped_at + DAY
    with time_machine.travel(delivered + timedelta(hours=1), tick=False):
        assert orders.mark_delivered(order, at=delivered, source="courier") is True
        db.session.commit()
        assert orders.mark_delivered(reload(order), source="courier") is False  # the first report stands
        db.session.commit()
    order = reload(order)
    assert order.delivered_at == delivered
    assert clock.deadlines(order).complete_by == delivered + 3 * DAY
    assert clock.deadlines(order).complaint_until == delivered + 3 * DAY
    with time_machine.travel(delivered + 3 * DAY - timedelta(seconds=1), tick=False):
        assert clock.tick()["completed"].moved == 0
    with time_machine.travel(delivered + 3 * DAY, tick=False):
        assert clock.tick()["completed"].moved == 1
    assert reload(order).status == "completed"
    assert events(order, "shipped") == 2  # shipped, then the delivery report (once)
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.delivered")).all()
    assert len(audit) == 1


def test_a_late_delivery_report_does_not_push_completion_back(people, prepaid):
    order, _ = gen_order(people)
    order = walk(order, "shipped", people)
    with time_machine.travel(order.shipped_at + 6 * DAY, tick=False):
        orders.mark_delivered(order)
        db.session.commit()
    assert clock.deadlines(reload(order)).complete_by == order.shipped_at + 7 * DAY


def test_an_unshipped_order_cannot_be_reported_delivered(people, prepaid):
    from marketplace.errors import Conflict

    order, _ = gen_order(people)
    order = walk(order, "processing", people)
    with pytest.raises(Conflict):
        orders.mark_delivered(order)
    db.session.rollback()
    assert reload(order).delivered_at is None


def test_a_hold_keeps_an_order_shipped(people, prepaid, monkeypatch):
    held_order, _ = gen_order(people)
    held_order = walk(held_order, "shipped", people)
    free_order, _ = gen_order(people)
    free_order = walk(free_order, "shipped", people)
    asked: list[list[int]] = []

    def complaint_open(order_ids):
        asked.append(list(order_ids))
        return [i for i in order_ids if i == held_order.id]

    monkeypatch.setattr(clock, "completion_holds", [complaint_open])
    with time_machine.travel(now() + 8 * DAY, tick=False):
        result = clock.tick()
    assert (result["completed"].moved, result["completed"].skipped) == (1, 0)
    assert (reload(held_order).status, reload(free_order).status) == ("shipped", "completed")
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
    unpaid = [gen_order(people)[0] for _ in range(2)]
    paid = [walk(gen_order(people)[0], "paid", people) for _ in range(2)]
    shipped = [walk(gen_order(people)[0], "shipped", people) for _ in range(2)]
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
        assert reload(order).status == status
        assert events(order, status) == 1
    for order in unpaid + paid + shipped:
        assert mails_about(outbox, order.number) == ["darto@test.id", "siti@test.id"]  # once each
    for order in paid:
        assert prepaid.method.refunds.count((order.payment_id, order.total)) == 1


def test_two_flask_orders_tick_processes_at_once_move_each_order_once(people, prepaid, database_url, tmp_path):
    """Two ``flask orders tick`` processes (as cron and a worker might) on the same database."""
    unpaid = [gen_order(people, quantity=1)[0] for _ in range(10)]
    shipped = []
    for _ in range(20):
        order = gen_order(people, method="cash_on_delivery", quantity=1)[0]
        for step in ("processing", "shipped"):
            transition(reload(order), step, people["seller"], courier="JNE", tracking_number="JP1")
            db.session.commit()
        shipped.append(order)
    ids = [o.id for o in unpaid + shipped]
    long_ago = now() - 8 * DAY
    db.session.execute(update(Order).where(Order.id.in_(ids)).values(expires_at=long_ago, shipped_at=long_ago))
    db.session.commit()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url if "://" in database_url else f"sqlite:///{database_url}",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "MARKETPLACE_PLUGINS": "cash_on_delivery",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "orders", "tick"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) for _ in "ab"
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    moved = dict.fromkeys(("expired", "cancelled", "completed", "complaint deadlines"), 0)
    for output in outputs:
        for line in output.splitlines():
            name, counts = line.split(": ")
            moved[name] += int(counts.split(" moved")[0])
    assert moved == {"expired": 10, "cancelled": 0, "completed": 20, "complaint deadlines": 0}, outputs
    db.session.rollback()
    for order in unpaid:
        assert reload(order).status == "cancelled" and events(order, "cancelled") == 1
    for order in shipped:
        assert reload(order).status == "completed" and events(order, "completed") == 1
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "order.completed")) == 20


# --- the command ---------------------------------------------------------------------------------


def test_flask_orders_tick_prints_the_counts(people, prepaid, cod_app, outbox):
    order, _ = gen_order(people)
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
    assert reload(order).status == "cancelled"


def test_a_cod_order_nobody_confirms_completes_and_its_cash_is_recorded(people, prepaid):
    order, _ = gen_order(people, method="cash_on_delivery")
    for step in ("processing", "shipped"):
        transition(reload(order), step, people["seller"], courier="JNE", tracking_number="JP1")
        db.session.commit()
    order = reload(order)
    with time_machine.travel(order.shipped_at + 7 * DAY, tick=False):
        assert clock.tick()["completed"].moved == 1
    order = reload(order)
    assert order.status == "completed" and order.paid_at is not None
    assert db.session.get(Payment, order.payment_id).captured_amount == order.total


def test_tick_refuses_a_session_with_unsaved_changes(people, prepaid):
    order, _ = gen_order(people)
    order.ship_city = "Kota Brebes"
    with pytest.raises(RuntimeError, match="commit or roll back"):
        clock.tick()
    db.session.rollback()


def test_flask_orders_tick_exits_1_when_an_order_failed(people, prepaid, cod_app, outbox):
    order = walk(gen_order(people)[0], "paid", people)
    prepaid.method.fail_refund = True
    with time_machine.travel(order.paid_at + 3 * DAY, tick=False):
        result = cod_app.test_cli_runner().invoke(args=["orders", "tick"])
    assert result.exit_code == 1
    assert "cancelled: 0 moved, 0 skipped, 1 failed" in result.output
    assert reload(order).status == "paid"


def test_an_idle_tick_reads_three_times_and_a_move_costs_a_bounded_number_of_statements(people, prepaid):
    orders_ = [walk(gen_order(people)[0], "shipped", people) for _ in range(3)]
    with counting() as statements:
        clock.tick()
        idle = len(statements)
        statements.clear()
        with time_machine.travel(now() + 8 * DAY, tick=False):
            assert clock.tick()["completed"].moved == 3
    assert idle == len(clock.STEPS)  # one read per step (complaints too), nothing else when nothing is due
    # the outbox's sending (under TESTING the send job runs at the commit) is the mail job's, not the move's
    moves = [s for s in statements if not s.lstrip().upper().startswith(("WITH CHOSEN", "UPDATE OUTBOX_MESSAGES"))]
    # one read per step and the complaints' hold's one read for all due orders; the rest is per order
    per_order = (len(moves) - len(clock.STEPS) - 1) / len(orders_)
    # lock, move (2), the order's extras, ledger (key check, insert), its earlier refunds, audit,
    # history, two mails (each: its recipient and the outbox row; the seller's: the store), and the
    # complaints' hold (asked for all due orders once, and again for each under its lock)
    assert per_order <= 15, moves


def test_a_broken_step_counts_as_failed_and_the_others_run(people, prepaid, monkeypatch):
    order, _ = gen_order(people)

    def broken(at):
        raise RuntimeError("plugin bug")

    monkeypatch.setattr(clock, "STEPS", [clock.Step("broken step", broken, lambda i, at: True), *clock.STEPS])
    with time_machine.travel(now() + timedelta(hours=1), tick=False):
        result = clock.tick()
    assert (result["broken step"].failed, result["expired"].moved) == (1, 1)
    assert reload(order).status == "cancelled"
