"""Shared fixtures for the WhatsApp tests: the fake Cloud API and an app with the plugin on it."""

from __future__ import annotations

import json

import pytest

from tests.fakes.whatsapp_server import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    FakeWhatsApp,
)

BASE_URL = "https://pasar.example.id"


@pytest.fixture
def fake_whatsapp():
    fake = FakeWhatsApp().start()
    yield fake
    fake.stop()


def whatsapp_config(fake: FakeWhatsApp) -> dict:
    return {
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE": fake.api_base,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        # the plugin's default: the fake answers on loopback at once, but make test runs SQLite and
        # PostgreSQL beside each other on two cores, and a 2 s limit once timed out there
        # (tests/integration/test_whatsapp_channel.py sets its own limit for the timeout test)
        "WHATSAPP_TIMEOUT": 10.0,
        "BASE_URL": BASE_URL,
    }


@pytest.fixture
def whatsapp_app(make_app, fake_whatsapp):
    app = make_app(plugins="whatsapp,cash_on_delivery", **whatsapp_config(fake_whatsapp))
    with app.app_context():
        yield app


def post_event(client, fake: FakeWhatsApp, event: dict | bytes, secret: str | None = None, signed: bool = True):
    """Deliver ``event`` to the app's webhook as Meta would (``signed=False``: without the header)."""
    raw = event if isinstance(event, bytes) else json.dumps(event).encode()
    headers = fake.headers(raw, secret) if signed else {"Content-Type": "application/json"}
    return client.post("/webhooks/whatsapp", data=raw, headers=headers)
