"""The store's complaint pages: the list, one complaint with the answer form, and the
returned goods' receipt (HTTP only)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.complaints import answering, services, steps
from marketplace.complaints.forms import AnswerForm, ReplyForm
from marketplace.complaints.models import STATUSES
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg
from marketplace.orders import services as orders

bp = Blueprint("seller_complaints", __name__, url_prefix="/seller/complaints", template_folder="templates")
PER_PAGE = 30


@bp.get("/")
@login_required
def queue():
    """Complaints about the orders of the stores the user works for; ``?status=`` (or ``open``)."""
    try:
        status = services.status_arg(request.args.get("status"))
    except ValidationError:
        status = None
    page = page_arg()
    items, total = services.listing(
        store_ids=orders.seller_store_ids(current_user), status=status, page=page, per_page=PER_PAGE
    )
    return render_template(
        "complaints/seller_queue.html",
        items=items, total=total, page=page, per_page=PER_PAGE, status=status, statuses=STATUSES,
    )  # fmt: skip


def _page(complaint, form: AnswerForm | None = None, status: int = 200):
    order = services.order_of(complaint)
    return render_template(
        "complaints/seller_detail.html",
        complaint=complaint, order=order, form=form or AnswerForm(), reply_form=ReplyForm(),
    ), status  # fmt: skip


@bp.get("/<int:complaint_id>")
@login_required
def detail(complaint_id: int):
    """One complaint about an order of the user's store; 404 for another store's."""
    return _page(services.for_seller(current_user, complaint_id))


@bp.post("/<int:complaint_id>/response")
@login_required
def respond(complaint_id: int):
    """Full refund, partial refund (amount) or disagree (reason); optionally the goods back first."""
    complaint = services.for_seller(current_user, complaint_id)
    again = answering.submit(
        AnswerForm(), complaint, steps.respond, _page, partial(services.for_seller, current_user, complaint_id)
    )
    if again is not None:
        return again
    flash(_("Jawaban dikirim ke pembeli."), "success")
    return redirect(url_for("seller_complaints.detail", complaint_id=complaint_id))


@bp.post("/<int:complaint_id>/return-received")
@login_required
def return_received(complaint_id: int):
    """The returned goods arrived: the refund is made."""
    complaint = services.for_seller(current_user, complaint_id)
    form = ReplyForm()
    form.validate_on_submit()
    try:
        steps.confirm_return(current_user, complaint)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("seller_complaints.detail", complaint_id=complaint_id))
    flash(_("Barang diterima kembali; dana dikembalikan ke pembeli."), "success")
    return redirect(url_for("seller_complaints.detail", complaint_id=complaint_id))
