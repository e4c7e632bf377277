"""POST /webhooks/biteship: Biteship's order.status, order.waybill_id and order.price events.

Authenticity: Biteship sends, with every webhook, the header and secret value set for the
endpoint in its dashboard (BITESHIP_WEBHOOK_HEADER, BITESHIP_WEBHOOK_SECRET); without a
secret configured every call is refused (403), a missing or wrong one is 401. Each event is
stored once by its key (event, Biteship order or waybill, status, time); "delivered" records
the delivery on our order (marketplace.orders.services.mark_delivered), which starts the
completion clock. The answer is 200 at once; an empty or unknown body (Biteship's check when
the endpoint is installed) is 200 too and changes nothing.
"""

from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.errors import Conflict
from marketplace.extensions import db

from .models import BiteshipEvent, BiteshipShipment
from .tracking import our_status, parse_time

log = logging.getLogger(__name__)

bp = Blueprint("biteship_webhooks", __name__)


def authentic() -> int | None:
    """None when the request carries the configured secret; else the status to answer."""
    secret = current_app.config.get("BITESHIP_WEBHOOK_SECRET")
    if not secret:
        return 403
    header = current_app.config.get("BITESHIP_WEBHOOK_HEADER") or "X-Biteship-Signature"
    given = request.headers.get(header, "")
    if given.lower().startswith("bearer "):
        given = given[7:]
    return None if given and hmac.compare_digest(given.encode(), str(secret).encode()) else 401


@bp.post("/webhooks/biteship")
def receive():
    """200 once the event is stored (or was already); 401/403 for a bad or missing secret."""
    refused = authentic()
    if refused is not None:
        return jsonify({"error": {"code": "forbidden", "message": "bad webhook secret", "fields": {}}}), refused
    payload = request.get_json(silent=True, force=True)
    if not isinstance(payload, dict) or not payload.get("event"):
        return jsonify({"ok": True})
    apply_event(payload)
    db.session.commit()
    return jsonify({"ok": True})


def event_key(payload: dict) -> str:
    subject = payload.get("order_id") or payload.get("courier_waybill_id") or ""
    parts = (payload.get("event"), subject, payload.get("status") or "", payload.get("updated_at") or "")
    return ":".join(str(p) for p in parts)[:200]


def find_order(payload: dict):
    """Our order the event is about: by Biteship's order id (our booking, or the core's
    shipment reference), else by courier and waybill."""
    from marketplace.orders.models import Order

    biteship_id = payload.get("order_id")
    if biteship_id:
        order_id = db.session.scalar(
            select(BiteshipShipment.order_id).where(BiteshipShipment.biteship_id == str(biteship_id))
        )
        if order_id is not None:
            return db.session.get(Order, order_id)
        reference = getattr(Order, "shipment_reference", None)
        if reference is not None:
            found = db.session.scalar(select(Order).where(reference == str(biteship_id)))
            if found is not None:
                return found
    waybill, courier = payload.get("courier_waybill_id"), payload.get("courier_company")
    if not waybill:
        return None
    query = select(Order).where(Order.tracking_number == str(waybill))
    if courier:
        query = query.where(func.lower(Order.courier) == str(courier).lower())
    return db.session.scalars(query.limit(1)).first()


def apply_event(payload: dict) -> bool:
    """Store the event and act on it; False when it was seen before (nothing done)."""
    key = event_key(payload)
    if db.session.scalar(select(BiteshipEvent.id).where(BiteshipEvent.key == key)) is not None:
        return False
    order = find_order(payload)
    row = BiteshipEvent(
        key=key,
        event=str(payload.get("event"))[:40],
        order_id=order.id if order is not None else None,
        status=str(payload.get("status") or "")[:30],
        payload=json.dumps(payload)[:20_000],
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same event delivered twice at once: the other one applies it
        return False
    _update_shipment(payload)
    if (
        order is not None
        and payload.get("event") == "order.status"
        and our_status(payload.get("status")) == "delivered"
    ):
        _deliver(order, payload)
    return True


def _update_shipment(payload: dict) -> None:
    biteship_id = payload.get("order_id")
    if not biteship_id:
        return
    shipment = db.session.scalar(select(BiteshipShipment).where(BiteshipShipment.biteship_id == str(biteship_id)))
    if shipment is None:
        return
    if payload.get("courier_waybill_id"):
        shipment.waybill = str(payload["courier_waybill_id"])[:80]
    if payload.get("courier_tracking_id"):
        shipment.tracking_id = str(payload["courier_tracking_id"])[:64]
    if payload.get("status"):
        shipment.status = str(payload["status"])[:30]


def _deliver(order, payload: dict) -> None:
    from marketplace.orders.services import mark_delivered

    try:
        mark_delivered(order, parse_time(payload.get("updated_at")), source="biteship")
    except Conflict as exc:  # not shipped (yet) in our books: keep the event, log it
        log.warning("biteship: delivery of %s not recorded: %s", order.number, exc.message)
