"""How a shopper goes on paying an order left unpaid: the payment method's answer at checkout
(a page to go to, or instructions), kept on the checkout row, and the order's deadline.

The order pages show it as "Lanjutkan pembayaran" beside each order still waiting for its money;
paid, cancelled and cash-on-delivery orders have nothing to continue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from marketplace.checkout.models import Checkout
from marketplace.extensions import db


@dataclass(frozen=True)
class ContinuePaying:
    redirect_url: str | None
    instructions: str | None
    deadline: datetime | None  # the order's reservation ends then and it is cancelled unpaid


def waits_for_payment(order) -> bool:
    return order.status == "pending_payment" and not order.pay_on_delivery and order.checkout_id is not None


def continue_paying(orders: Iterable) -> dict[int, ContinuePaying]:
    """{order id: how to go on paying} for the orders of ``orders`` still waiting for their money.
    One statement for all of them, none when no order waits."""
    waiting = [order for order in orders if waits_for_payment(order)]
    if not waiting:
        return {}
    answers = {
        row.id: row
        for row in db.session.execute(
            select(Checkout.id, Checkout.redirect_url, Checkout.instructions).where(
                Checkout.id.in_(sorted({order.checkout_id for order in waiting}))
            )
        )
    }
    found = {}
    for order in waiting:
        row = answers.get(order.checkout_id)
        if row is not None and (row.redirect_url or row.instructions):
            found[order.id] = ContinuePaying(row.redirect_url, row.instructions, order.expires_at)
    return found
