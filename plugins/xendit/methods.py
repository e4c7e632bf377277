"""The three ways to pay through Xendit: QRIS, a bank's virtual account, an e-wallet.

Each ``start`` asks Xendit for one Payment Request (in IDR, for the payment's amount,
expiring with the payment, i.e. the stock reservation window) and keeps what the shopper needs
in ``xendit_payments``; the shopper is sent to our own pay page. Only a notification,
checked against the payment request fetched again from Xendit, makes orders paid
(:mod:`.webhooks`).
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payments import banks
from marketplace.payments.methods import Channel, PaymentMethod, PaymentStart, RefundResult
from marketplace.urls import absolute_url
from plugins.xendit import xendit_api
from plugins.xendit.models import XenditPayment, XenditRefund

PROVIDER = "xendit"
# the banks Xendit issues virtual accounts for (its VirtualAccountChannelCode, Indonesia)
VA_BANKS = ("BCA", "BNI", "BRI", "MANDIRI", "PERMATA", "BSI", "CIMB", "BJB", "MUAMALAT")
EWALLETS = {"OVO": "OVO", "DANA": "DANA", "SHOPEEPAY": "ShopeePay", "LINKAJA": "LinkAja"}


def setting_list(name: str, allowed) -> tuple[str, ...]:
    """A setting listing codes (``BCA,BNI``), kept to the ones Xendit supports, in our order."""
    chosen = current_app.config.get(name)
    if chosen is None:
        return tuple(allowed)
    wanted = {str(code).strip().upper() for code in (chosen.split(",") if isinstance(chosen, str) else chosen)}
    return tuple(code for code in allowed if code in wanted)


def row_of(payment_id: int) -> XenditPayment | None:
    return db.session.scalar(select(XenditPayment).where(XenditPayment.payment_id == payment_id))


def idempotency_key(payment) -> str:
    """Stable for one payment of one checkout submission: a retried request creates one payment request."""
    from marketplace.checkout.models import Checkout

    submission = db.session.get(Checkout, payment.checkout_id) if payment.checkout_id else None
    return f"apik-checkout-{payment.id}-{submission.idempotency_key if submission else 'none'}"[:255]


def reference_id(payment) -> str:
    return f"apik-payment-{payment.id}"


class XenditMethod(PaymentMethod):
    """What the three methods share: the payment request, the row, refunds."""

    provider = PROVIDER
    kind = ""  # Xendit's payment method type
    window_setting = ""
    window_unit = "minutes"

    @property  # type: ignore[override]
    def reservation_window(self) -> timedelta:
        return timedelta(**{self.window_unit: int(current_app.config[self.window_setting])})

    def channel_of(self, payment) -> str:
        chosen = payment.channel
        ids = [channel.id for channel in self.channels]
        return chosen if chosen in ids else ids[0]

    @abstractmethod
    def method_parameters(self, payment, channel: str) -> dict:
        """The ``payment_method.<type>`` part of the payment request for ``channel``."""

    def start(self, payment) -> PaymentStart:
        channel = self.channel_of(payment)
        params = {
            "reference_id": reference_id(payment),
            "amount": float(payment.amount),
            "currency": xendit_api.CURRENCY,
            "description": f"Apik Market #{payment.id}",
            "metadata": {"payment_id": str(payment.id)},
            "payment_method": {
                "type": self.kind,
                "reusability": "ONE_TIME_USE",
                "reference_id": reference_id(payment),
                self.kind.lower(): self.method_parameters(payment, channel),
            },
        }
        answer = xendit_api.create_payment_request(params, idempotency_key(payment))
        row = XenditPayment(
            payment_id=payment.id,
            request_id=answer["id"],
            method=self.id,
            channel=channel,
            status=str(answer.get("status") or "PENDING"),
            **details_of(answer),
        )
        db.session.add(row)
        db.session.flush()
        return PaymentStart(
            redirect_url=absolute_url("xendit.pay", payment_id=payment.id), provider_reference=row.request_id
        )

    def refund(self, payment, amount: int) -> RefundResult:
        row = row_of(payment.id)
        if row is None:
            raise xendit_api.XenditUnavailable()
        key = f"apik-refund-{payment.id}-{payment.refunded_amount}-{amount}"
        params = {
            "payment_request_id": row.request_id,
            "reference_id": key,
            "amount": float(amount),
            "currency": xendit_api.CURRENCY,
            "reason": "CANCELLATION",
            "metadata": {"payment_id": str(payment.id)},
        }
        answer = xendit_api.create_refund(params, key)
        db.session.add(XenditRefund(refund_id=answer["id"], payment_id=payment.id, amount=amount))
        db.session.flush()
        return RefundResult(reference=answer["id"])


def details_of(answer: dict) -> dict:
    """What the pay page shows, from a payment request as Xendit answers it."""
    method = answer.get("payment_method") or {}
    qr = ((method.get("qr_code") or {}).get("channel_properties") or {}).get("qr_string")
    va = ((method.get("virtual_account") or {}).get("channel_properties") or {}).get("virtual_account_number")
    urls = {a.get("url_type"): a.get("url") for a in answer.get("actions") or [] if a.get("url")}
    for action in answer.get("actions") or []:
        qr = qr or action.get("qr_code")
    return {
        "payment_method_id": method.get("id"),
        "qr_string": qr,
        "va_number": va,
        "web_url": urls.get("WEB"),
        "mobile_url": urls.get("DEEPLINK") or urls.get("MOBILE"),
    }


class QrisMethod(XenditMethod):
    id = "qris"
    name = _l("QRIS")
    description = _l(
        "Pindai kode QR dengan aplikasi bank atau dompet digital apa pun (GoPay, OVO, DANA, ShopeePay, "
        "m-banking). GoPay membayar lewat QRIS."
    )
    group = "qris"
    kind = "QR_CODE"
    window_setting = "XENDIT_QRIS_MINUTES"

    def channel_of(self, payment) -> str:
        return "QRIS"

    def method_parameters(self, payment, channel: str) -> dict:
        return {"channel_code": "QRIS", "channel_properties": {"expires_at": payment.expires_at}}


class VirtualAccountMethod(XenditMethod):
    id = "virtual_account"
    name = _l("Virtual account bank")
    description = _l("Transfer ke nomor virtual account dari m-banking, internet banking atau ATM bank pilihan Anda.")
    group = "virtual_account"
    kind = "VIRTUAL_ACCOUNT"
    window_setting = "XENDIT_VA_HOURS"
    window_unit = "hours"

    @property  # type: ignore[override]
    def channels(self) -> tuple[Channel, ...]:
        return tuple(Channel(code, banks.BY_CODE[code].name) for code in setting_list("XENDIT_VA_BANKS", VA_BANKS))

    def refunds_to_bank_account(self, payment) -> bool:
        return True  # Xendit cannot send a virtual account payment back

    def method_parameters(self, payment, channel: str) -> dict:
        return {
            "channel_code": channel,
            "channel_properties": {"customer_name": customer_name(payment), "expires_at": payment.expires_at},
        }


class EWalletMethod(XenditMethod):
    id = "ewallet"
    name = _l("Dompet digital")
    description = _l("Bayar dengan OVO, DANA, ShopeePay atau LinkAja. Untuk GoPay, pilih QRIS.")
    group = "ewallet"
    kind = "EWALLET"
    window_setting = "XENDIT_EWALLET_MINUTES"

    @property  # type: ignore[override]
    def channels(self) -> tuple[Channel, ...]:
        return tuple(Channel(code, EWALLETS[code]) for code in setting_list("XENDIT_EWALLETS", EWALLETS))

    def method_parameters(self, payment, channel: str) -> dict:
        back = absolute_url("xendit.pay", payment_id=payment.id)
        properties = {"success_return_url": back, "failure_return_url": back, "cancel_return_url": back}
        if channel == "OVO":  # OVO asks the shopper in its app, found by phone number
            properties["mobile_number"] = mobile_number(payment)
        return {"channel_code": channel, "channel_properties": properties}


def _first_order(payment):
    from marketplace.orders.models import Order

    return db.session.scalar(select(Order).where(Order.payment_id == payment.id).order_by(Order.id).limit(1))


def customer_name(payment) -> str:
    order = _first_order(payment)
    return (order.ship_name if order else "") or "Pembeli Apik Market"


def mobile_number(payment) -> str:
    """The shipping phone as Xendit wants it (+62...)."""
    order = _first_order(payment)
    digits = "".join(ch for ch in (order.ship_phone if order else "") if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits
