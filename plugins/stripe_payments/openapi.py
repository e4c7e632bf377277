"""The Stripe plugin's part of /api/v1/openapi.json (the ``openapi_spec`` hook): its webhook."""

from __future__ import annotations

from marketplace.api.openapi import STRING, answer, body, obj, operation, ref

PLUGIN = "stripe_payments"


def openapi_spec() -> dict:
    webhook = operation(
        "stripeWebhook",
        "Stripe events",
        "plugins",
        {
            "200": answer("Received: applied, duplicate (applied once per event id), mismatch or ignored."),
            "400": answer("Bad signature, stale timestamp, malformed body or unknown payment; nothing written."),
        },
        plugin=PLUGIN,
        params=[{"name": "Stripe-Signature", "in": "header", "required": True, "schema": STRING}],
        request=body(ref("StripeEvent")),
        description="Signature checked with STRIPE_WEBHOOK_SECRET (300 s tolerance) on the raw body; handles "
        "checkout.session.completed, checkout.session.async_payment_succeeded, "
        "checkout.session.expired and charge.refunded, each event id once. Other types: 200, ignored.",
    )
    event = obj(
        {
            "id": STRING,
            "type": {
                "type": "string",
                "examples": ["checkout.session.completed", "checkout.session.expired", "charge.refunded"],
            },
            "data": {"type": "object"},
        },
        ["id", "type", "data"],
    )
    return {"paths": {"/webhooks/stripe": {"post": webhook}}, "schemas": {"StripeEvent": event}}
