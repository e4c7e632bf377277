"""Stripe: card and wallet payments on a Stripe-hosted Checkout page (card data never touches us).

Offered only when ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET`` are set.
Checkout creates a Checkout Session in IDR for the payment's amount, expiring
with the reservation window, and sends the shopper to its URL. Only the signed
webhook (``POST /webhooks/stripe``, :mod:`.webhooks`) makes an order paid.
Refunds of cancelled paid orders go back through the Stripe API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import Setting, hookimpl
from marketplace.urls import absolute_url
from plugins.stripe_payments import stripe_api
from plugins.stripe_payments.models import StripeCheckout, StripeRefund

METHOD_ID = "stripe"
# Stripe lets a Checkout Session live between 30 minutes and 24 hours
RESERVATION_WINDOW = timedelta(hours=1)


def configured(app=None) -> bool:
    config = (app or current_app).config
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET"))


class StripeCheckoutMethod(PaymentMethod):
    id = METHOD_ID
    name = _l("Kartu kredit/debit (Stripe)")
    description = _l("Bayar di halaman aman Stripe; data kartu tidak pernah disimpan di Apik Market.")
    provider = "stripe"
    group = "card"
    reservation_window = RESERVATION_WINDOW

    def start(self, payment) -> PaymentStart:
        session = stripe_api.create_checkout_session(session_params(payment), idempotency_key(payment))
        db.session.add(StripeCheckout(payment_id=payment.id, session_id=session.id))
        db.session.flush()
        return PaymentStart(redirect_url=session.url, provider_reference=session.id)

    def refund(self, payment, amount: int) -> RefundResult:
        row = checkout_of(payment.id)
        intent = row.payment_intent if row else None
        if row is not None and intent is None:  # the webhook did not bring it: ask Stripe
            intent = _intent_id(stripe_api.retrieve_checkout_session(row.session_id).payment_intent)
            row.payment_intent = intent
        if not intent:
            raise stripe_api.StripeUnavailable()
        key = f"apik-refund-{payment.id}-{payment.refunded_amount}-{amount}"
        refund = stripe_api.create_refund(
            {
                "payment_intent": intent,
                "amount": stripe_api.to_stripe_amount(amount),
                "metadata": {"payment_id": str(payment.id)},
            },
            key,
        )
        db.session.add(StripeRefund(refund_id=refund.id, payment_id=payment.id, amount=amount))
        db.session.flush()
        return RefundResult(reference=refund.id)


def _intent_id(value) -> str | None:
    return value if isinstance(value, str) or value is None else getattr(value, "id", None)


def checkout_of(payment_id: int) -> StripeCheckout | None:
    return db.session.scalar(select(StripeCheckout).where(StripeCheckout.payment_id == payment_id))


def idempotency_key(payment) -> str:
    """Stable for one payment of one checkout submission: a retried request creates one session."""
    from marketplace.checkout.models import Checkout

    submission = db.session.get(Checkout, payment.checkout_id) if payment.checkout_id else None
    return f"apik-checkout-{payment.id}-{submission.idempotency_key if submission else 'none'}"[:255]


def session_params(payment) -> dict:
    from marketplace.orders.models import Order

    orders = db.session.scalars(select(Order).where(Order.payment_id == payment.id).order_by(Order.id)).all()
    items = [
        {
            "quantity": 1,
            "price_data": {
                "currency": stripe_api.CURRENCY,
                "unit_amount": stripe_api.to_stripe_amount(order.total),
                "product_data": {"name": f"{order.number} · {order.store_name}"[:250]},
            },
        }
        for order in orders
    ]
    success = absolute_url("stripe_payments.success", payment_id=payment.id)
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": items,
        "client_reference_id": str(payment.id),
        "metadata": {"payment_id": str(payment.id)},
        "payment_intent_data": {"metadata": {"payment_id": str(payment.id)}},
        "success_url": success + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": absolute_url("orders.index"),
        "locale": "id",
    }
    if payment.expires_at is not None:
        params["expires_at"] = int(payment.expires_at.timestamp())
    return params


def _http_url(value: str) -> str | None:
    return None if value.startswith(("https://", "http://")) else "must be an http(s):// address"


class StripePlugin:
    name = "stripe_payments"
    # without both keys the method is simply not offered (CONTRACT.md): none is required
    settings = (
        Setting(
            "STRIPE_SECRET_KEY",
            secret=True,
            help="Secret API key (sk_...); with STRIPE_WEBHOOK_SECRET it turns the Stripe method on.",
        ),
        Setting("STRIPE_PUBLISHABLE_KEY", help="Publishable key (pk_...)."),
        Setting(
            "STRIPE_WEBHOOK_SECRET", secret=True, help="Signing secret of the /webhooks/stripe endpoint (whsec_...)."
        ),
        Setting(
            "STRIPE_API_BASE",
            help="Stripe's API address; unset: Stripe's own (tests point it at a fake).",
            check=_http_url,
        ),
    )
    method = StripeCheckoutMethod()

    @hookimpl
    def init_app(self, app):
        from plugins.stripe_payments import webhooks

        app.register_blueprint(webhooks.bp)
        from marketplace.extensions import csrf

        csrf.exempt(webhooks.hook_bp)
        app.register_blueprint(webhooks.hook_bp)
        # checkout posts a form and the answer redirects to Stripe's hosted page
        from urllib.parse import urlsplit

        from marketplace.security import csp_allow

        origins = ["https://checkout.stripe.com"]
        if app.config.get("STRIPE_API_BASE"):  # the local fake in tests serves its own "hosted page"
            parts = urlsplit(app.config["STRIPE_API_BASE"])
            origins.append(f"{parts.scheme}://{parts.netloc}")
        csp_allow(app, "form-action", *origins)

    @hookimpl
    def payment_methods(self):
        return [self.method] if configured() else []

    @hookimpl
    def order_status_changed(self, order, old_status, new_status, actor):
        """An unpaid Stripe payment whose orders are all cancelled: close its session so it cannot be paid."""
        if new_status != "cancelled" or order.payment_method != METHOD_ID or order.paid_at is not None:
            return
        from marketplace.payments.models import Payment

        payment = db.session.get(Payment, order.payment_id) if order.payment_id else None
        row = checkout_of(order.payment_id) if payment else None
        if payment is None or row is None or payment.status != "cancelled" or row.status != "open":
            return
        row.status = "expired"
        stripe_api.expire_checkout_session(row.session_id)

    @hookimpl
    def openapi_spec(self) -> dict:
        from .openapi import openapi_spec

        return openapi_spec()


plugin = StripePlugin()
