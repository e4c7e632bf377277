"""The complaints' part of the order clock (``marketplace.orders.clock``): the step that acts
on passed deadlines, and the hold that keeps an order with an open complaint from completing
by itself. :func:`register` adds both once; the app calls it at start-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from marketplace.complaints import services, steps
from marketplace.complaints.models import OPEN_STATUSES, Complaint
from marketplace.extensions import db
from marketplace.orders import clock as order_clock


def due_ids(at: datetime) -> list[int]:
    """Open complaints whose step's deadline has passed at ``at``, the oldest deadline first."""
    return list(
        db.session.scalars(
            select(Complaint.id)
            .where(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at.is_not(None), Complaint.due_at <= at)
            .order_by(Complaint.due_at, Complaint.id)
        )
    )


def advance(complaint_id: int, at: datetime) -> bool:
    """Apply one complaint's passed deadline (the clock commits); False when no longer due."""
    return steps.advance(services.get(complaint_id), at)


def held_orders(order_ids) -> set[int]:
    """Of ``order_ids``, those with an open complaint (their auto-completion waits)."""
    ids = list(order_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Complaint.open_order_id).where(Complaint.open_order_id.in_(ids))))


STEP = order_clock.Step("complaint deadlines", due_ids, advance)


def register() -> None:
    """Add the step and the hold to the order clock (once, however many apps are made)."""
    if STEP not in order_clock.STEPS:
        order_clock.STEPS.append(STEP)
    if held_orders not in order_clock.completion_holds:
        order_clock.completion_holds.append(held_orders)
