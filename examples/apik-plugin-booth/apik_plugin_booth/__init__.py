"""Bayar di booth: the shopper pays at the store's booth at the expo.

An example of a plugin packaged outside Apik Market (docs/PLUGINS.md). It is
found through its ``apik_market.plugins`` entry point (``booth_pay``) and runs
when MARKETPLACE_PLUGINS names it. It uses only the host's public modules:
``marketplace.plugin_api`` (``hookimpl``, ``Setting``), ``marketplace.payments.methods``
and the OpenAPI helpers of ``marketplace.api.openapi``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from flask_babel import lazy_gettext as _l

from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import Setting, hookimpl

NAME = "booth_pay"
NOTE = "BOOTH_PAY_NOTE"
DEFAULT_NOTE = "Tunjukkan nomor pesanan di booth toko; bayar saat barang diserahkan."

bp = Blueprint(NAME, __name__, template_folder="templates")


class BoothPayment(PaymentMethod):
    """Like cash on delivery, the order goes to the seller unpaid and does not expire; the seller records
    the money when the shopper collects the goods at the booth."""

    id = NAME
    name = _l("Bayar di booth")
    description = _l("Ambil dan bayar pesanan di booth toko selama expo.")
    provider = NAME
    reservation_window = None
    pay_on_delivery = True

    def start(self, payment) -> PaymentStart:
        return PaymentStart(instructions=note())

    def refund(self, payment, amount: int) -> RefundResult:
        return RefundResult(
            reference=f"booth-refund-{payment.id}", note=str(_l("Uang dikembalikan langsung di booth toko."))
        )


def note() -> str:
    """The note shown to the shopper: the declared setting, or its default."""
    return current_app.config.get(NOTE) or DEFAULT_NOTE


@bp.get("/api/v1/booth-pay")
def booth_pay_info():
    """What the shopper needs to know about paying at the booth (public)."""
    return {"id": NAME, "name": str(BoothPayment.name), "note": note()}


class BoothPayPlugin:
    name = NAME
    settings = (Setting(NOTE, DEFAULT_NOTE, help="What the shopper is told to do at the booth."),)
    method = BoothPayment()

    @hookimpl
    def init_app(self, app: Flask) -> None:
        app.register_blueprint(bp)

    @hookimpl
    def payment_methods(self) -> list:
        return [self.method]

    @hookimpl
    def template_panels(self, slot: str) -> list:
        return ["booth_pay/_seller_panel.html"] if slot == "seller_dashboard" else []

    @hookimpl
    def openapi_spec(self) -> dict:
        from marketplace.api.openapi import STRING, answer, obj, operation, ref

        info = operation(
            "boothPayInfo",
            "How paying at the booth works",
            "plugins",
            {"200": answer("The method and the note for the shopper.", ref("BoothPayInfo"))},
            plugin=NAME,
        )
        return {
            "paths": {"/api/v1/booth-pay": {"get": info}},
            "schemas": {"BoothPayInfo": obj({"id": STRING, "name": STRING, "note": STRING}, ["id", "name", "note"])},
        }


plugin = BoothPayPlugin()
