"""A tests-only payment plugin whose method has channels: a virtual account at one of five banks.

``fake_va`` (``FakeVirtualAccount``) records the channel each payment had when ``start`` was
called and answers with its own page, ``/fake-va/<payment id>`` (served by the plugin, so the
browser can follow the checkout's redirect). tests/channels_app.py is a live server's app with
the plugin on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Blueprint, abort

from marketplace import plugin_api
from marketplace.payments import banks
from marketplace.payments.methods import Channel, PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import hookimpl

METHOD_ID = "fake_va"
BANK_CODES = ("BCA", "BNI", "BRI", "MANDIRI", "PERMATA")
pages = Blueprint("fake_va", __name__)


@pages.get("/fake-va/<int:payment_id>")
def pay_page(payment_id: int):
    """The fake gateway's page: the virtual account number to pay."""
    from marketplace.payments.services import get_payment

    payment = get_payment(payment_id)
    if payment.method != METHOD_ID:
        abort(404)
    return f'<h1 id="va">Virtual account {payment.channel} 8808{payment.id:08d}</h1>'


class FakeVirtualAccount(PaymentMethod):
    id = METHOD_ID
    name = "Virtual Account uji"
    description = "Bayar dari aplikasi bank Anda."
    provider = "fake_va"
    group = "virtual_account"
    reservation_window = timedelta(hours=2)
    channels = tuple(Channel(code, banks.BY_CODE[code].name) for code in BANK_CODES)

    def __init__(self):
        self.started: list[tuple[int, str | None]] = []  # (payment id, payment.channel) seen by start

    def start(self, payment) -> PaymentStart:
        self.started.append((payment.id, payment.channel))
        return PaymentStart(redirect_url=f"/fake-va/{payment.id}", provider_reference=f"va-{payment.id}")

    def refund(self, payment, amount: int) -> RefundResult:
        return RefundResult(reference=f"va-refund-{payment.id}")


class FakeChannelsPlugin:
    def __init__(self):
        self.method = FakeVirtualAccount()

    @hookimpl
    def init_app(self, app):
        app.register_blueprint(pages)

    @hookimpl
    def payment_methods(self):
        return [self.method]


@pytest.fixture
def va(cod_app):
    """The cash-on-delivery app plus ``fake_va`` (``va.method.started`` lists what start saw)."""
    plugin = FakeChannelsPlugin()
    plugin_api.register(cod_app, plugin, METHOD_ID)
    return plugin
