"""POST /webhooks/xendit: Xendit's notifications of payments, refunds and payouts.

Authenticity as Xendit documents it: the ``x-callback-token`` header must equal the
dashboard's verification token (``XENDIT_CALLBACK_TOKEN``), compared in constant time; else
401 (missing) or 403 (wrong) and nothing is written. Each notification is stored by its
``webhook-id`` in ``xendit_events`` in the same transaction as its effects, so a replayed or
concurrent duplicate changes nothing. The body is only a hint: for payments and payouts the
object is fetched again from Xendit and only the fetched status, amount and currency count.

Answers: 200 applied / duplicate / mismatch / ignored; 400 malformed body or unknown payment,
refund or payout (nothing written); 503 when Xendit cannot be asked again (it retries).
"""

from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select

from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.payments import provider_events
from marketplace.payments import services as payments
from plugins.xendit import rail, xendit_api
from plugins.xendit.models import XenditEvent, XenditPayment, XenditRefund

log = logging.getLogger("plugins.xendit")
hook_bp = Blueprint("xendit_webhooks", __name__)
PAYMENT_EVENTS = ("payment.succeeded", "payment.failed", "payment.pending", "payment.awaiting_capture")
REFUND_EVENTS = ("refund.succeeded", "refund.failed")
PAYOUT_EVENTS = ("payout.succeeded", "payout.failed", "payout.reversed", "payout.cancelled", "payout.expired")


class BadEvent(Exception):
    """The notification cannot be applied (unknown payment...): 400, nothing written."""


def _answer(result: str, status: int = 200):
    return jsonify({"result": result}), status


def _authentic() -> int | None:
    """None when the callback token is right; else the status to refuse with."""
    expected = current_app.config.get("XENDIT_CALLBACK_TOKEN") or ""
    given = request.headers.get("x-callback-token")
    if not expected or given is None:
        return 401
    return None if hmac.compare_digest(given.encode(), expected.encode()) else 403


def _parse() -> tuple[str, str, dict]:
    body = json.loads(request.get_data())
    event, data = body["event"], body["data"]
    if not isinstance(event, str) or not isinstance(data, dict):
        raise ValueError("not a notification")
    event_id = request.headers.get("webhook-id") or f"{event}:{data.get('id')}:{data.get('status')}"
    return event_id, event, data


@hook_bp.post("/webhooks/xendit")
def webhook():
    """Apply one Xendit notification once; 401/403 for a bad token, 400 for a bad body or unknown object."""
    refused = _authentic()
    if refused:
        log.warning("xendit webhook refused: %s callback token", "missing" if refused == 401 else "wrong")
        return _answer("unauthorized" if refused == 401 else "forbidden", refused)
    try:
        event_id, event, data = _parse()
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("xendit webhook refused: %s", exc)
        return _answer("bad_request", 400)
    if event not in (*PAYMENT_EVENTS, *REFUND_EVENTS, *PAYOUT_EVENTS):
        return _answer("ignored")
    result, status = provider_events.apply_once(
        XenditEvent,
        event_id,
        event,
        lambda: _apply(event, data),
        refuse=(BadEvent,),
        retry=(xendit_api.XenditUnavailable,),
    )
    return _answer(result, status)


def _apply(event: str, data: dict) -> str:
    if event in PAYMENT_EVENTS:
        return _payment(data)
    if event in REFUND_EVENTS:
        return _refund(event, data)
    return _payout(data)


def _fetch(get, object_id: str) -> dict:
    """The object as Xendit has it now; BadEvent when Xendit does not know it."""
    try:
        return get(object_id)
    except xendit_api.XenditUnavailable as exc:
        if str(exc.http_status) == "404":
            raise BadEvent(f"Xendit does not know {object_id!r}") from exc
        raise


def _payment(data: dict) -> str:
    request_id = str(data.get("payment_request_id") or "")
    row = db.session.scalar(select(XenditPayment).where(XenditPayment.request_id == request_id))
    if row is None:
        raise BadEvent(f"unknown payment request {request_id!r}")
    fetched = _fetch(xendit_api.get_payment_request, row.request_id)  # only Xendit's own answer counts
    status = str(fetched.get("status") or "")
    payment = orders.lock_payment(row.payment_id)
    if status != "SUCCEEDED":
        row.status = status[:20] or row.status
        return f"status:{status.lower()}"
    amount = xendit_api.amount_of(fetched.get("amount"))
    currency = str(fetched.get("currency") or "").upper()
    try:
        with db.session.begin_nested():
            if amount is None:
                raise Conflict("amount is not whole rupiah")
            orders.apply_payment(payment.id, amount, currency, provider_reference=row.request_id)
    except Conflict as exc:
        log.error(
            "ALERT xendit payment request %s for payment %s not applied: %s (paid %s %s, due %s %s, status %s)",
            row.request_id,
            payment.id,
            exc,
            fetched.get("amount"),
            currency,
            payment.amount_due,
            payment.currency,
            payment.status,
        )
        return "mismatch"
    row.status = "SUCCEEDED"
    if payment.status == "refunded":  # every order was cancelled before the money came: all of it went back
        return f"refunded:{payment.refunded_amount}"
    return "paid"


def _refund(event: str, data: dict) -> str:
    row = db.session.scalar(select(XenditRefund).where(XenditRefund.refund_id == str(data.get("id") or "")))
    if row is None:
        raise BadEvent(f"unknown refund {data.get('id')!r}")
    if row.status in ("SUCCEEDED", "FAILED"):
        return "already_recorded"
    if event == "refund.succeeded":
        row.status = "SUCCEEDED"
        return "refunded"
    row.status = "FAILED"
    reason = str(data.get("failure_code") or "FAILED")
    log.error("ALERT xendit refund %s of payment %s failed: %s", row.refund_id, row.payment_id, reason)
    payments.refund_failed(row.payment_id, row.amount, row.refund_id, reason)
    return f"refund_failed:{reason}"


def _payout(data: dict) -> str:
    from marketplace.ledger import payout_runs
    from marketplace.ledger.models import Payout

    payout_id = str(data.get("id") or "")
    if not payout_id:
        raise BadEvent("a payout notification without an id")
    fetched = _fetch(xendit_api.get_payout, payout_id)  # only Xendit's own answer counts
    key = str(fetched.get("reference_id") or "")
    if data.get("reference_id") not in (None, key):
        raise BadEvent(f"payout {payout_id} is {key!r}, the notification says {data.get('reference_id')!r}")
    if db.session.scalar(select(Payout.id).where(Payout.idempotency_key == key)) is None:
        raise BadEvent(f"unknown payout {key!r}")
    sent = rail.outcome(fetched)
    if sent.state == "pending":
        return "pending"
    written = payout_runs.record_outcome(key, sent.state, reference=sent.reference, reason=sent.reason)
    return f"payout:{sent.state}" if written else "already_recorded"
