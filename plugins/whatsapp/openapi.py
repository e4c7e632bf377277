"""The WhatsApp plugin's part of /api/v1/openapi.json (the ``openapi_spec`` hook): its webhook."""

from __future__ import annotations

from marketplace.api.openapi import STRING, answer, body, obj, operation, ref

PLUGIN = "whatsapp"


def openapi_spec() -> dict:
    verify = operation(
        "whatsappWebhookVerify",
        "WhatsApp webhook verification",
        "plugins",
        {
            "200": {
                "description": "The token is WHATSAPP_VERIFY_TOKEN: the challenge, as plain text.",
                "content": {"text/plain": {"schema": STRING}},
            },
            "400": answer("The token is right but the challenge is missing or not letters and digits."),
            "403": answer("hub.mode is not subscribe, or the verify token is wrong (or not set)."),
        },
        plugin=PLUGIN,
        params=[
            {"name": "hub.mode", "in": "query", "required": True, "schema": {"type": "string", "enum": ["subscribe"]}},
            {"name": "hub.verify_token", "in": "query", "required": True, "schema": STRING},
            {"name": "hub.challenge", "in": "query", "required": True, "schema": STRING},
        ],
        description="Meta calls it once when the webhook is set up in the app's dashboard; the token is "
        "compared in constant time.",
    )
    events = operation(
        "whatsappWebhook",
        "WhatsApp Business Account events",
        "plugins",
        {
            "200": answer("Received: delivery reports recorded, opt-outs applied; events it does not use ignored."),
            "400": answer("A body that is not an event; nothing written."),
            "401": answer("No X-Hub-Signature-256 header (or no WHATSAPP_APP_SECRET to check it); nothing written."),
            "403": answer("Wrong signature; nothing written."),
        },
        plugin=PLUGIN,
        params=[{"name": "X-Hub-Signature-256", "in": "header", "required": True, "schema": STRING}],
        request=body(ref("WhatsAppEvent")),
        description="The signature is sha256= and the hex HMAC-SHA256 of the raw body with WHATSAPP_APP_SECRET, "
        "compared in constant time. statuses (sent, delivered, read, failed) update the notice's outbox row: "
        "failed sends the held e-mail, delivered or read drops it; a late or repeated report changes nothing. "
        "An incoming text STOP, BERHENTI or UNSUBSCRIBE turns WhatsApp notices off for that number.",
    )
    event = obj(
        {
            "object": {"type": "string", "examples": ["whatsapp_business_account"]},
            "entry": {"type": "array", "items": {"type": "object"}},
        },
        ["object", "entry"],
    )
    return {
        "paths": {"/webhooks/whatsapp": {"get": verify, "post": events}},
        "schemas": {"WhatsAppEvent": event},
    }
