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


class XenditRailDriver:
    """The ledger property test's RailDriver (tests/payout_support.py) for the Xendit rail: payouts
    go through the official client to the fake Xendit, whose answers the test scripts, and its
    notifications come in through the app's own /webhooks/xendit."""

    id = "xendit"
    MODES = {"succeeded": "succeeded", "failed": "failed", "pending": "accepted", "refused": "refused"}

    def __init__(self, app, fake: FakeXendit):
        self.app, self.fake = app, fake

    def behave(self, mode: str) -> None:
        self.fake.payout_mode = self.MODES.get(mode, "lost")  # "exception": made, answer lost

    def answer_later(self, state: str) -> None:
        self.fake.payout_later = state

    def notify(self, idempotency_key: str, state: str) -> bool:
        payout = next(p for p in self.fake.payouts.values() if p["reference_id"] == idempotency_key)
        failure = "REJECTED_BY_CHANNEL" if state == "failed" else None
        note = self.fake.payout_outcome(payout["id"], state.upper(), failure)
        answer = post_notification(self.app.test_client(), note)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["result"] == f"payout:{state}"

    def kept(self) -> dict[str, int]:
        """What Xendit paid out and kept, per idempotency key (the one payout of each key)."""
        return {
            p["reference_id"]: int(p["amount"])
            for p in self.fake.payouts.values()
            if p["status"] not in ("FAILED", "CANCELLED", "REVERSED")
        }
