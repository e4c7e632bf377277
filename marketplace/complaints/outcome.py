"""The money of a complaint: what may still be refunded, the window to complain in, and the
refund an outcome makes.

A refund goes through ``marketplace.orders.refunds.refund_order`` with the source
``complaint:<id>`` (a repeat moves no money), per line. An order still ``shipped`` is first
completed by the system (``lifecycle.transition(order, "completed", None)``), so its store is
credited and the refund then debits it like any other; an order whose every line ends fully
refunded moves to ``refunded``, which refunds the extras (the order protection's premium).
"""

from __future__ import annotations

from datetime import datetime

from marketplace.clock import now
from marketplace.complaints.models import Complaint, ComplaintLine
from marketplace.i18n import gettext as _
from marketplace.orders import clock as order_clock
from marketplace.orders import refunds
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order


def refundable(order: Order) -> dict[int, int]:
    """Order line id -> rupiah of that line's goods not yet refunded."""
    return refunds.refundable(order)


def complaint_until(order: Order) -> datetime | None:
    """The last moment to open a complaint (the order clock's deadline)."""
    return order_clock.deadlines(order).complaint_until


def claimed(complaint: Complaint) -> int:
    """Rupiah of goods the complaint is about (the most any answer may give back)."""
    return sum(line.amount for line in complaint.lines)


def allocation(complaint: Complaint, order: Order, amount: int | None) -> dict[int, int]:
    """Rupiah per order line to give back: every claimed line's amount (``amount`` None), or
    ``amount`` shared among the lines in proportion to their claims (the remainder to the
    first lines), each capped by what the line still has to refund."""
    left = refundable(order)
    caps = {line.order_line_id: min(line.amount, left.get(line.order_line_id, 0)) for line in complaint.lines}
    if amount is None:
        return {line_id: cap for line_id, cap in caps.items() if cap > 0}
    total_cap = sum(caps.values())
    amount = min(amount, total_cap)
    shares = {line_id: amount * cap // total_cap if total_cap else 0 for line_id, cap in caps.items()}
    remainder = amount - sum(shares.values())
    for line_id, cap in caps.items():
        extra = min(remainder, cap - shares[line_id])
        shares[line_id] += extra
        remainder -= extra
    return {line_id: share for line_id, share in shares.items() if share > 0}


def settle(complaint: Complaint, order: Order, actor) -> int:
    """Refund what the complaint's outcome gives back (``offer``/``offer_amount``) and close it
    as resolved; the rupiah refunded."""
    amounts = allocation(complaint, order, complaint.offer_amount if complaint.offer == "partial" else None)
    if order.status == "shipped":
        transition(order, "completed", None)  # the store is credited first, then debited below
    if amounts:
        refunds.refund_order(
            order,
            actor=actor,
            amounts=amounts,
            reason=_("Komplain #%(id)d", id=complaint.id),
            source=f"complaint:{complaint.id}",
        )
    by_line: dict[int, ComplaintLine] = {line.order_line_id: line for line in complaint.lines}
    for line_id, given in amounts.items():
        by_line[line_id].refund_amount = given
    complaint.refunded_amount = sum(amounts.values())
    if order.status == "completed" and not any(refundable(order).values()):
        transition(order, "refunded", None, reason=_("Komplain #%(id)d", id=complaint.id))
    close(complaint, "resolved")
    return complaint.refunded_amount


def close(complaint: Complaint, status: str) -> None:
    complaint.status = status
    complaint.open_order_id = None
    complaint.due_at = None
    complaint.closed_at = now()
