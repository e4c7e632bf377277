"""The shopper's complaint pages: open one on an order, reply to an offer, send the goods
back, and the complaint's photos (HTTP only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace import media
from marketplace.accounts.tokens import current_api_user
from marketplace.complaints import services, steps
from marketplace.complaints.forms import OpenForm, ReplyForm, ReturnForm
from marketplace.complaints.models import ACTIONS, REASONS, STATUSES
from marketplace.errors import NotFound, ServiceError, Unauthorized
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.inputs import in_id_range
from marketplace.orders import services as orders

bp = Blueprint("complaints", __name__, template_folder="templates")


@bp.app_template_filter("complaint_status")
def complaint_status(status: str) -> str:
    return str(STATUSES.get(status, status))


@bp.app_template_filter("complaint_action")
def complaint_action(action: str) -> str:
    return str(ACTIONS.get(action, action))


@bp.app_template_filter("complaint_reason")
def complaint_reason(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def _chosen() -> dict[int, str]:
    """The ticked lines (``line``) and their quantities (``quantity_<line id>``)."""
    chosen = {}
    for raw in request.form.getlist("line"):
        if raw.isascii() and raw.isdigit() and in_id_range(int(raw)):
            chosen[int(raw)] = request.form.get(f"quantity_{raw}", "1")
    return chosen


@bp.route("/orders/<number>/complaints/new", methods=["GET", "POST"])
@media.limit_uploads
@login_required
def open_complaint(number: str):
    """The complaint form of a shipped or completed order (its shopper only). :raise 404:"""
    order = orders.get_for_shopper(current_user, number)
    form = OpenForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        data = {"reason": form.reason.data, "description": form.description.data, "lines": _chosen()}
        try:
            services.open_complaint(current_user, order, data, request.files.getlist("photos"))
            db.session.commit()
        except ServiceError as exc:
            status = failed(form, exc)
            order = orders.get_for_shopper(current_user, number)
        else:
            flash(_("Komplain diajukan. Penjual akan menjawabnya."), "success")
            return redirect(url_for("orders.detail", number=number))
    elif request.method == "POST":
        status = 422
    refused = services.refusal(order)
    chosen = _chosen() if request.method == "POST" else {}
    return render_template("complaints/new.html", order=order, form=form, refused=refused, chosen=chosen), status


def _step(complaint_id: int, form_class, action, success: str):
    """Do ``action`` and go back to the order page, with the outcome (or what was wrong) flashed."""
    complaint = services.for_shopper(current_user, complaint_id)
    number = services.order_number(complaint)
    form = form_class()
    form.validate_on_submit()  # CSRF is checked for every POST before the view
    data = {key: getattr(form, key).data for key in ("note", "courier", "tracking_number") if hasattr(form, key)}
    try:
        action(current_user, complaint, data)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        messages = list(exc.fields.values()) if exc.fields else [exc.message]
        flash(" ".join(str(m) for m in messages), "error")
        return redirect(url_for("orders.detail", number=number, _anchor=f"complaint-{complaint_id}"))
    flash(success, "success")
    return redirect(url_for("orders.detail", number=number, _anchor=f"complaint-{complaint_id}"))


@bp.post("/complaints/<int:complaint_id>/accept")
@login_required
def accept(complaint_id: int):
    """The shopper accepts the seller's partial offer."""
    return _step(complaint_id, ReplyForm, lambda user, c, _data: steps.accept(user, c), _("Tawaran diterima."))


@bp.post("/complaints/<int:complaint_id>/escalate")
@login_required
def escalate(complaint_id: int):
    """The shopper refuses the offer: the agency decides."""
    return _step(complaint_id, ReplyForm, steps.escalate, _("Komplain diteruskan ke Dinas."))


@bp.post("/complaints/<int:complaint_id>/return")
@login_required
def ship_return(complaint_id: int):
    """The shopper sent the goods back (courier and tracking number)."""
    return _step(complaint_id, ReturnForm, steps.ship_return, _("Nomor resi pengiriman kembali dicatat."))


@bp.get("/complaints/<int:complaint_id>/photos/<int:photo_id>")
def photo(complaint_id: int, photo_id: int):
    """A complaint's photo (``?size=200|400|800``) for its shopper, the store's people and officers,
    signed in or with an API token. :raise 401: :raise 404:"""
    user = current_user if current_user.is_authenticated else current_api_user()
    if user is None:
        raise Unauthorized()
    complaint = services.visible(user, complaint_id)
    found = next((p for p in complaint.photos if p.id == photo_id), None)
    if found is None:
        raise NotFound(_("Foto tidak ditemukan."))
    return media.send_private(found.path, request.args.get("size", type=int))
