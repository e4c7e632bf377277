"""Payment rules: the methods plugins offer, and the money of a payment.

A Payment's ``amount`` is fixed at checkout. Each order's share is then
captured (the money came in), voided (the order was cancelled unpaid) or,
once captured, refunded. Every change locks the payment row and is checked by
the database's CHECK constraints, so concurrent orders of one payment cannot
lose an update. Provider confirmations are accepted only when amount and
currency match, and applying the same confirmation twice changes nothing.

Calls into payment plugins fail loudly: a plugin's exception becomes
PaymentUnavailable (503) and the caller rolls the whole transaction back.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from marketplace import plugin_api, rows
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.payments import bank_refunds
from marketplace.payments.bank_refund_models import BankRefund
from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.payments.models import Payment

log = logging.getLogger(__name__)
CURRENCY = "IDR"


class PaymentUnavailable(ServiceError):
    """A payment plugin failed; nothing was written."""

    status = 503
    code = "payment_unavailable"

    def default_message(self) -> str:
        return _(
            "Layanan pembayaran sedang bermasalah. Tidak ada yang dicatat; coba lagi sebentar lagi "
            "atau pilih metode pembayaran lain."
        )


class NoPaymentMethod(Conflict):
    code = "no_payment_method"

    def default_message(self) -> str:
        return _(
            "Belum ada metode pembayaran yang tersedia, jadi pesanan belum bisa dibuat. Keranjang Anda tetap tersimpan."
        )


# --- methods ---------------------------------------------------------------------------


def available_methods() -> list[PaymentMethod]:
    """The methods the enabled plugins offer, first one per id; PaymentUnavailable when a plugin fails."""
    try:
        offered = plugin_api.gather("payment_methods", loud=True)
    except plugin_api.PluginFailure as exc:
        raise PaymentUnavailable() from exc
    methods: dict[str, PaymentMethod] = {}
    for method in offered:
        methods.setdefault(method.id, method)
    return list(methods.values())


def method_name(method_id: str | None) -> str:
    """What the shopper calls the method ``method_id`` ("QRIS", "Transfer bank"): its enabled
    method's name; the id itself when that method is off now or its plugin fails."""
    try:
        methods = available_methods()
    except PaymentUnavailable:
        methods = []
    return next((str(m.name) for m in methods if m.id == method_id), method_id or "")


