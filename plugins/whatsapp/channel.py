"""The WhatsApp channel the outbox sends notices by (``marketplace.channels.Channel``)."""

from __future__ import annotations

from flask import Flask, current_app

from marketplace.channels import ChannelError, Notice
from plugins.whatsapp import client
from plugins.whatsapp.templates_wa import message_template

CHANNEL_ID = "whatsapp"


class WhatsAppChannel:
    """Sends each notice as its approved template (:mod:`.templates_wa`) through the Cloud API.
    Built from the settings when the channels are gathered; needs no app context to send."""

    id = CHANNEL_ID
    name = "WhatsApp"

    def __init__(self, connection: client.Connection, base_url: str, language: str = "id"):
        self.connection = connection
        self.base_url = base_url
        self.language = language

    @classmethod
    def from_settings(cls, app: Flask | None = None) -> WhatsAppChannel:
        config = (app or current_app).config
        connection = client.Connection(
            api_base=config.get("WHATSAPP_API_BASE") or "https://graph.facebook.com/v21.0",
            phone_number_id=str(config["WHATSAPP_PHONE_NUMBER_ID"]),
            access_token=str(config["WHATSAPP_ACCESS_TOKEN"]),
            timeout=float(config.get("WHATSAPP_TIMEOUT") or 10),
        )
        return cls(connection, str(config.get("BASE_URL") or ""), config.get("WHATSAPP_TEMPLATE_LANGUAGE") or "id")

    def send(self, to: str, notice: Notice) -> str:
        try:
            template = message_template(notice, self.base_url, self.language)
        except KeyError as exc:
            raise ChannelError(f"no WhatsApp template for the notice {notice.notice!r}", permanent=True) from exc
        return client.send_template(self.connection, to, template)
