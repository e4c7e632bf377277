"""The paths of the user's notices besides e-mail (marketplace/api/me_notifications.py)."""

from __future__ import annotations

from marketplace.api.openapi.builders import PHONE, answer, body, obj, operation

STATE = obj(
    {
        "whatsapp": {"type": ["string", "null"], "description": "The number (E.164) WhatsApp notices go to."},
        "whatsapp_opt_in": {"type": "boolean"},
        "available": {"type": "boolean", "description": "Whether this site has a channel besides e-mail."},
    },
    ["whatsapp", "whatsapp_opt_in", "available"],
)
UPDATE = obj(
    {
        "whatsapp": {"type": ["string", "null"], "pattern": PHONE, "description": "Needed to opt in."},
        "whatsapp_opt_in": {"type": "boolean", "description": "true: opt in (this is the consent); false: opt out."},
    },
    ["whatsapp_opt_in"],
)


def notification_paths() -> dict:
    return {
        "/me/notifications": {
            "get": operation(
                "myNotifications",
                "The user's WhatsApp notices: the number and the opt-in",
                "accounts",
                {"200": answer("The user's choice.", STATE)},
                auth="any signed-in user",
            ),
            "put": operation(
                "updateMyNotifications",
                "Opt in to WhatsApp notices with a number, or opt out",
                "accounts",
                {"200": answer("The user's choice, saved.", STATE)},
                auth="any signed-in user",
                request=body(UPDATE),
                errors=("409",),
                description="The notices of orders and complaints then go by WhatsApp, the e-mail being sent only "
                "when the message fails. Opting out forgets the number. 409 when no channel is enabled.",
            ),
        },
    }
