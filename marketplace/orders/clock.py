"""The order clock: what happens to an order when nobody acts in time.

:func:`tick` runs :data:`STEPS` in order, once each (``flask orders tick``; the job
queue calls it every minute):

- ``expired``: unpaid orders past their payment window are cancelled, stock back;
- ``cancelled``: paid orders the seller has not accepted within ORDER_ACCEPT_DAYS
  of payment are cancelled by the system (reason :data:`NOT_ACCEPTED_REASON`),
  refunded through their payment method, stock back; shopper and seller are told;
- ``completed``: shipped orders complete (the store is credited) ORDER_COMPLETE_DAYS
  after shipping, or sooner, COMPLAINT_DAYS after a courier reported delivery,
  unless a registered hold (:data:`completion_holds`) keeps them.

Each order moves in its own transaction through ``lifecycle.transition`` with the
system as actor. Two ticks at once move each order once: the loser finds the order
moved (or its compare-and-set raises ConcurrentChange) and counts it ``skipped``.
An order that cannot move (a refund the provider refuses) is rolled back, logged,
counted ``failed`` and tried again on the next tick.

Extending it (a plugin or another core module, at import or in ``init_app``):

- ``STEPS.append(Step("complaint deadlines", due=..., move=...))``: ``due(at)``
  returns every id (of orders, or of anything else) due at ``at``; ``move(id, at)``
  acts on one inside the current transaction, re-checking it is still due, and
  returns whether it acted (False: skipped); the clock commits or rolls back.
- ``completion_holds.append(hold)``: ``hold(order_ids) -> ids to keep`` is asked
  before auto-completion, once for all due orders (held ones are left out, not
  counted) and again for each order inside its transaction, once the order's row
  is locked (PostgreSQL ``FOR UPDATE``): an order a hold keeps stays shipped (an
  open complaint, for one). A service that opens a complaint locks the order's
  row the same way, so the order never completes under a complaint opened at
  the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from marketplace.clock import now
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.orders import services
from marketplace.orders.deadlines import Deadlines, completion_due_at, days, deadlines
from marketplace.orders.lifecycle import ConcurrentChange, transition
from marketplace.orders.models import Order

log = logging.getLogger(__name__)

__all__ = [
    "STEPS",
    "Deadlines",
    "Step",
    "TickResult",
    "completion_due_at",
    "completion_holds",
    "days",
    "deadlines",
    "tick",
]

NOT_ACCEPTED_REASON = "not_accepted"  # cancel_reason of a paid order the seller did not accept in time

Hold = Callable[[list[int]], Iterable[int]]
completion_holds: list[Hold] = []


@dataclass(frozen=True)
class Step:
    """One rule of the clock: ``due(at)`` finds the ids to act on, ``move(id, at)`` acts on one."""

    name: str
    due: Callable[[datetime], list[int]]
    move: Callable[[int, datetime], bool]


@dataclass
class StepCount:
    moved: int = 0
    skipped: int = 0  # moved by someone else meanwhile, held, or no longer due
    failed: int = 0


@dataclass
class TickResult:
    """Counts per step, in the order the steps ran."""

    at: datetime
    steps: dict[str, StepCount] = field(default_factory=dict)

    def __getitem__(self, name: str) -> StepCount:
        return self.steps[name]

    @property
    def moved(self) -> int:
        return sum(count.moved for count in self.steps.values())

    @property
    def failed(self) -> int:
        return sum(count.failed for count in self.steps.values())

    def lines(self) -> list[str]:
        return [f"{name}: {c.moved} moved, {c.skipped} skipped, {c.failed} failed" for name, c in self.steps.items()]


# --- the run ---------------------------------------------------------------------------------


def tick(at: datetime | None = None) -> TickResult:
    """One pass of every step; commits each order on its own, so the session must hold no
    unsaved change (RuntimeError). ``at``: the instant deadlines are judged by (default now);
    moves are stamped with the real clock."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("tick() commits each order on its own: commit or roll back the session first")
    result = TickResult(at=at or now())
    db.session.rollback()  # end the caller's read-only transaction: each move starts from fresh rows
    for step in list(STEPS):
        result.steps[step.name] = run_step(step, result.at)
    return result


