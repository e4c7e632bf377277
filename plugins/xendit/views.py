"""The pay page of a Xendit payment and the small status answer it polls.

``GET /payments/xendit/<payment id>``: the QR (drawn here from Xendit's QR string with
segno), the virtual account number and how to pay it from the bank, or the e-wallet's link;
amount and deadline. ``GET /payments/xendit/<payment id>/status``: ``{"status", "paid",
"orders_url"}`` for the page's script. Both for the shopper who owns the payment only (404
for anyone else, as if it did not exist).
"""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.i18n import rupiah
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from plugins.xendit import guides
from plugins.xendit.methods import EWALLETS, row_of
from plugins.xendit.models import XenditPayment

bp = Blueprint(
    "xendit",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/xendit/static",
)


def _own(payment_id: int) -> tuple[Payment, XenditPayment]:
    payment = db.session.get(Payment, payment_id)
    if payment is None or current_user.id is None or payment.user_id != current_user.id:
        abort(404)
    row = row_of(payment.id)
    if row is None:
        abort(404)
    return payment, row


def state_of(payment: Payment, row: XenditPayment) -> str:
    """What the shopper is told: paid, expired, cancelled (orders cancelled otherwise) or waiting."""
    if payment.captured_amount:
        return "paid"
    expired = row.status == "EXPIRED" or (payment.expires_at is not None and payment.expires_at <= now())
    if expired:
        return "expired"
    return "cancelled" if payment.status == "cancelled" else "pending"


@bp.get("/payments/xendit/<int:payment_id>")
@login_required
def pay(payment_id: int):
    """The page the shopper pays on; 404 for another's payment."""
    payment, row = _own(payment_id)
    placed = db.session.scalars(select(Order).where(Order.payment_id == payment.id).order_by(Order.id)).all()
    qr_svg = segno.make(row.qr_string, error="m").svg_inline(omitsize=True, border=2) if row.qr_string else None
    return render_template(
        "xendit/pay.html",
        payment=payment,
        row=row,
        orders=placed,
        state=state_of(payment, row),
        qr_svg=qr_svg,
        wallet=EWALLETS.get(row.channel, row.channel),
        steps=guides.steps(row.channel, row.va_number or "", rupiah(payment.amount)) if row.va_number else [],
    )


@bp.get("/payments/xendit/<int:payment_id>/status")
@login_required
def status(payment_id: int):
    """``{"status": "pending"|"paid"|"expired"|"cancelled", "orders_url"}``; 404 for another's payment."""
    payment, row = _own(payment_id)
    state = state_of(payment, row)
    return jsonify({"status": state, "paid": state == "paid", "orders_url": url_for("orders.index")})


@bp.get("/payments/xendit/<int:payment_id>/qris.svg")
@login_required
def qr_image(payment_id: int):
    """The QRIS code as an SVG file to save; 404 for another's payment or another method."""
    payment, row = _own(payment_id)
    if not row.qr_string:
        abort(404)
    buffer = io.BytesIO()
    segno.make(row.qr_string, error="m").save(buffer, kind="svg", scale=8, border=2)
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
