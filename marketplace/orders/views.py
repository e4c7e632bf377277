"""The shopper's orders: list, detail, cancel, confirm receipt (HTTP only)."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from marketplace.checkout import resume
from marketplace.complaints import services as complaints
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg
from marketplace.orders import clock, services, status_names
from marketplace.orders.forms import CancelForm, ConfirmForm
from marketplace.orders.lifecycle import allowed_moves, transition
from marketplace.payments import bank_refunds
from marketplace.payments import services as payments
from marketplace.payments.forms import account_form
from marketplace.shipping import couriers, tracking

log = logging.getLogger(__name__)
bp = Blueprint("orders", __name__, template_folder="templates")
PER_PAGE = 20


@bp.app_template_filter("order_status")
def order_status(value, order=None, seller: bool = False) -> str:
    """The name of an order's status (``value`` an Order), or of a step of ``order``'s history
    (``value`` a status code); a bare code without its order gets the code's plain name."""
    if isinstance(value, str) and order is None:
        return status_names.label(value)
    if isinstance(value, str):
        return status_names.order_label(order, seller=seller, status=value)
    return status_names.order_label(value, seller=seller)


@bp.app_template_filter("shipment_status")
def shipment_status(status: str) -> str:
    return str(tracking.STATUS_LABELS.get(status, status))


@bp.app_template_filter("courier_name")
def courier_name(code: str | None) -> str:
    return couriers.name_of(code)


@bp.app_template_filter("payment_method_name")
def payment_method_name(method_id: str | None) -> str:
    return payments.method_name(method_id)


@bp.app_template_filter("tracking_url")
def tracking_url(order) -> str | None:
    """The courier's public tracking page of ``order``'s waybill (None without one)."""
    return couriers.tracking_link(order.courier, order.tracking_number)


def _expire_mine() -> None:
    services.expire_and_commit(user_id=current_user.id)


@bp.get("/orders")
@login_required
def index():
    """The shopper's orders, newest first."""
    _expire_mine()
    page = page_arg()
    orders, total = services.shopper_orders(current_user, page, PER_PAGE)
    return render_template(
        "orders/index.html",
        orders=orders,
        total=total,
        page=page,
        per_page=PER_PAGE,
        paying=resume.continue_paying(orders),
    )


def _detail_page(order, status: int = 200, cancel_form: CancelForm | None = None):
    from marketplace.reviews import services as reviews
    from marketplace.reviews.forms import ReviewForm

    moves = allowed_moves(order, current_user)
    reviewed = reviews.reviewed_line_ids(order)
    refused = complaints.refusal(order)
    owed = bank_refunds.of_order(order.id)
    return render_template(
        "orders/detail.html",
        order=order,
        history=services.history(order),
        deadlines=clock.deadlines(order),
        paying=resume.continue_paying([order]).get(order.id),
        moves=moves,
        cancel_form=cancel_form or CancelForm(),
        confirm_form=ConfirmForm(),
        review_form=ReviewForm(),
        reviewed=reviewed,
        can_review=reviews.can_review(order, current_user),
        complaints=complaints.for_order(order),
        tracking=tracking.timeline(order),
        can_complain=refused is None,
        complaint_until=complaints.complaint_until(order) if refused is None else None,
        bank_refunds=owed,
        bank_refund_forms={row.id: account_form(row, back="order") for row in owed if row.status != "sent"},
        bank_refund_labels=bank_refunds.STATUS_LABELS,
        thumbs=services.line_thumbs(order),
    ), status


@bp.get("/orders/<number>")
@login_required
def detail(number: str):
    """One of the shopper's orders; 404 for anyone else's."""
    _expire_mine()
    return _detail_page(services.get_for_shopper(current_user, number))


def _move(number: str, to_status: str, form, success: str, **details):
    order = services.get_for_shopper(current_user, number)
    if not form.validate_on_submit():
        return _detail_page(order, 422)
    try:
        transition(order, to_status, current_user, **details)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _detail_page(services.get_for_shopper(current_user, number), exc.status)
    flash(success, "success")
    return redirect(url_for("orders.detail", number=order.number))


@bp.post("/orders/<number>/cancel")
@login_required
def cancel(number: str):
    """Cancel before shipping (stock goes back; a paid order is refunded); 409 once shipped."""
    form = CancelForm()
    return _move(number, "cancelled", form, _("Pesanan dibatalkan."), reason=form.reason.data)


@bp.post("/orders/<number>/complete")
@login_required
def complete(number: str):
    """The shopper confirms the order arrived; 409 unless it was shipped."""
    return _move(number, "completed", ConfirmForm(), _("Terima kasih! Pesanan selesai. Beri ulasan, yuk."))
