"""Xendit: QRIS, bank virtual accounts and e-wallets in; payouts to the sellers' banks out.

Offered only when ``XENDIT_SECRET_KEY`` and ``XENDIT_CALLBACK_TOKEN`` are set. Checkout
creates one Payment Request through the official ``xendit-python`` client and sends the
shopper to our pay page (:mod:`.views`); only a notification at ``POST /webhooks/xendit``
whose payment request, fetched again from Xendit, says SUCCEEDED for the right amount makes
orders paid (:mod:`.webhooks`). Refunds of QRIS and e-wallet payments go back through
Xendit; virtual account payments cannot, so they are owed to the shopper's bank account.
The payout rail (:mod:`.rail`) sends store payouts through Xendit's payouts API.
"""

from __future__ import annotations

from flask import current_app

from marketplace.extensions import db
from marketplace.plugin_api import Setting, hookimpl
from plugins.xendit import methods
from plugins.xendit.models import XenditPayment

PLUGIN_ID = "xendit"


def configured(app=None) -> bool:
    config = (app or current_app).config
    return bool(config.get("XENDIT_SECRET_KEY") and config.get("XENDIT_CALLBACK_TOKEN"))


def _http_url(value: str) -> str | None:
    return None if value.startswith(("https://", "http://")) else "must be an http(s):// address"


def _positive(value) -> str | None:
    return None if int(value) > 0 else "must be a positive whole number"


def _codes(allowed):
    def check(value) -> str | None:
        codes = value.split(",") if isinstance(value, str) else value
        unknown = sorted({str(c).strip().upper() for c in codes} - set(allowed))
        return f"not offered by Xendit: {', '.join(unknown)}" if unknown else None

    return check


class XenditPlugin:
    name = PLUGIN_ID
    # without the key and the token the methods are simply not offered: none is required
    settings = (
        Setting(
            "XENDIT_SECRET_KEY",
            secret=True,
            help="Secret API key (xnd_...); with XENDIT_CALLBACK_TOKEN it turns QRIS, VA and e-wallets on.",
        ),
        Setting(
            "XENDIT_CALLBACK_TOKEN",
            secret=True,
            help="The dashboard's webhook verification token, sent by Xendit as x-callback-token.",
        ),
        Setting(
            "XENDIT_API_BASE", help="Xendit's API address; unset: Xendit's own (tests use a fake).", check=_http_url
        ),
        Setting(
            "XENDIT_QRIS_MINUTES", 30, kind=int, help="How long a QRIS code (and the stock) is kept.", check=_positive
        ),
        Setting("XENDIT_VA_HOURS", 24, kind=int, help="How long a virtual account stays open.", check=_positive),
        Setting("XENDIT_EWALLET_MINUTES", 30, kind=int, help="How long an e-wallet payment waits.", check=_positive),
        Setting(
            "XENDIT_VA_BANKS",
            ",".join(methods.VA_BANKS),
            help="The banks offered for virtual accounts (codes of marketplace.payments.banks).",
            check=_codes(methods.VA_BANKS),
        ),
        Setting(
            "XENDIT_EWALLETS",
            ",".join(methods.EWALLETS),
            help="The e-wallets offered (OVO, DANA, SHOPEEPAY, LINKAJA).",
            check=_codes(methods.EWALLETS),
        ),
        Setting(
            "XENDIT_TIMEOUT",
            20,
            kind=int,
            help="Seconds to wait for Xendit's answer before telling the shopper it is unavailable.",
            check=_positive,
        ),
    )
    methods = (methods.QrisMethod(), methods.VirtualAccountMethod(), methods.EWalletMethod())

    @hookimpl
    def init_app(self, app):
        from marketplace.extensions import csrf
        from plugins.xendit import views, webhooks

        app.register_blueprint(views.bp)
        csrf.exempt(webhooks.hook_bp)
        app.register_blueprint(webhooks.hook_bp)

    @hookimpl
    def payment_methods(self):
        return list(self.methods) if configured() else []

    @hookimpl
    def payout_rails(self):
        from plugins.xendit.rail import XenditRail

        return [XenditRail()] if configured() else []

    @hookimpl
    def order_status_changed(self, order, old_status, new_status, actor):
        """Our clock cancelled every order of a still-open payment: expire it at Xendit so it cannot be paid."""
        if new_status != "cancelled" or order.paid_at is not None or not order.payment_id:
            return
        from marketplace.payments.models import Payment
        from plugins.xendit import xendit_api

        payment = db.session.get(Payment, order.payment_id)
        row = methods.row_of(order.payment_id) if payment else None
        if payment is None or row is None or payment.status != "cancelled" or row.status in ("SUCCEEDED", "EXPIRED"):
            return
        row.status = "EXPIRED"
        if row.payment_method_id and configured():
            xendit_api.expire_payment_method(row.payment_method_id)

    @hookimpl
    def openapi_spec(self) -> dict:
        from plugins.xendit.openapi import openapi_spec

        return openapi_spec()


plugin = XenditPlugin()

__all__ = ["XenditPayment", "plugin"]
