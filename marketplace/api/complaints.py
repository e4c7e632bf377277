"""API endpoints of complaints (komplain): the shopper opens one and replies, the store
answers and confirms the returned goods, the agency decides escalated ones."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import request

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body, page_args, paged
from marketplace.complaints import services as complaints
from marketplace.complaints import steps
from marketplace.errors import NotFound, ValidationError
from marketplace.i18n import gettext as _
from marketplace.inputs import Body
from marketplace.media import limit_uploads
from marketplace.orders import services as orders
from marketplace.urls import absolute_url


def _iso(value):
    return value.isoformat() if value else None


def complaint_json(complaint, number: str) -> dict:
    data = {
        name: getattr(complaint, name)
        for name in (
            "id", "status", "reason", "description", "offer", "offer_amount", "return_needed", "seller_note",
            "agency_note", "return_courier", "return_tracking", "refunded_amount",
        )
    }  # fmt: skip
    data.update(
        order=number,
        due_at=_iso(complaint.due_at),
        created_at=_iso(complaint.created_at),
        closed_at=_iso(complaint.closed_at),
        lines=[_line_json(line) for line in complaint.lines],
        photos=[_photo_url(complaint.id, p.id) for p in complaint.photos],
        events=[_event_json(e) for e in complaint.events],
    )
    return data


def _line_json(line) -> dict:
    return {
        "line_id": line.order_line_id,
        "product": line.product_name,
        "quantity": line.quantity,
        "amount": line.amount,
        "refund_amount": line.refund_amount,
    }


def _event_json(event) -> dict:
    return {
        "at": _iso(event.at),
        "role": event.role,
        "action": event.action,
        "amount": event.amount,
        "note": event.note,
    }


def _photo_url(complaint_id: int, photo_id: int) -> str:
    return absolute_url("complaints.photo", complaint_id=complaint_id, photo_id=photo_id)


def _opening_body() -> Body:
    """JSON, or multipart with ``photos`` files and ``lines`` as JSON text."""
    if not (request.files or request.form):
        return json_body()
    data = Body(request.form.to_dict())
    try:
        data["lines"] = json.loads(data.get("lines") or "null")
    except ValueError:
        raise ValidationError(fields={"lines": _('Harus JSON: [{"line_id", "quantity"}].')}) from None
    return data


# --- the shopper ---------------------------------------------------------------------------------


@bp.post("/orders/<number>/complaints")
@limit_uploads
@auth_required()
def api_open_complaint(number: str):
    """``{"reason", "description", "lines": [{"line_id", "quantity"}]}`` (or multipart with
    ``photos``): 201. 409 not shipped/paid, too late or one open; 422 bad fields; 404 not yours."""
    data = _opening_body()
    data.texts("reason", "description")
    user = current_api_user()
    order = orders.get_for_shopper(user, number)
    with committing():
        complaint = complaints.open_complaint(user, order, data, request.files.getlist("photos"))
        complaint_id = complaint.id
    return complaint_json(complaints.for_shopper(user, complaint_id), number), 201


@bp.get("/orders/<number>/complaints")
@auth_required()
def api_order_complaints(number: str):
    """The order's complaints, newest first, with their timelines."""
    order = orders.get_for_shopper(current_api_user(), number)
    return {"items": [complaint_json(c, number) for c in complaints.for_order(order)]}


def _shopper_step(number: str, complaint_id: int, action):
    user = current_api_user()
    order = orders.get_for_shopper(user, number)
    complaint = complaints.for_shopper(user, complaint_id)
    if complaint.order_id != order.id:
        raise NotFound(_("Komplain tidak ditemukan."))
    with committing():
        action(user, complaint)
    return complaint_json(complaints.for_shopper(user, complaint_id), number)


@bp.post("/orders/<number>/complaints/<int:complaint_id>/accept")
@auth_required()
def api_complaint_accept(number: str, complaint_id: int):
    """Accept the seller's partial offer: refunded (or the goods go back first). 409 no offer."""
    return _shopper_step(number, complaint_id, steps.accept)


@bp.post("/orders/<number>/complaints/<int:complaint_id>/escalate")
@auth_required()
def api_complaint_escalate(number: str, complaint_id: int):
    """Refuse the partial offer (``note`` optional): the agency decides. 409 no offer."""
    data = json_body(optional=True)
    data.texts("note")
    return _shopper_step(number, complaint_id, lambda user, complaint: steps.escalate(user, complaint, data))


@bp.post("/orders/<number>/complaints/<int:complaint_id>/return")
@auth_required()
def api_complaint_return(number: str, complaint_id: int):
    """``{"courier", "tracking_number"}``: the goods were sent back. 409 no return asked."""
    data = json_body()
    data.texts("courier", "tracking_number")
    return _shopper_step(number, complaint_id, lambda user, complaint: steps.ship_return(user, complaint, data))


# --- the store ------------------------------------------------------------------------------------


@bp.get("/seller/complaints")
@auth_required()
def api_seller_complaints():
    """Complaints about the orders of the stores the user works for, open ones first by deadline;
    ``?status=`` one status or ``open``."""
    user = current_api_user()
    page, per_page = page_args(20, 100)
    status = complaints.status_arg(request.args.get("status"))
    items, total = complaints.listing(
        store_ids=orders.seller_store_ids(user), status=status, page=page, per_page=per_page
    )
    return paged([complaint_json(c, n) for c, n in items], total, page, per_page)


@bp.post("/seller/complaints/<int:complaint_id>/response")
@auth_required()
def api_seller_complaint_response(complaint_id: int):
    """``{"decision": "full"|"partial"|"disagree", "amount"?, "return_needed"?, "note"?}``.
    409 already answered or late; 422 bad fields; 404 another store's."""
    return _answered(complaint_id, complaints.for_seller, steps.respond)


@bp.post("/seller/complaints/<int:complaint_id>/return-received")
@auth_required()
def api_seller_complaint_returned(complaint_id: int):
    """The returned goods arrived: the refund is made. 409 nothing on its way back."""
    user = current_api_user()
    complaint = complaints.for_seller(user, complaint_id)
    with committing():
        steps.confirm_return(user, complaint)
    return complaint_json(complaints.for_seller(user, complaint_id), complaints.order_number(complaint))


# --- the agency --------------------------------------------------------------------------------------


@bp.get("/agency/complaints")
@auth_required("agency")
def api_agency_complaints():
    """Every complaint, escalated ones first by age; ``?status=`` (default ``escalated``; ``open``)."""
    page, per_page = page_args(20, 100)
    status = complaints.status_arg(request.args.get("status", "escalated"))
    items, total = complaints.listing(status=status, page=page, per_page=per_page)
    return paged([complaint_json(c, n) for c, n in items], total, page, per_page)


@bp.post("/agency/complaints/<int:complaint_id>/decision")
@auth_required("agency")
def api_agency_complaint_decision(complaint_id: int):
    """``{"decision": "refund"|"reject", "amount"?, "return_needed"?, "note"?}``: 409 unless escalated."""
    return _answered(complaint_id, complaints.for_agency, steps.decide)


def _answered(complaint_id: int, find: Callable, step: Callable):
    """The seller's answer or the agency's decision: the JSON body's decision, note,
    return_needed and amount to ``step``, committed; the complaint as it is now."""
    data = json_body()
    data.texts("decision", "note")
    data.boolean("return_needed")
    data.integer("amount")
    user = current_api_user()
    complaint = find(user, complaint_id)
    with committing():
        step(user, complaint, data)
    return complaint_json(find(user, complaint_id), complaints.order_number(complaint))
