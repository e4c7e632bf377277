"""The invoice (faktur) of an ordinary order, as a PDF made on request.

It is never stored: an ordinary order's invoice follows its payment, so the PDF of today says
"Lunas" where yesterday's said "Belum dibayar", and a refund appears as a line once it is made.
Who may read it is :func:`get_for_reader`: the buyer, the store's people (an agency officer
assisting the store included) and the agency; anyone else gets the same 404 as for an order
that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.agency import assist
from marketplace.clock import now
from marketplace.documents import pdf
from marketplace.documents.terbilang import rupiah_words
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderRefund
from marketplace.stores import services as stores

PAYMENT_STATES = ("paid", "unpaid", "cod", "cancelled", "refunded")


@dataclass(frozen=True)
class PaymentState:
    """What the invoice says of the money: ``code`` one of PAYMENT_STATES, ``paid_at`` when
    it was paid (None: not paid), ``refunds`` the OrderRefund rows, oldest first."""

    code: str
    paid_at: object
    refunds: list

    @property
    def refunded(self) -> int:
        return sum(refund.amount for refund in self.refunds)


def invoice_number(order: Order) -> str:
    return f"INV/{order.number}"


def get_for_reader(user, number: str) -> Order:
    """The order ``user`` may print the invoice of; NotFound for anyone else (the same answer
    as for a number that does not exist, so a guess learns nothing)."""
    try:
        order = orders.get_any(number)
    except NotFound:
        raise NotFound(_("Pesanan tidak ditemukan.")) from None
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Pesanan tidak ditemukan."))
    if order.user_id == user.id or assist.is_officer(user):
        return order
    if order.store is not None and stores.membership(order.store, user) is not None:
        return order
    raise NotFound(_("Pesanan tidak ditemukan."))


def payment_state(order: Order) -> PaymentState:
    """The invoice's payment status: cancelled, refunded, paid (with its date), cash on
    delivery not collected yet, or unpaid; the refunds made so far either way."""
    refunds = list(
        db.session.scalars(select(OrderRefund).where(OrderRefund.order_id == order.id).order_by(OrderRefund.id))
    )
    if order.status == "cancelled":
        code = "cancelled"
    elif order.status == "refunded":
        code = "refunded"
    elif order.paid_at is not None:
        code = "paid"
    elif order.pay_on_delivery:
        code = "cod"
    else:
        code = "unpaid"
    return PaymentState(code, order.paid_at, refunds)


def render(order: Order) -> bytes:
    """The invoice PDF of ``order`` (found by :func:`get_for_reader`, with its store, lines and
    extras loaded): a fixed number of statements whatever its size."""
    buyer = db.session.get(User, order.user_id) if order.user_id else None
    state = payment_state(order)
    return pdf.render_pdf(
        "order_invoice.html",
        order=order,
        store=order.store,
        buyer=buyer,
        lines=order.lines,
        extras=order.extras,
        payment=state,
        number=invoice_number(order),
        amount_words=rupiah_words(order.total),
        made_at=now(),
        verify_url=None,
    )


def filename(order: Order) -> str:
    return f"faktur-{order.number}.pdf"
