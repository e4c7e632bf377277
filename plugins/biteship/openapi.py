"""The Biteship plugin's part of /api/v1/openapi.json (the ``openapi_spec`` hook): its webhook."""

from __future__ import annotations

from marketplace.api.openapi import INTEGER, STRING, answer, body, obj, operation, ref

PLUGIN = "biteship"


def openapi_spec() -> dict:
    webhook = operation(
        "biteshipWebhook",
        "Biteship order events",
        "plugins",
        {
            "200": answer("Received: applied, a duplicate (each event once), or an empty/unknown body (ignored)."),
            "401": answer("The secret header is missing or wrong; nothing written."),
            "403": answer("No BITESHIP_WEBHOOK_SECRET configured: every call is refused."),
        },
        plugin=PLUGIN,
        params=[{"name": "X-Biteship-Signature", "in": "header", "required": True, "schema": STRING}],
        request=body(ref("BiteshipEvent")),
        description="The header named by BITESHIP_WEBHOOK_HEADER must carry BITESHIP_WEBHOOK_SECRET (both set "
        'in Biteship\'s dashboard). order.status with status "delivered" records the delivery of the order '
        "booked as order_id (or whose tracking number and courier match); order.waybill_id and order.price are "
        "stored. Each (event, order, status, updated_at) is applied once.",
    )
    event = obj(
        {
            "event": {"type": "string", "examples": ["order.status", "order.waybill_id", "order.price"]},
            "order_id": STRING,
            "courier_tracking_id": STRING,
            "courier_waybill_id": STRING,
            "courier_company": STRING,
            "courier_type": STRING,
            "status": {"type": "string", "examples": ["picked", "dropping_off", "delivered"]},
            "order_price": INTEGER,
            "updated_at": STRING,
        },
        ["event"],
    )
    return {"paths": {"/webhooks/biteship": {"post": webhook}}, "schemas": {"BiteshipEvent": event}}
