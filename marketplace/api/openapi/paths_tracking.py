"""The paths of shipping an order and following its parcel (marketplace/api/tracking.py)."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATETIME,
    NULLABLE_STRING,
    STRING,
    answer,
    array,
    obj,
    operation,
    ref,
)
from marketplace.api.openapi.parameters import NUMBER, SELLER
from marketplace.shipping.quotes import TRACKING_STATUSES

NULLABLE_STATUS = {"type": ["string", "null"], "enum": [*TRACKING_STATUSES, None]}


def tracking_paths() -> dict:
    return {
        "/orders/{number}/tracking": {
            "get": operation(
                "getOrderTracking",
                "The parcel's courier, waybill, tracking page and the steps the courier reported",
                "orders",
                {"200": answer("The parcel's journey.", ref("Tracking"))},
                auth="the shopper who placed it, the store's people, the agency",
                params=[NUMBER],
                errors=("404",),
                description="Without a shipping plugin that tracks the courier: the courier's tracking page "
                "(`link`) and the steps recorded so far. The steps are asked for every TRACKING_REFRESH_MINUTES.",
            )
        },
        "/seller/orders/{number}/booking": {
            "post": operation(
                "bookOrderPickup",
                "Book a courier pickup through a shipping plugin and mark the order shipped",
                "seller",
                {"200": answer("The order, shipped, with the booking's courier and waybill.", ref("Order"))},
                auth=SELLER,
                params=[NUMBER],
                errors=("404", "409"),
                description="409 `booking_failed` with the plugin's message, `booking_unavailable` when no enabled "
                "plugin books the courier, or an order that cannot ship now; nothing changes then.",
            )
        },
        "/seller/orders/{number}/picked-up": {
            "post": operation(
                "recordOrderPickedUp",
                "The buyer collected a pickup order at the store: its delivery is recorded",
                "seller",
                {"200": answer("The order.", ref("Order"))},
                auth=SELLER,
                params=[NUMBER],
                errors=("404", "409"),
                description="409 for an order that is not a shipped pickup order.",
            )
        },
    }


def tracking_schemas() -> dict:
    return {
        "Tracking": obj(
            {
                "number": STRING,
                "courier": {**NULLABLE_STRING, "description": "a courier code (jne, jnt, sicepat, ...)"},
                "courier_name": NULLABLE_STRING,
                "waybill": NULLABLE_STRING,
                "link": {**NULLABLE_STRING, "description": "the courier's public tracking page"},
                "status": NULLABLE_STATUS,
                "delivered_at": {"type": ["string", "null"], "format": "date-time"},
                "events": array(
                    obj(
                        {
                            "at": DATETIME,
                            "status": {"enum": list(TRACKING_STATUSES)},
                            "description": STRING,
                            "location": STRING,
                        },
                        ["at", "status", "description", "location"],
                    ),
                    description="oldest first",
                ),
                "source": {**NULLABLE_STRING, "description": "the shipping plugin that reported the latest step"},
            },
            ["number", "courier", "waybill", "link", "status", "events", "source"],
        )
    }
