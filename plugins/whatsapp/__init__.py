"""WhatsApp: the notices of ``marketplace.channels.NOTICES`` as WhatsApp template messages,
through Meta's WhatsApp Business Cloud API (README.md).

Offered only when ``WHATSAPP_ACCESS_TOKEN`` and ``WHATSAPP_PHONE_NUMBER_ID`` are set;
otherwise ``notification_channels`` returns nothing, every notice goes by e-mail and the
plugin is listed as needing configuration. The outbox sends each notice through
:class:`.channel.WhatsAppChannel` (:mod:`.client` makes the call and sorts Meta's errors into
permanent and temporary); ``/webhooks/whatsapp`` (:mod:`.webhooks`) answers Meta's
verification and takes its delivery reports and the "STOP" replies.
"""

from __future__ import annotations

from flask import Flask, current_app

from marketplace.plugin_api import Setting, hookimpl
from marketplace.plugin_settings import PROBLEMS_KEY

PLUGIN_ID = "whatsapp"
DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"
UNCONFIGURED = "WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID are needed to send notices by WhatsApp"


def configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("WHATSAPP_ACCESS_TOKEN") and config.get("WHATSAPP_PHONE_NUMBER_ID"))


def _http_url(value: str) -> str | None:
    return None if str(value).startswith(("https://", "http://")) else "must be an http(s):// address"


def _positive(value) -> str | None:
    return None if float(value) > 0 else "must be more than 0"


def _language(value: str) -> str | None:
    text = str(value)
    return None if 2 <= len(text) <= 10 and text.replace("_", "").isalpha() else "must be a language code (id, en_US)"


class WhatsAppPlugin:
    name = PLUGIN_ID
    # none is required: without the token and the number id the notices go by e-mail alone
    settings = (
        Setting(
            "WHATSAPP_ACCESS_TOKEN",
            secret=True,
            help="A system user's permanent access token of the WhatsApp Business Account; with "
            "WHATSAPP_PHONE_NUMBER_ID it turns WhatsApp notices on.",
        ),
        Setting("WHATSAPP_PHONE_NUMBER_ID", help="The id of the sending phone number (WhatsApp Manager, API setup)."),
        Setting("WHATSAPP_API_BASE", DEFAULT_API_BASE, help="The Graph API address and version.", check=_http_url),
        Setting(
            "WHATSAPP_APP_SECRET",
            secret=True,
            help="The Meta app's secret: webhooks are signed with it (X-Hub-Signature-256); unset: refused.",
        ),
        Setting(
            "WHATSAPP_VERIFY_TOKEN",
            secret=True,
            help="The verify token typed in the app's webhook settings; unset: verification refused.",
        ),
        Setting(
            "WHATSAPP_TEMPLATE_LANGUAGE",
            "id",
            help="The language the templates are registered in (README.md lists them).",
            check=_language,
        ),
        Setting(
            "WHATSAPP_TIMEOUT",
            10.0,
            kind=float,
            help="Seconds to wait for WhatsApp before the outbox tries the message again later.",
            check=_positive,
        ),
    )

    @hookimpl
    def init_app(self, app: Flask) -> None:
        from marketplace.extensions import csrf
        from plugins.whatsapp import webhooks

        if webhooks.bp.name not in app.blueprints:
            csrf.exempt(webhooks.bp)
            app.register_blueprint(webhooks.bp)
        if not configured(app):  # listed for the admin and `flask plugins list`; start-up goes on
            problems = app.extensions.setdefault(PROBLEMS_KEY, {}).setdefault(PLUGIN_ID, [])
            if UNCONFIGURED not in problems:
                problems.append(UNCONFIGURED)

    @hookimpl
    def notification_channels(self) -> list:
        if not configured():
            return []
        from plugins.whatsapp.channel import WhatsAppChannel

        return [WhatsAppChannel.from_settings()]

    @hookimpl
    def openapi_spec(self) -> dict:
        from plugins.whatsapp.openapi import openapi_spec

        return openapi_spec()


plugin = WhatsAppPlugin()

__all__ = ["configured", "plugin"]
