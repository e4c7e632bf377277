"""Tracking a waybill through Biteship: GET /v1/trackings/{waybill}/couriers/{courier}
(any waybill) or GET /v1/trackings/{id} (one of our bookings), mapped to our statuses."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from marketplace.shipping import couriers
from marketplace.shipping.quotes import Tracking, TrackingEvent

from .api import COURIER_CODES, BiteshipError, Connection, call

log = logging.getLogger(__name__)

# Biteship's tracking statuses → ours (marketplace.shipping.quotes.TRACKING_STATUSES)
STATUSES = {
    "confirmed": "pending",
    "scheduled": "pending",
    "allocated": "pending",
    "picking_up": "pending",
    "picked": "picked_up",
    "dropping_off": "in_transit",
    "on_hold": "in_transit",
    "in_transit": "in_transit",
    "delivered": "delivered",
    "return_in_transit": "returned",
    "returned": "returned",
    "rejected": "returned",
    "cancelled": "cancelled",
    "courier_not_found": "cancelled",
    "disposed": "cancelled",
}


def our_status(status: str | None) -> str:
    return STATUSES.get((status or "").lower(), "unknown")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def parse_tracking(answer: dict, courier: str, waybill: str) -> Tracking:
    events = []
    for entry in answer.get("history") or []:
        at = parse_time(entry.get("updated_at"))
        if at is None:
            continue
        events.append(TrackingEvent(at.astimezone(UTC), our_status(entry.get("status")), str(entry.get("note") or "")))
    events.sort(key=lambda e: e.at)
    link = answer.get("link") or couriers.tracking_link(courier, waybill)
    status = our_status(answer.get("status")) if answer.get("status") else (events[-1].status if events else "unknown")
    return Tracking(courier, waybill, status, events, link, source="biteship")


def booked_tracking_id(courier: str, waybill: str) -> str | None:
    """Biteship's tracking id of a waybill we booked with it (its own tracking endpoint), or None."""
    from sqlalchemy import select

    from marketplace.extensions import db

    from .models import BiteshipShipment

    query = select(BiteshipShipment.tracking_id).where(
        BiteshipShipment.waybill == waybill, BiteshipShipment.courier == courier
    )
    return db.session.scalar(query.limit(1))


def track(conn: Connection, courier: str, waybill: str, tracking_id: str | None = None) -> Tracking | None:
    """The journey of a waybill, or None (not a courier Biteship tracks, or Biteship could not say)."""
    if courier not in COURIER_CODES or not waybill:
        return None
    path = f"/v1/trackings/{tracking_id}" if tracking_id else f"/v1/trackings/{waybill}/couriers/{courier}"
    try:
        answer = call(conn, "GET", path)
    except BiteshipError as exc:
        log.warning("biteship: no tracking for %s %s: %s", courier, waybill, exc)
        return None
    return parse_tracking(answer, courier, waybill)
