"""POST /webhooks/stripe, and the success page the shopper returns to.

The webhook verifies the signature on the raw body (stripe's own
``construct_event``, 300 s tolerance) and applies each event once: its id is
stored in ``stripe_events`` in the same transaction as its effects, so a
replayed or concurrent duplicate finds it and changes nothing.

Answers: 200 applied / duplicate / ignored (types we do not handle, not
stored); 400 bad signature, stale timestamp, malformed JSON or an unknown
payment (nothing written). A paid event whose amount or currency does not
match changes nothing, is logged as an alert and stored as ``mismatch``.
"""

from __future__ import annotations

import json
import logging

import stripe
from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import EXPIRED_REASON, ConcurrentChange, transition
from marketplace.orders.models import Order
from marketplace.payments import provider_events
from marketplace.payments import services as payments
from marketplace.payments.models import Payment
from plugins.stripe_payments import stripe_api
from plugins.stripe_payments.models import StripeCheckout, StripeEvent

log = logging.getLogger("plugins.stripe_payments")
bp = Blueprint("stripe_payments", __name__, template_folder="templates")
hook_bp = Blueprint("stripe_webhooks", __name__)
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
HANDLED = (*PAID_EVENTS, "checkout.session.expired", "charge.refunded")


class BadEvent(Exception):
    """The event cannot be applied (unknown payment...): 400, nothing written."""


def _answer(result: str, status: int = 200):
    return jsonify({"result": result}), status


@hook_bp.post("/webhooks/stripe")
def webhook():
    """Apply one Stripe event once; 400 when the signature, body or payment is bad."""
    raw = request.get_data()
    try:
        stripe_api.construct_event(raw, request.headers.get("Stripe-Signature"))
        event = json.loads(raw)  # verified: now read it as plain data
        event_id, event_type, obj = event["id"], event["type"], event["data"]["object"]
        if not isinstance(obj, dict) or not isinstance(event_id, str):
            raise ValueError("not an event")
    except (ValueError, KeyError, TypeError, stripe.SignatureVerificationError) as exc:
        log.warning("stripe webhook refused: %s", exc)
        return _answer("bad_request", 400)
    if event_type not in HANDLED:
        return _answer("ignored")
    result, status = provider_events.apply_once(
        StripeEvent, event_id, event_type, lambda: _apply(event_type, obj), refuse=(BadEvent,)
    )
    return _answer(result, status)


def _apply(event_type: str, obj: dict) -> str:
    if event_type in PAID_EVENTS:
        return _paid(obj)
    if event_type == "checkout.session.expired":
        return _expired(obj)
    return _refunded(obj)


def _payment_of_session(session) -> tuple[Payment, StripeCheckout]:
    row = db.session.scalar(select(StripeCheckout).where(StripeCheckout.session_id == str(session.get("id"))))
    metadata = session.get("metadata") or {}
    claimed = session.get("client_reference_id") or metadata.get("payment_id")
    if row is None or str(row.payment_id) != str(claimed):
        raise BadEvent(f"unknown session {session.get('id')} (payment {claimed})")
    return orders.lock_payment(row.payment_id), row


def _paid(session) -> str:
    payment, row = _payment_of_session(session)
    if session.get("payment_status") != "paid":
        return "awaiting_payment"
    amount = stripe_api.from_stripe_amount(session.get("amount_total"))
    currency = (session.get("currency") or "").upper()
    # known before applying: a share cancelled before the shopper paid is refunded on this intent
    row.payment_intent = session.get("payment_intent") or row.payment_intent
    try:
        with db.session.begin_nested():
            if amount is None:
                raise Conflict("amount is not whole rupiah")
            orders.apply_payment(payment.id, amount, currency, provider_reference=str(session["id"]))
    except Conflict as exc:
        log.error(
            "ALERT stripe session %s for payment %s not applied: %s (paid %s %s, due %s %s, status %s)",
            session.get("id"),
            payment.id,
            exc,
            session.get("amount_total"),
            currency,
            payment.amount_due,
            payment.currency,
            payment.status,
        )
        return "mismatch"
    row.status = "complete"
    if payment.status == "refunded":  # every order was cancelled before the money came: all of it went back
        return f"refunded:{payment.refunded_amount}"
    return "paid"


def _expired(session) -> str:
    payment, row = _payment_of_session(session)
    row.status = "expired"
    cancelled = 0
    for order in db.session.scalars(
        select(Order).where(Order.payment_id == payment.id, Order.status == "pending_payment").order_by(Order.id)
    ).all():
        try:
            transition(order, "cancelled", None, reason=EXPIRED_REASON)
            cancelled += 1
        except ConcurrentChange:
            continue
    return f"expired:{cancelled}"


def _refunded(charge) -> str:
    """Reconcile: what Stripe refunded beyond the refunds we recorded was done on the
    dashboard; record it and debit the ledger, never counting our own refunds twice."""
    row = db.session.scalar(select(StripeCheckout).where(StripeCheckout.payment_intent == charge.get("payment_intent")))
    if row is None or not charge.get("payment_intent"):
        raise BadEvent(f"unknown payment intent {charge.get('payment_intent')}")
    payment = orders.lock_payment(row.payment_id)
    refunded = stripe_api.from_stripe_amount(charge.get("amount_refunded") or 0)
    if refunded is None or (charge.get("currency") or "").upper() != payment.currency:
        log.error("ALERT stripe charge %s refund not whole rupiah or wrong currency", charge.get("id"))
        return "mismatch"
    extra = refunded - payment.refunded_amount
    if extra <= 0:
        return "already_recorded"
    if payment.refunded_amount + extra > payment.captured_amount:
        log.error(
            "ALERT stripe charge %s refunds %s beyond what was captured on payment %s",
            charge.get("id"),
            refunded,
            payment.id,
        )
        return "mismatch"
    payments.record_external_refund(payment.id, extra)
    _debit_orders(payment.id, extra, reference=f"{charge.get('id')}-{refunded}")
    log.warning(
        "stripe charge %s: Rp %s refunded outside Apik Market (payment %s) recorded",
        charge.get("id"),
        extra,
        payment.id,
    )
    return f"reconciled:{extra}"


def _debit_orders(payment_id: int, amount: int, reference: str) -> None:
    """Spread a dashboard refund over the payment's credited (completed) orders."""
    for order in db.session.scalars(
        select(Order).where(Order.payment_id == payment_id, Order.status == "completed").order_by(Order.id)
    ).all():
        if amount <= 0:
            break
        part = min(amount, order.total)
        ledger.debit_refund(order, part, reference=reference)
        amount -= part


# --- the page the shopper comes back to -------------------------------------------------------


@bp.get("/payments/stripe/success/<int:payment_id>")
@login_required
def success(payment_id: int):
    """The payment's orders and their status; refreshes itself until the webhook marks them paid. 404 for others'."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.user_id != current_user.id:
        abort(404)
    placed = db.session.scalars(select(Order).where(Order.payment_id == payment.id).order_by(Order.id)).all()
    waiting = any(order.status == "pending_payment" for order in placed)
    return render_template("stripe_payments/success.html", payment=payment, orders=placed, waiting=waiting)
