"""Bank transfer (*transfer bank*): how most IKM buyers pay.

The shopper sees the marketplace's account(s) (``BANK_TRANSFER_ACCOUNTS``), the
exact amount (with a unique 3-digit code when ``BANK_TRANSFER_UNIQUE_CODE``)
and a deadline (``BANK_TRANSFER_WINDOW_HOURS``, 24 by default), uploads a
proof, and agency or admin finance confirms (the orders become paid) or
rejects it with a reason. Unconfirmed after the deadline, the orders expire
and the stock goes back (the core's expiry). Offered only when accounts are
configured (a demo account in development).

Finance may instead upload the bank's statement CSV at /finance/transfers/statements (or
``POST /api/v1/finance/bank-statements``): every transfer whose exact amount and date match
is confirmed at once (statements.py).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import Setting, hookimpl

METHOD_ID = "bank_transfer"


class BankTransferMethod(PaymentMethod):
    id = METHOD_ID
    name = _l("Transfer bank")
    description = _l("Transfer ke rekening pasar, lalu unggah bukti transfer. Dikonfirmasi oleh petugas keuangan.")
    provider = "bank_transfer"
    group = "transfer"
    pay_on_delivery = False

    def __init__(self, hours: int = 24):
        self.reservation_window = timedelta(hours=hours)

    def start(self, payment) -> PaymentStart:
        from marketplace.i18n import rupiah
        from plugins.bank_transfer import services

        transfer = services.create_for(payment)
        return PaymentStart(
            redirect_url=url_for("bank_transfer.pay", payment_id=payment.id),
            provider_reference=f"bank-transfer-{transfer.id}",
            instructions=str(
                _l(
                    "Transfer tepat %(amount)s ke %(accounts)s sebelum batas waktu, lalu unggah bukti transfer.",
                    amount=rupiah(transfer.transfer_amount),
                    accounts="; ".join(services.accounts()),
                )
            ),
        )

    def refunds_to_bank_account(self, payment) -> bool:
        # the money came by transfer: it goes back by transfer, to the account the shopper enters
        return True

    def refund(self, payment, amount: int) -> RefundResult:
        # never called (refunds_to_bank_account): no money moves here, so nothing may say it did
        raise RuntimeError("bank transfers are refunded to the shopper's bank account by finance")


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be at least 1"


class BankTransferPlugin:
    name = "bank_transfer"
    settings = (
        # unset: the method is hidden, except in development, where a demo account is shown
        Setting(
            "BANK_TRANSFER_ACCOUNTS",
            help="The marketplace's accounts, ';'-separated: \"BRI 0123-01-000123-30-1 "
            'a.n. Disnakerin Kota Tegal; BNI ..."; unset: the method is hidden (development: a demo account).',
        ),
        Setting(
            "BANK_TRANSFER_WINDOW_HOURS",
            24,
            kind=int,
            check=_positive,
            help="Hours a shopper has to transfer before the orders expire.",
        ),
        Setting(
            "BANK_TRANSFER_UNIQUE_CODE",
            True,
            kind=bool,
            help="Add a unique code of 1..999 rupiah to each amount, to match transfers on the statement.",
        ),
    )

    @hookimpl
    def init_app(self, app):
        from plugins.bank_transfer import statement_api, statement_views, views

        app.register_blueprint(views.bp)
        app.register_blueprint(statement_views.bp)
        app.register_blueprint(statement_api.bp)

    @hookimpl
    def payment_methods(self):
        from plugins.bank_transfer import services

        if not services.accounts():
            return []
        return [BankTransferMethod(int(current_app.config.get("BANK_TRANSFER_WINDOW_HOURS") or 24))]

    @hookimpl
    def nav_items(self, user):
        from marketplace.agency.assist import is_officer

        if not is_officer(user):
            return []
        return [
            {"url": url_for("bank_transfer.queue"), "label": str(_l("Konfirmasi transfer")), "section": "agency"},
            {"url": url_for("bank_statements.index"), "label": str(_l("Mutasi rekening")), "section": "agency"},
        ]

    @hookimpl
    def openapi_spec(self):
        from plugins.bank_transfer.statement_openapi import openapi_spec

        return openapi_spec()


plugin = BankTransferPlugin()
