"""A payment that arrives after some or all of its orders were cancelled unpaid.

The provider took the whole amount, so the cancelled orders' share was paid after all
(``payments.services.accept`` captures it and returns it as the late share). Each such order
is then settled on its own, in id order:

- cancelled by its expiry (``lifecycle.EXPIRED_REASON``, never by a person), with every line's
  stock free to take again (the checkout's conditional UPDATE, all lines or none) and its store
  and products still selling: it is revived, ``cancelled → paid`` through
  ``lifecycle.revive_paid``, and keeps its share;
- otherwise (stock gone, cancelled by the seller or the shopper): its share is refunded at once
  (``refunds.refund_late_payment``: through the method, or owed to the shopper's bank account),
  a history line says why, and the shopper is e-mailed.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.catalog import stock
from marketplace.extensions import db
from marketplace.mail import queue_mail
from marketplace.orders import refunds
from marketplace.orders.lifecycle import EXPIRED_REASON, revive_paid
from marketplace.orders.models import Order, OrderEvent, OrderLine
from marketplace.payments import bank_refunds
from marketplace.payments import services as payments
from marketplace.urls import absolute_url

log = logging.getLogger(__name__)
REFUNDED_NOTE = "late_payment_refunded"  # the history line of a late-paid order that could not go on


def settle(payment_id: int, late_share: int) -> list[Order]:
    """Settle the ``late_share`` of a payment order by order (see the module); the revived orders."""
    revived, settled = [], 0
    for order in db.session.scalars(
        select(Order)
        .where(Order.payment_id == payment_id, Order.status == "cancelled", Order.paid_at.is_(None))
        .order_by(Order.id)
        .execution_options(populate_existing=True)
    ).all():
        settled += order.total
        if order.cancel_reason == EXPIRED_REASON and _take_stock_again(order):
            revived.append(revive_paid(order))
        else:
            _refund(order)
    if settled != late_share:  # never expected: the late share is the voided totals of these orders
        log.error("ALERT payment %s: late share Rp %s, cancelled orders Rp %s", payment_id, late_share, settled)
        if late_share > settled:
            payments.refund(payment_id, late_share - settled, reason="late payment")
    return revived


def _take_stock_again(order: Order) -> bool:
    """Reserve every line of ``order`` again (one conditional UPDATE per variant, in id order);
    False, and nothing taken, when a line's stock is short or it no longer sells."""
    wanted: dict[int, int] = {}
    for variant_id, quantity in db.session.execute(
        select(OrderLine.variant_id, OrderLine.quantity).where(OrderLine.order_id == order.id)
    ):
        if variant_id is None:  # the variant was deleted since
            return False
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    facts = stock.variant_facts(wanted)
    if not wanted or any(v not in facts or not facts[v].sellable for v in wanted):
        return False
    taken: list[tuple[int, int]] = []
    for variant_id in sorted(wanted):
        if not stock.reserve(variant_id, wanted[variant_id]):
            for done_id, quantity in taken:
                stock.release(done_id, quantity)
            return False
        taken.append((variant_id, wanted[variant_id]))
    return True


def _refund(order: Order) -> None:
    refund = refunds.refund_late_payment(order, reason=REFUNDED_NOTE)
    db.session.add(
        OrderEvent(order_id=order.id, actor_id=None, from_status="cancelled", to_status="cancelled", note=REFUNDED_NOTE)
    )
    _tell_shopper(order, refund)


def _tell_shopper(order: Order, refund) -> None:
    from marketplace.accounts.models import User

    shopper = db.session.get(User, order.user_id) if order.user_id else None
    if shopper is None:
        return
    queue_mail(
        shopper.email,
        _l("Pembayaran pesanan %(number)s terlambat: dana dikembalikan", number=order.number),
        "orders/mail/late_payment_refunded.txt",
        shopper.locale,
        user=shopper,
        order=order,
        refund=refund,
        to_bank=bool(bank_refunds.of_order(order.id)),
        url=absolute_url("orders.detail", number=order.number),
    )