def last_choice(user_id: int) -> tuple[str, str | None] | None:
    """(method id, channel id) of the user's most recent payment: what their next checkout offers
    first; None before their first."""
    row = db.session.execute(
        select(Payment.method, Payment.channel).where(Payment.user_id == user_id).order_by(Payment.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def method_for(method_id: str | None, field: str = "payment_method") -> PaymentMethod:
    """The enabled method ``method_id``; NoPaymentMethod when none is enabled, ValidationError when unknown."""
    methods = {m.id: m for m in available_methods()}
    if not methods:
        raise NoPaymentMethod()
    if not method_id or method_id not in methods:
        message = _("Pilih metode pembayaran yang tersedia.")
        raise ValidationError(message, fields={field: message})
    return methods[method_id]


def channel_for(method: PaymentMethod, channel_id: str | None, field: str = "payment_channel") -> str | None:
    """The id of the ``method``'s channel the shopper picked (None for a method without channels).
    ValidationError when a method with channels gets none or one it does not offer, and when a
    method without channels gets one (a stale choice must not be stored as if it meant something)."""
    offered = {channel.id: channel for channel in method.channels}
    if not offered:
        if channel_id:
            message = _("%(method)s tidak memakai pilihan bank atau dompet digital.", method=str(method.name))
            raise ValidationError(message, fields={field: message})
        return None
    if not channel_id or channel_id not in offered:
        message = _(
            "Pilih salah satu untuk %(method)s: %(choices)s.",
            method=str(method.name),
            choices=", ".join(str(channel.name) for channel in offered.values()),
        )
        raise ValidationError(message, fields={field: message})
    return channel_id


def _method_of(payment: Payment) -> PaymentMethod:
    for method in available_methods():
        if method.id == payment.method:
            return method
    log.error("payment %s: method %s is not enabled", payment.id, payment.method)
    raise PaymentUnavailable(
        _("Metode pembayaran pesanan ini (%(m)s) sedang tidak aktif; hubungi pengelola pasar.", m=payment.method)
    )


# --- creating and starting ---------------------------------------------------------------


def create_payment(
    *, checkout_id: int, user_id: int, method: PaymentMethod, amount: int, channel: str | None = None
) -> Payment:
    """The pending payment of a checkout; ``channel`` (checked by :func:`channel_for`) is stored
    here, so the method's ``start`` reads it from ``payment.channel``."""
    if amount < 0:
        raise ValueError("negative amount")
    window = method.reservation_window
    return rows.insert_returning(
        Payment,
        [
            dict(
                checkout_id=checkout_id,
                user_id=user_id,
                method=method.id,
                channel=channel,
                provider=method.provider or method.id,
                currency=CURRENCY,
                amount=amount,
                expires_at=now() + window if window else None,
            )
        ],
    )[0]


def start_payment(payment: Payment, method: PaymentMethod) -> PaymentStart:
    """Ask the method how the shopper pays (a redirect or instructions)."""
    answer = _plugin_call(method, "start", payment)
    if not isinstance(answer, PaymentStart):
        log.error("payment method %s answered start() with %r", method.id, answer)
        raise PaymentUnavailable()
    if answer.provider_reference:
        payment.provider_reference = answer.provider_reference
    return answer


def _plugin_call(method: PaymentMethod, name: str, *args):
    try:
        return getattr(method, name)(*args)
    except ServiceError:
        raise
    except Exception as exc:
        log.exception("payment method %s failed in %s", method.id, name)
        raise PaymentUnavailable() from exc


# --- money in, money out ------------------------------------------------------------------


def locked(payment_id: int) -> Payment:
    """The payment, fresh from the database and locked for this transaction. An UPDATE first: it
    takes SQLite's write lock (where SELECT ... FOR UPDATE locks nothing), so two transactions
    cannot both read the same sums and write over each other; PostgreSQL locks the row."""
    db.session.execute(
        update(Payment)
        .where(Payment.id == payment_id)
        .values(updated_at=Payment.updated_at)
        .execution_options(synchronize_session=False)
    )
    payment = db.session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    )
    if payment is None:
        raise NotFound(_("Pembayaran tidak ditemukan."))
    return payment


def _settle_status(payment: Payment) -> None:
    if payment.refunded_amount and payment.refunded_amount == payment.captured_amount:
        payment.status = "refunded"
    elif payment.refunded_amount:
        payment.status = "partially_refunded"
    elif payment.amount_due == 0:
        payment.status = "paid" if payment.captured_amount else "cancelled"
    else:
        payment.status = "pending"
    if payment.captured_amount and payment.paid_at is None:
        payment.paid_at = now()


def capture(payment_id: int, amount: int) -> Payment:
    """Record ``amount`` as received (cash handed over, or a confirmed transfer)."""
    payment = locked(payment_id)
    if amount <= 0 or amount > payment.amount_due:
        raise Conflict(_("Jumlah pembayaran tidak cocok dengan tagihan."))
    payment.captured_amount += amount
    _settle_status(payment)
    db.session.flush()
    return payment


def void(payment_id: int, amount: int) -> Payment:
    """An unpaid order of this payment was cancelled: its share is no longer due."""
    payment = locked(payment_id)
    if amount < 0 or amount > payment.amount_due:
        raise Conflict(_("Jumlah pembatalan melebihi tagihan."))
    payment.voided_amount += amount
    _settle_status(payment)
    db.session.flush()
    return payment


def refund(payment_id: int, amount: int, *, order_id: int | None = None, reason: str = "") -> RefundResult:
    """Give back ``amount`` of what was captured, through the payment's method (loud on failure).
    A method whose money cannot go back the way it came (``refunds_to_bank_account``) is not
    called: the refund is owed to the shopper's bank account (``order_id``: the order it is for)."""
    payment = _refundable(payment_id, amount)
    method = _method_of(payment)
    if _plugin_call(method, "refunds_to_bank_account", payment):
        before = payment.refunded_amount
        owed = bank_refunds.owe(
            payment, amount, key=f"refund:{payment.id}:{before}", order_id=order_id, reason=reason or "refund"
        )
        _add_refund(payment, amount)
        return RefundResult(reference=f"bank-refund-{owed.id}", note=_("Dana dikembalikan ke rekening bank pembeli."))
    result = _plugin_call(method, "refund", payment, amount)
    if not isinstance(result, RefundResult):
        log.error("payment method %s answered refund() with %r", payment.method, result)
        raise PaymentUnavailable()
    _add_refund(payment, amount)
    return result


def record_external_refund(payment_id: int, amount: int) -> Payment:
    """A refund made at the provider directly (e.g. on the Stripe dashboard): record it, no plugin call."""
    payment = _refundable(payment_id, amount)
    _add_refund(payment, amount)
    return payment


def refund_failed(
    payment_id: int, amount: int, reference: str, reason: str, *, order_id: int | None = None
) -> BankRefund:
    """A refund the provider accepted earlier failed later (its ``reference``): the payment keeps
    counting the money as refunded, and the marketplace owes it to the shopper's bank account
    instead. Once per reference: asking again returns the first row."""
    payment = locked(payment_id)
    reference = (reference or "").strip()
    if not reference:
        raise ValueError("a failed refund needs the provider's reference")
    if amount <= 0 or amount > payment.refunded_amount:
        raise Conflict(_("Jumlah pengembalian dana melebihi yang sudah dikembalikan."))
    log.warning("payment %s: refund %s of Rp %s failed at the provider: owed by bank", payment.id, reference, amount)
    return bank_refunds.owe(
        payment, amount, key=f"failed:{payment.id}:{reference}", order_id=order_id, reason=reason or "refund failed"
    )


def _refundable(payment_id: int, amount: int) -> Payment:
    """The locked payment, when ``amount`` fits in what was captured and not yet refunded."""
    payment = locked(payment_id)
    if amount <= 0 or payment.refunded_amount + amount > payment.captured_amount:
        raise Conflict(_("Jumlah pengembalian dana melebihi yang sudah dibayar."))
    return payment


def _add_refund(payment: Payment, amount: int) -> None:
    payment.refunded_amount += amount
    _settle_status(payment)
    db.session.flush()


def accept(payment_id: int, amount: int, currency: str, provider_reference: str | None = None) -> int | None:
    """A provider says the payment's money arrived: record it. Accepted only when amount and
    currency match; None when it was already applied (nothing changes), else the late share.

    One mismatch is expected and accepted: the shopper paid the whole amount the provider was
    asked for, but some or all of the payment's orders were cancelled in the meantime (the
    reservation expired, or someone cancelled, before the money arrived). That share was paid
    after all: it is un-voided and captured, and returned as the late share (0 when none) for
    the caller to settle order by order: an order that goes on keeps it, the others refund it."""
    payment = locked(payment_id)
    if payment.captured_amount and payment.amount_due == 0:  # applied before (refunds may have followed)
        if provider_reference and payment.provider_reference not in (None, provider_reference):
            raise Conflict(_("Pembayaran ini sudah dikonfirmasi dengan referensi lain."))
        return None
    paid_after_cancellation = payment.status == "cancelled" and payment.captured_amount == 0
    if payment.status != "pending" and not paid_after_cancellation:
        raise Conflict(_("Pembayaran berstatus %(s)s tidak bisa dikonfirmasi.", s=payment.status))
    cancelled_share = payment.voided_amount if amount == payment.amount_due + payment.voided_amount else 0
    if (currency or "").upper() != payment.currency or amount != payment.amount_due + cancelled_share:
        raise Conflict(
            _("Jumlah atau mata uang pembayaran tidak cocok dengan tagihan."),
            fields={"amount": str(payment.amount_due)},
        )
    if provider_reference:
        payment.provider_reference = provider_reference
    payment.voided_amount -= cancelled_share
    payment.captured_amount += amount
    _settle_status(payment)
    db.session.flush()
    if cancelled_share:
        log.warning("payment %s paid in full after Rp %s of its orders was cancelled", payment.id, cancelled_share)
    return cancelled_share


def confirm(payment_id: int, amount: int, currency: str, provider_reference: str | None = None) -> bool:
    """:func:`accept`, with the late share given back at once as one refund of the payment; True
    when applied now, False when it already was. The orders' path (``orders.services.apply_payment``)
    settles the late share order by order instead, reviving the orders that can go on."""
    late_share = accept(payment_id, amount, currency, provider_reference)
    if late_share is None:
        return False
    if late_share:
        refund(payment_id, late_share, reason="late payment")
    return True


def get_payment(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("Pembayaran tidak ditemukan."))
    return payment


def payment_json(payment: Payment, start: PaymentStart | None = None) -> dict:
    data = {
        "id": payment.id,
        "method": payment.method,
        "channel": payment.channel,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "amount_due": payment.amount_due,
        "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
    }
    if start is not None:
        if start.redirect_url:
            data["redirect_url"] = start.redirect_url
        if start.instructions:
            data["instructions"] = start.instructions
    return data
