"""Every call to Stripe goes through here (the edge).

The official ``stripe`` library, with a client built per call from the app's
settings (``STRIPE_SECRET_KEY``, ``STRIPE_API_BASE`` for the local fake in
tests). A ``StripeError`` is logged with the call and turned into
:class:`StripeUnavailable` — a ServiceError with a clear message, so the caller
rolls back and the user sees a message, never a 500 and never a half-written order.

Money: Stripe counts IDR in hundredths (Rp 25.000 is ``2500000``);
:func:`to_stripe_amount` and :func:`from_stripe_amount` are the only conversions.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from flask import current_app

from marketplace.i18n import gettext as _
from marketplace.payments.services import PaymentUnavailable

log = logging.getLogger("plugins.stripe_payments")
CURRENCY = "idr"


class StripeUnavailable(PaymentUnavailable):
    """Stripe refused or could not be reached; nothing was written."""

    code = "stripe_unavailable"

    def default_message(self) -> str:
        return _(
            "Pembayaran kartu (Stripe) sedang tidak bisa diproses. Tidak ada yang dicatat; coba lagi "
            "sebentar lagi atau pilih metode pembayaran lain."
        )


def to_stripe_amount(rupiah: int) -> int:
    """Whole rupiah → Stripe's IDR minor units (hundredths): Rp 25.000 → 2500000."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int) or rupiah < 0:
        raise ValueError(f"not a whole, non-negative rupiah amount: {rupiah!r}")
    return rupiah * 100


def from_stripe_amount(minor: int) -> int | None:
    """Stripe's IDR minor units → whole rupiah; None when it is not a whole rupiah (a mismatch)."""
    if isinstance(minor, bool) or not isinstance(minor, int) or minor < 0 or minor % 100:
        return None
    return minor // 100


def client() -> stripe.StripeClient:
    config = current_app.config
    base = config.get("STRIPE_API_BASE")
    options: dict[str, Any] = {
        "max_network_retries": 1,
        "http_client": stripe.RequestsClient(timeout=config.get("STRIPE_TIMEOUT", 20)),
    }
    if base:
        options["base_addresses"] = {"api": base.rstrip("/")}
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], **options)


def _call(what: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except stripe.StripeError as exc:
        log.error(
            "stripe %s failed: %s (http %s, code %s, request %s)",
            what,
            exc.user_message or str(exc),
            exc.http_status,
            exc.code,
            getattr(exc, "request_id", None),
        )
        raise StripeUnavailable() from exc


def create_checkout_session(params: dict, idempotency_key: str):
    """A Stripe-hosted Checkout Session (card data never reaches us)."""
    return _call(
        "checkout.sessions.create", client().v1.checkout.sessions.create, params, {"idempotency_key": idempotency_key}
    )


def retrieve_checkout_session(session_id: str):
    return _call("checkout.sessions.retrieve", client().v1.checkout.sessions.retrieve, session_id)


def expire_checkout_session(session_id: str):
    return _call("checkout.sessions.expire", client().v1.checkout.sessions.expire, session_id)


def create_refund(params: dict, idempotency_key: str):
    return _call("refunds.create", client().v1.refunds.create, params, {"idempotency_key": idempotency_key})


def construct_event(payload: bytes, signature: str | None):
    """The verified event (stripe's own check, 300 s tolerance); ValueError or
    stripe.SignatureVerificationError when the body or signature is bad."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not set")
    return stripe.Webhook.construct_event(payload, signature or "", secret)
