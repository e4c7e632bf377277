"""The Xendit plugin's part of /api/v1/openapi.json (the ``openapi_spec`` hook): its webhook."""

from __future__ import annotations

from marketplace.api.openapi import STRING, answer, body, obj, operation, ref

PLUGIN = "xendit"


def openapi_spec() -> dict:
    webhook = operation(
        "xenditWebhook",
        "Xendit notifications",
        "plugins",
        {
            "200": answer("Received: applied, duplicate (once per webhook-id), mismatch, pending or ignored."),
            "400": answer("Malformed body, or an unknown payment request, refund or payout; nothing written."),
            "401": answer("No x-callback-token header; nothing written."),
            "403": answer("Wrong x-callback-token; nothing written."),
            "503": answer("Xendit could not be asked again for the object; nothing written, Xendit retries."),
        },
        plugin=PLUGIN,
        params=[
            {"name": "x-callback-token", "in": "header", "required": True, "schema": STRING},
            {"name": "webhook-id", "in": "header", "required": False, "schema": STRING},
        ],
        request=body(ref("XenditNotification")),
        description="The token is compared in constant time with XENDIT_CALLBACK_TOKEN. Handles payment.* "
        "(the payment request is fetched again; only SUCCEEDED with the due amount in IDR pays the orders), "
        "refund.succeeded and refund.failed (a failed refund is owed to the shopper's bank account), and "
        "payout.* (the payout is fetched again and its outcome written once). Other events: 200, ignored.",
    )
    notification = obj(
        {
            "event": {"type": "string", "examples": ["payment.succeeded", "refund.failed", "payout.succeeded"]},
            "business_id": STRING,
            "created": STRING,
            "data": {"type": "object"},
        },
        ["event", "data"],
    )
    return {"paths": {"/webhooks/xendit": {"post": webhook}}, "schemas": {"XenditNotification": notification}}
