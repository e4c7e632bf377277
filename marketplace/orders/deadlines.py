"""The order clock's deadlines for one order, from its timestamps and the settings
(ORDER_ACCEPT_DAYS, ORDER_COMPLETE_DAYS, COMPLAINT_DAYS): what the clock acts on
(marketplace/orders/clock.py) and what the pages, the API and the mails show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from marketplace.orders.models import Order


def days(name: str) -> timedelta:
    """A clock setting (ORDER_ACCEPT_DAYS, ORDER_COMPLETE_DAYS, COMPLAINT_DAYS) as a duration."""
    return timedelta(days=int(current_app.config[name]))


def completion_due_at(order: Order) -> datetime | None:
    """When the clock completes this shipped order: ORDER_COMPLETE_DAYS after shipping, or
    COMPLAINT_DAYS after a reported delivery when that comes sooner."""
    if order.shipped_at is None:
        return None
    due = order.shipped_at + days("ORDER_COMPLETE_DAYS")
    if order.delivered_at is not None:
        due = min(due, order.delivered_at + days("COMPLAINT_DAYS"))
    return due


@dataclass(frozen=True)
class Deadlines:
    accept_by: datetime | None = None  # a paid order: cancelled unless the seller accepts before
    complete_by: datetime | None = None  # a shipped order: completes by itself then
    complaint_until: datetime | None = None  # a shipped (or completed) order: the shopper may complain until


def deadlines(order: Order) -> Deadlines:
    """The clock's deadlines that apply to ``order`` in its status (None where none applies)."""
    if order.status == "paid" and order.paid_at is not None:
        return Deadlines(accept_by=order.paid_at + days("ORDER_ACCEPT_DAYS"))
    if order.status in ("shipped", "completed") and order.shipped_at is not None:
        due = completion_due_at(order)
        start = order.delivered_at or due
        complete_by = due if order.status == "shipped" else None
        return Deadlines(complete_by=complete_by, complaint_until=start + days("COMPLAINT_DAYS") if start else None)
    return Deadlines()
