"""Shared fixtures for the Xendit tests: the fake Xendit API and an app pointed at it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from plugins.xendit.models import XenditEvent, XenditPayment
from tests.fakes.xendit_server import CALLBACK_TOKEN, SECRET_KEY, FakeXendit, Notification


@pytest.fixture
def fake_xendit():
    fake = FakeXendit().start()
    yield fake
    fake.stop()


def xendit_config(fake: FakeXendit) -> dict:
    return {"XENDIT_SECRET_KEY": SECRET_KEY, "XENDIT_CALLBACK_TOKEN": CALLBACK_TOKEN, "XENDIT_API_BASE": fake.url}


@pytest.fixture
def xendit_app(make_app, fake_xendit):
    app = make_app(plugins="xendit,cash_on_delivery", **xendit_config(fake_xendit))
    with app.app_context():
        yield app


def post_notification(client, note: Notification, token: str | None = CALLBACK_TOKEN):
    """Deliver ``note`` to the app's webhook as Xendit would (``token=None``: without the header)."""
    return client.post("/webhooks/xendit", data=json.dumps(note.body), headers=note.headers(token))


def request_of(fake: FakeXendit, payment_id: int) -> dict:
    db.session.rollback()
    row = db.session.scalar(select(XenditPayment).where(XenditPayment.payment_id == payment_id))
    return fake.payment_requests[row.request_id]


def events() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(XenditEvent))
