"""API endpoints: following a parcel, booking a courier pickup, recording a pickup order collected."""

from __future__ import annotations

from marketplace.api.base import auth_required, bp, committing, current_api_user
from marketplace.api.buying import order_json
from marketplace.orders import services as orders
from marketplace.shipping import fulfilment, tracking


def tracking_json(order) -> dict:
    seen = tracking.timeline(order)
    return {
        "number": order.number,
        "courier": seen.courier,
        "courier_name": seen.courier_name if seen.courier else None,
        "waybill": seen.waybill,
        "link": seen.link,
        "status": seen.status,
        "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
        "events": [
            {"at": e.at.isoformat(), "status": e.status, "description": e.description, "location": e.location}
            for e in seen.events
        ],
        "source": seen.source,
    }


@bp.get("/orders/<number>/tracking")
@auth_required()
def api_order_tracking(number: str):
    """The parcel's courier, waybill, tracking page and the steps recorded so far; for the
    buyer, the store's people and the agency. 404 for anyone else."""
    return tracking_json(tracking.get_for_viewer(current_api_user(), number))


@bp.post("/seller/orders/<number>/booking")
@auth_required()
def api_seller_order_booking(number: str):
    """Book a courier pickup through a shipping plugin and mark the order shipped; 409
    ``booking_failed`` (the plugin's message) or ``booking_unavailable``, and nothing changes."""
    user = current_api_user()
    order = orders.get_for_seller(user, number)
    with committing():
        fulfilment.book_pickup(order, user)
    return order_json(orders.get_for_seller(user, number))


@bp.post("/seller/orders/<number>/picked-up")
@auth_required()
def api_seller_order_picked_up(number: str):
    """The buyer collected a pickup order at the store: its delivery is recorded (409 for an
    order that is not a shipped pickup order)."""
    user = current_api_user()
    order = orders.get_for_seller(user, number)
    with committing():
        fulfilment.picked_up(order, user)
    return order_json(orders.get_for_seller(user, number))
