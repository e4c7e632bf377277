"""The agency console's complaints: the queue of escalated complaints and the decision
(HTTP only; registered on the agency blueprint, officers and admins only)."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.agency import bp
from marketplace.complaints import answering, services, steps
from marketplace.complaints.forms import DecisionForm
from marketplace.complaints.models import STATUSES
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg

PER_PAGE = 30


@bp.get("/complaints")
def complaints_queue():
    """Complaints for the agency, escalated ones by default (``?status=``, ``open``, ``all``)."""
    raw = request.args.get("status", "escalated")
    try:
        status = None if raw == "all" else services.status_arg(raw)
    except ValidationError:
        status = "escalated"
    page = page_arg()
    items, total = services.listing(status=status, page=page, per_page=PER_PAGE)
    return render_template(
        "complaints/agency_queue.html",
        items=items, total=total, page=page, per_page=PER_PAGE, status=status or "all", statuses=STATUSES,
    )  # fmt: skip


def _page(complaint, form: DecisionForm | None = None, status: int = 200):
    order = services.order_of(complaint)
    return render_template(
        "complaints/agency_detail.html", complaint=complaint, order=order, form=form or DecisionForm()
    ), status


@bp.get("/complaints/<int:complaint_id>")
def complaint_detail(complaint_id: int):
    """One complaint, its order, photos and timeline, and the decision form when escalated."""
    return _page(services.for_agency(current_user, complaint_id))


@bp.post("/complaints/<int:complaint_id>/decision")
def complaint_decision(complaint_id: int):
    """Refund (an amount, or all that was claimed; optionally the goods back first) or reject."""
    complaint = services.for_agency(current_user, complaint_id)
    again = answering.submit(
        DecisionForm(), complaint, steps.decide, _page, partial(services.for_agency, current_user, complaint_id)
    )
    if again is not None:
        return again
    flash(_("Keputusan komplain #%(id)d disimpan.", id=complaint_id), "success")
    return redirect(url_for("agency.complaint_detail", complaint_id=complaint_id))
