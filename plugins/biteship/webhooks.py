"""POST /webhooks/biteship: Biteship's order.status, order.waybill_id and order.price events.

Authenticity: Biteship sends, with every webhook, the header ("signature key") and value
("signature secret") set for the endpoint in its dashboard (BITESHIP_WEBHOOK_HEADER,
BITESHIP_WEBHOOK_SECRET); without a secret configured every event is refused (403), a
missing or wrong one is 401. Each event is
stored once by its key (event, Biteship order or waybill, status, time); "delivered" records
the delivery on our order (marketplace.orders.services.mark_delivered), which starts the
completion clock. The answer is 200 at once; a body that is no event (Biteship's check when
the endpoint is added, which carries no secret yet) is 200 too and changes nothing.
"""

from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace import inputs
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.shipping import fulfilment

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
    """200 once the event is stored (or was already); 401/403 for an event with a bad or missing
    secret; 400 for a body Biteship would not send. An empty body or an object without ``event``
    is Biteship's check when the endpoint is added, sent before the secret is set in its
    dashboard: 200, nothing written."""
    if not request.get_data():
        return jsonify({"ok": True})
    payload = request.get_json(silent=True, force=True)
    problem = malformed(payload)
    if problem:
        return jsonify({"error": {"code": "bad_request", "message": problem, "fields": {}}}), 400
    if "event" not in payload:
        return jsonify({"ok": True})
    refused = authentic()
    if refused is not None:
        code = "unauthorized" if refused == 401 else "forbidden"
        return jsonify({"error": {"code": code, "message": "bad or missing webhook secret", "fields": {}}}), refused
    apply_event(payload)
    db.session.commit()
    return jsonify({"ok": True})


# the fields read, and their JSON types (Biteship sends null for what it does not know yet)
TEXT_FIELDS = ("order_id", "courier_tracking_id", "courier_waybill_id", "courier_company", "courier_type", "status")
TEXT_FIELDS += ("updated_at",)


def malformed(payload) -> str | None:
    """Why the body is not one Biteship sends (OpenAPI ``BiteshipEvent``), or None."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    if inputs.unstorable(payload):  # NUL or a lone surrogate: no database can store it
        return "text with NUL or a character that is not UTF-8"
    if "event" in payload and not (isinstance(payload["event"], str) and payload["event"]):
        return "event must be a non-empty string"
    for name in TEXT_FIELDS:
        if payload.get(name) is not None and not isinstance(payload[name], str):
            return f"{name} must be a string or null"
    price = payload.get("order_price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, (int, float))):
        return "order_price must be a number or null"
    return None


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
        found = db.session.scalar(select(Order).where(Order.shipment_reference == str(biteship_id)))
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
    if order is not None and payload.get("courier_waybill_id"):
        # a pickup booked before the courier gave a waybill: the order gets it now
        fulfilment.waybill_assigned(order, str(payload["courier_waybill_id"]))
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
