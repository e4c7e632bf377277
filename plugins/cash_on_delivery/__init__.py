"""Cash on delivery (COD, *bayar di tempat*): the shopper pays the courier.

The order goes to the seller at once: it is placed ``pending_payment`` with no
expiry, the seller accepts it (→ processing) and ships it; the buyer pays the
courier and confirms receipt (→ completed), which records the cash as paid.
The seller never completes it: completion credits the store (issue #15). A refund of a COD order is
handed back by the seller in cash; the plugin records it as such.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import hookimpl

METHOD_ID = "cash_on_delivery"


class CashOnDelivery(PaymentMethod):
    id = METHOD_ID
    name = _l("Bayar di tempat (COD)")
    description = _l("Bayar tunai kepada kurir saat pesanan tiba.")
    provider = "cash_on_delivery"
    group = "cod"
    reservation_window = None
    pay_on_delivery = True

    def start(self, payment) -> PaymentStart:
        return PaymentStart(
            instructions=str(
                _l(
                    "Siapkan uang tunai %(amount)s. Setiap toko mengirim pesanannya sendiri; bayar kepada kurir "
                    "saat pesanan tiba.",
                    amount=_rupiah(payment.amount),
                )
            )
        )

    def refund(self, payment, amount: int) -> RefundResult:
        return RefundResult(
            reference=f"cod-refund-{payment.id}", note=str(_l("Uang tunai dikembalikan langsung oleh penjual."))
        )


def _rupiah(amount: int) -> str:
    from marketplace.i18n import rupiah

    return rupiah(amount)


class CashOnDeliveryPlugin:
    name = "cash_on_delivery"
    method = CashOnDelivery()

    @hookimpl
    def payment_methods(self):
        return [self.method]


plugin = CashOnDeliveryPlugin()