def run_step(step: Step, at: datetime) -> StepCount:
    count = StepCount()
    try:
        due = step.due(at)
    except Exception:  # a broken step (or hold) stops itself, never the steps after it
        db.session.rollback()
        log.exception("order clock: finding what %s is due failed", step.name)
        count.failed += 1
        return count
    db.session.rollback()  # the read of the due ids holds no lock nor snapshot while we move
    for object_id in due:
        _run_one(step, object_id, at, count)
    return count


def _run_one(step: Step, object_id: int, at: datetime, count: StepCount) -> None:
    try:
        moved = step.move(object_id, at)
        db.session.commit()
    except ConcurrentChange:
        db.session.rollback()
        count.skipped += 1
        return
    except ServiceError as exc:
        db.session.rollback()
        count.failed += 1
        log.warning("order clock: %s of %s failed: %s", step.name, object_id, exc.message)
        return
    except Exception:
        db.session.rollback()
        count.failed += 1
        log.exception("order clock: %s of %s failed", step.name, object_id)
        return
    if moved:
        count.moved += 1
    else:
        count.skipped += 1


def _locked(order_id: int) -> Order:
    """The order as it is now, its row locked until the commit (PostgreSQL; SQLite writes one at a time)."""
    return db.session.scalars(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).one()


# --- expiry ------------------------------------------------------------------------------------


def _due_expiry(at: datetime) -> list[int]:
    return services.due_order_ids(at=at, limit=None)


def _expire(order_id: int, at: datetime) -> bool:
    return services.expire_one(order_id, at=at)


# --- paid, never accepted ----------------------------------------------------------------------


def _due_unaccepted(at: datetime) -> list[int]:
    query = select(Order.id).where(
        Order.status == "paid", Order.paid_at.is_not(None), Order.paid_at <= at - days("ORDER_ACCEPT_DAYS")
    )
    return list(db.session.scalars(query.order_by(Order.paid_at, Order.id)))


def _cancel_unaccepted(order_id: int, at: datetime) -> bool:
    order = _locked(order_id)
    if order.status != "paid" or order.paid_at is None or order.paid_at > at - days("ORDER_ACCEPT_DAYS"):
        return False
    transition(order, "cancelled", None, reason=NOT_ACCEPTED_REASON)
    return True


# --- shipped, never confirmed ------------------------------------------------------------------


def _due_completion(at: datetime) -> list[int]:
    query = select(Order.id).where(
        Order.status == "shipped",
        or_(
            Order.shipped_at <= at - days("ORDER_COMPLETE_DAYS"),
            Order.delivered_at <= at - days("COMPLAINT_DAYS"),
        ),
    )
    ids = list(db.session.scalars(query.order_by(Order.shipped_at, Order.id)))
    keep = held(ids)
    return [order_id for order_id in ids if order_id not in keep]


def held(order_ids: list[int]) -> set[int]:
    """The ids among ``order_ids`` that a registered hold keeps from completing."""
    kept: set[int] = set()
    if not order_ids:
        return kept
    for hold in completion_holds:
        kept.update(hold(list(order_ids)))
    return kept


def _complete(order_id: int, at: datetime) -> bool:
    order = _locked(order_id)
    due = completion_due_at(order)
    if order.status != "shipped" or due is None or due > at or held([order.id]):
        return False
    transition(order, "completed", None)
    return True


STEPS: list[Step] = [
    Step("expired", _due_expiry, _expire),
    Step("cancelled", _due_unaccepted, _cancel_unaccepted),
    Step("completed", _due_completion, _complete),
]
