"""What an order's status is called, for the shopper and for the seller.

The status codes (``pending_payment``, ``processing``...) are the state machine's and the API's;
a person reads what the order waits for, which also depends on how it is paid: a cash-on-delivery
order sits in ``pending_payment`` while it is prepared and shipped, and telling its shopper
"Menunggu pembayaran" sends them looking for a way to pay that does not exist. :func:`label` is
the one place that decides the name; the pages, the mails and the seller's queue call it.
``STATUS_LABELS`` in models.py stays the bare name of a code (audit log, transition errors)."""

from __future__ import annotations

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l

from marketplace.orders.models import STATUS_LABELS
from marketplace.payments import groups
from marketplace.payments import services as payments

# (status, how it is paid) -> (shopper's name, seller's name); "cod", a group id of
# marketplace.payments.groups, or "" for any way of paying. The first match wins.
_WAITING = {
    "transfer": (_l("Menunggu transfer bank Anda"), _l("Menunggu transfer pembeli")),
    "qris": (_l("Menunggu pembayaran QRIS"), _l("Menunggu pembayaran pembeli")),
    "virtual_account": (_l("Menunggu pembayaran virtual account"), _l("Menunggu pembayaran pembeli")),
    "ewallet": (_l("Menunggu pembayaran e-wallet"), _l("Menunggu pembayaran pembeli")),
    "card": (_l("Menunggu pembayaran kartu"), _l("Menunggu pembayaran pembeli")),
    "": (_l("Menunggu pembayaran"), _l("Menunggu pembayaran pembeli")),
}
_NAMES = {
    ("pending_payment", "cod"): (_l("Diproses — bayar saat barang tiba"), _l("Pesanan baru (COD) — perlu diterima")),
    ("paid", ""): (_l("Dibayar — menunggu penjual"), _l("Dibayar — perlu diterima")),
    ("processing", "cod"): (_l("Dikemas penjual — bayar saat barang tiba"), _l("Perlu dikirim (COD)")),
    ("processing", ""): (_l("Dikemas penjual"), _l("Perlu dikirim")),
    ("shipped", "cod"): (_l("Dikirim — siapkan uang tunai"), _l("Dikirim — pembeli bayar tunai ke kurir")),
    ("shipped", ""): (_l("Dikirim"), _l("Dikirim — menunggu pembeli")),
    ("delivered", "cod"): (_l("Tiba — konfirmasi setelah membayar kurir"), _l("Tiba — menunggu konfirmasi pembeli")),
    ("delivered", ""): (_l("Tiba — mohon konfirmasi penerimaan"), _l("Tiba — menunggu konfirmasi pembeli")),
    ("completed", ""): (_l("Selesai"), _l("Selesai")),
    ("expired", ""): (_l("Dibatalkan — waktu pembayaran habis"), _l("Batal — tidak dibayar")),
    ("cancelled", ""): (_l("Dibatalkan"), _l("Dibatalkan")),
    ("refunded", ""): (_l("Dana dikembalikan"), _l("Dana dikembalikan ke pembeli")),
}
# the seller's queue filters by code; these say what each code holds for the seller
SELLER_FILTERS = {
    "pending_payment": _l("Baru / belum dibayar"),
    "paid": _l("Perlu diterima"),
    "processing": _l("Perlu dikirim"),
    "shipped": _l("Dikirim"),
    "completed": _l("Selesai"),
    "cancelled": _l("Dibatalkan"),
    "refunded": _l("Dana dikembalikan"),
}
EXPIRED_REASON = "expired"  # the cancel reason of an order whose payment window ran out (lifecycle.py)


def payment_kind(method_id: str | None, pay_on_delivery: bool) -> str:
    """ "cod", or the checkout group of the method (an id of marketplace.payments.groups); "other"
    when the method is switched off now."""
    if pay_on_delivery:
        return "cod"
    known = _methods()
    method = known.get(method_id or "")
    return groups.group_of(method) if method is not None else "other"


def _methods() -> dict:
    """The enabled payment methods by id, read once per request (plugins answer from memory)."""
    if has_app_context() and "payment_methods_by_id" in g:
        return g.payment_methods_by_id
    try:
        found = {m.id: m for m in payments.available_methods()}
    except payments.PaymentUnavailable:
        found = {}
    if has_app_context():
        g.payment_methods_by_id = found
    return found


def label(status: str, kind: str = "other", *, seller: bool = False, stage: str | None = None) -> str:
    """The name of ``status`` for an order paid the ``kind`` way (see :func:`payment_kind`);
    ``stage`` refines it: "delivered" (shipped and reported at the door) or "expired" (cancelled
    because nobody paid). An unknown status is named by its code."""
    return str(_name(status, kind, seller, stage))


def _name(status: str, kind: str, seller: bool, stage: str | None):
    """The lazy name (translated when read: a mail is written in its reader's language)."""
    who = 1 if seller else 0
    if status == "pending_payment" and kind != "cod":
        return _WAITING.get(kind, _WAITING[""])[who]
    key = stage if stage in ("delivered", "expired") else status
    for wanted in ((key, kind), (key, "")):
        if wanted in _NAMES:
            return _NAMES[wanted][who]
    return STATUS_LABELS.get(status, status)


def order_label(order, *, seller: bool = False, status: str | None = None) -> str:
    """The name of ``order``'s status now (or of ``status``, a step of its history)."""
    return str(lazy_order_label(order, seller=seller, status=status))


def lazy_order_label(order, *, seller: bool = False, status: str | None = None):
    """:func:`order_label`, translated only when read (for a mail's subject)."""
    kind = payment_kind(order.payment_method, bool(order.pay_on_delivery))
    if status is not None:
        return _name(status, kind, seller, None)
    return _name(order.status, kind, seller, _stage(order))


def _stage(order) -> str | None:
    if order.status == "shipped" and order.delivered_at is not None:
        return "delivered"
    if order.status == "cancelled" and order.cancel_reason == EXPIRED_REASON:
        return "expired"
    return None


def waits_for_payment(name: str) -> bool:
    """Whether a name tells the shopper to pay now (what a cash-on-delivery order must never show)."""
    waiting = {str(pair[0]) for pair in _WAITING.values()}
    return name in waiting
