"""The complaints' part of the order clock: deadlines that passed, and the completion hold.

``advance_due`` is one of the clock's steps; ``held_orders`` is one of its completion holds
(an order with an open complaint does not complete by itself).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from marketplace.clock import now
from marketplace.complaints import steps
from marketplace.complaints.models import OPEN_STATUSES, Complaint
from marketplace.errors import Conflict
from marketplace.extensions import db

log = logging.getLogger(__name__)


def due_ids(limit: int = 200) -> list[int]:
    """Open complaints whose step's deadline has passed, the oldest deadline first."""
    return list(
        db.session.scalars(
            select(Complaint.id)
            .where(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at.is_not(None), Complaint.due_at <= now())
            .order_by(Complaint.due_at, Complaint.id)
            .limit(limit)
        )
    )


def advance_one(complaint_id: int) -> bool:
    """Apply one complaint's passed deadline in a savepoint; False when someone else moved it."""
    from marketplace.complaints.services import loaded_query

    try:
        with db.session.begin_nested():
            complaint = db.session.scalars(
                loaded_query().where(Complaint.id == complaint_id).execution_options(populate_existing=True)
            ).one()
            return steps.advance(complaint)
    except Conflict:
        return False


def advance_due() -> int:
    """Every passed deadline, each complaint once; the number moved (the caller commits)."""
    return sum(advance_one(complaint_id) for complaint_id in due_ids())


def held_orders(order_ids) -> set[int]:
    """Of ``order_ids``, those with an open complaint (their auto-completion waits)."""
    ids = list(order_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Complaint.open_order_id).where(Complaint.open_order_id.in_(ids))))
