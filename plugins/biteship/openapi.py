"""The Biteship plugin's part of /api/v1/openapi.json (the ``openapi_spec`` hook): its webhook."""

from __future__ import annotations

from marketplace.api.openapi import STRING, answer, body, obj, operation, ref

PLUGIN = "biteship"


def openapi_spec() -> dict:
    webhook = operation(
        "biteshipWebhook",
        "Biteship order events",
        "plugins",
        {
            "200": answer("Received: applied, a duplicate (each event once), or a body without event (ignored)."),
            "400": answer(
                "A body Biteship would not send (not an object, a field of the wrong type); nothing written."
            ),
            "401": answer("An event whose secret header is missing or wrong; nothing written."),
            "403": answer("An event while no BITESHIP_WEBHOOK_SECRET is configured; nothing written."),
        },
        plugin=PLUGIN,
        params=[{"name": "X-Biteship-Signature", "in": "header", "required": False, "schema": STRING}],
        request=body(ref("BiteshipEvent"), "Empty in Biteship's check of the endpoint.", required=False),
        description="The header named by BITESHIP_WEBHOOK_HEADER must carry BITESHIP_WEBHOOK_SECRET (both set "
        'in Biteship\'s dashboard). order.status with status "delivered" records the delivery of the order '
        "booked as order_id (or whose tracking number and courier match); order.waybill_id and order.price are "
        "stored. Each (event, order, status, updated_at) is applied once.",
    )
    text_or_null = {"type": ["string", "null"]}
    event = obj(
        {
            "event": {
                "type": "string",
                "minLength": 1,
                "examples": ["order.status", "order.waybill_id", "order.price"],
                "description": "Absent in Biteship's check of the endpoint (answered 200, nothing written).",
            },
            "order_id": text_or_null,
            "courier_tracking_id": text_or_null,
            "courier_waybill_id": text_or_null,
            "courier_company": text_or_null,
            "courier_type": text_or_null,
            "status": {"type": ["string", "null"], "examples": ["picked", "dropping_off", "delivered"]},
            "order_price": {"type": ["number", "null"]},
            "updated_at": text_or_null,
        },
    )
    return {"paths": {"/webhooks/biteship": {"post": webhook}}, "schemas": {"BiteshipEvent": event}}
