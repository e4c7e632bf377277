"""Following a shipped parcel: ask the shipping plugins (``shipping_tracking``), keep each step
the courier reports once, and when the courier says "delivered" record the delivery, which
starts the order clock's complaint window (marketplace.orders.services.mark_delivered).

The job in marketplace/shipping/schedule.py asks for the shipped orders not asked about for
TRACKING_REFRESH_MINUTES, a batch at a time, each order its own transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from marketplace import plugin_api
from marketplace.agency.assist import is_officer
from marketplace.clock import now
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.shipping import couriers
from marketplace.shipping.quotes import TRACKING_STATUSES, Tracking
from marketplace.shipping.tracking_models import ShipmentEvent

log = logging.getLogger(__name__)

STATUS_LABELS = {
    "pending": _l("Menunggu dijemput kurir"),
    "picked_up": _l("Dijemput kurir"),
    "in_transit": _l("Dalam perjalanan"),
    "delivered": _l("Tiba di tujuan"),
    "returned": _l("Dikembalikan ke penjual"),
    "cancelled": _l("Pengiriman dibatalkan"),
    "unknown": _l("Status dari kurir"),
}
FINAL_STATUSES = ("delivered", "returned", "cancelled")  # the courier has nothing more to say
BATCH = 100


@dataclass
class Refreshed:
    """What one refresh learnt: None ``source`` when no plugin tracks this courier or waybill."""

    source: str | None = None
    status: str | None = None
    new_events: int = 0
    delivered: bool = False


@dataclass
class Run:
    """One pass of the tracking job."""

    asked: int = 0
    answered: int = 0
    delivered: int = 0
    failed: list[str] = field(default_factory=list)


# --- asking the plugins --------------------------------------------------------------------


def ask(courier: str, waybill: str) -> tuple[str, Tracking] | None:
    """The first enabled plugin's answer for this waybill, with the plugin's name; None when no
    plugin tracks it. A plugin that raises is logged and the next one asked."""
    for plugin, call in plugin_api.each_call("shipping_tracking", courier=courier, waybill=waybill):
        try:
            answer = call()
        except Exception:  # the courier's API down is no reason to stop asking the others
            log.exception("plugin %s failed to track %s %s", plugin, courier, waybill)
            continue
        if isinstance(answer, Tracking):
            return plugin, answer
    return None


def refresh(order: Order) -> Refreshed:
    """Ask the plugins about ``order``'s parcel, store the steps not stored yet, update its
    status and when it was asked; a "delivered" answer records the delivery at the time the
    courier gives. Writes in the current transaction (the caller commits)."""
    result = Refreshed()
    found = ask(order.courier, order.tracking_number) if order.courier and order.tracking_number else None
    checked = now()
    if found is None:
        orders.note_shipment(order, checked_at=checked)
        return result
    plugin, tracking = found
    result.source = (tracking.source or plugin)[:40]
    result.status = tracking.status if tracking.status in TRACKING_STATUSES else "unknown"
    result.new_events = _store_events(order, tracking, result.source)
    orders.note_shipment(order, checked_at=checked, status=result.status)
    if result.status == "delivered" and order.status in orders.DELIVERABLE_STATUSES:
        result.delivered = orders.mark_delivered(order, at=_delivered_at(tracking), source=result.source)
    return result


def _delivered_at(tracking: Tracking) -> datetime | None:
    """When the courier says it delivered (its last "delivered" step), else now."""
    times = [event.at for event in tracking.events if event.status == "delivered"]
    return max(times) if times else None


def _store_events(order: Order, tracking: Tracking, source: str) -> int:
    """Insert the steps not stored yet (the unique key drops the others): how many were new."""
    rows = [
        dict(
            order_id=order.id,
            at=event.at,
            status=event.status if event.status in TRACKING_STATUSES else "unknown",
            description=(event.description or "")[:300],
            location=(event.location or "")[:160],
            source=source,
        )
        for event in tracking.events
    ]
    if not rows:
        return 0
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ShipmentEvent).values(rows).on_conflict_do_nothing().returning(ShipmentEvent.id)
    return len(db.session.execute(statement).all())  # the rows written: rowcount is not reliable here


# --- the job -------------------------------------------------------------------------------


def due_order_ids(at: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Shipped orders with a courier and a waybill whose parcel is still on its way, not asked
    about for TRACKING_REFRESH_MINUTES: never asked first, then the longest ago."""
    before = (at or now()) - timedelta(minutes=int(current_app.config["TRACKING_REFRESH_MINUTES"]))
    query = (
        select(Order.id)
        .where(
            Order.status == "shipped",
            Order.courier.is_not(None),
            Order.tracking_number.is_not(None),
            Order.tracking_number != "",
            or_(Order.shipment_status.is_(None), Order.shipment_status.not_in(FINAL_STATUSES)),
            or_(Order.shipment_checked_at.is_(None), Order.shipment_checked_at <= before),
        )
        .order_by(Order.shipment_checked_at.is_not(None), Order.shipment_checked_at, Order.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def refresh_due(limit: int = BATCH) -> Run:
    """One batch of due orders, each refreshed and committed on its own: one order's failure
    is rolled back and reported, and the others go on. Nothing is read when no plugin tracks."""
    run = Run()
    if not plugin_api.implemented("shipping_tracking"):
        return run
    for order_id in due_order_ids(limit=limit):
        run.asked += 1
        try:
            order = db.session.get(Order, order_id)
            if order is None or order.status != "shipped":
                continue
            result = refresh(order)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            log.exception("tracking order %s failed", order_id)
            run.failed.append(f"order {order_id}: {type(exc).__name__}")
            continue
        run.answered += result.source is not None
        run.delivered += result.delivered
    return run


# --- reading -------------------------------------------------------------------------------


def events_of(order: Order) -> list[ShipmentEvent]:
    """The steps stored for ``order``, oldest first."""
    return list(
        db.session.scalars(
            select(ShipmentEvent).where(ShipmentEvent.order_id == order.id).order_by(ShipmentEvent.at, ShipmentEvent.id)
        )
    )


@dataclass(frozen=True)
class Timeline:
    courier: str | None
    courier_name: str
    waybill: str | None
    link: str | None
    status: str | None
    events: list[ShipmentEvent]
    source: str | None


def timeline(order: Order) -> Timeline:
    """What the buyer and the seller see of the parcel: the courier's tracking page and the
    steps recorded so far (one statement)."""
    events = events_of(order) if order.shipped_at else []
    return Timeline(
        courier=order.courier,
        courier_name=couriers.name_of(order.courier),
        waybill=order.tracking_number,
        link=couriers.tracking_link(order.courier, order.tracking_number),
        status=order.shipment_status,
        events=events,
        source=events[-1].source if events else None,
    )


def get_for_viewer(user, number: str) -> Order:
    """An order its buyer, its store's people or the agency may follow; NotFound for others."""
    for finder in (orders.get_for_shopper, orders.get_for_seller):
        try:
            return finder(user, number)
        except NotFound:
            continue
    if is_officer(user):
        return orders.get_any(number)
    raise NotFound(_("Pesanan tidak ditemukan."))
