"""API endpoints of government buying (/api/v1/gov/...): an office's purchases and their store
orders, each step of an order's life, its documents as PDFs, and the agency's list of offices.

The steps are the services' (marketplace/gov/flow.py); the state machine decides who may take
which (marketplace/gov/machine.py). Reading is scoped (marketplace/gov/queries.py and
api_reads.py): a number the caller may not see is a 404, never a 403. A step finds the order
before it reads the body, so a caller who may not see the order learns nothing from a 422.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import make_response, request

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body, page_args, paged
from marketplace.api.gov_json import order_json, order_summary_json, purchase_json
from marketplace.errors import ValidationError
from marketplace.gov import api_reads, flow, machine, officials, queries
from marketplace.gov.models import GOV_ORDER_STATUSES
from marketplace.i18n import gettext as _
from marketplace.inputs import INTEGER_MAX, Body, parse_date, record_id, whole_number

MAX_DAYS = 365  # a lead time longer than a year is a typo (the services refuse it too)
MAX_RUPIAH = 10**15  # far above any direct purchase; BIGINT columns hold more


# --- reading ------------------------------------------------------------------------------------------


def _status_arg() -> str | None:
    status = request.args.get("status") or None
    if status is not None and status not in GOV_ORDER_STATUSES:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    return status


@bp.get("/gov/orders")
@auth_required()
def gov_orders():
    """The caller's government orders, newest first: an official its office's, a store's people
    their stores', the agency all; ``?status=`` one status. 403 for anyone else."""
    status = _status_arg()
    page, per_page = page_args(20, 100)
    items, total = api_reads.orders_page(current_api_user(), status=status, page=page, per_page=per_page)
    slugs = api_reads.store_slugs(order.store_id for order in items)
    return paged([order_summary_json(order, slugs) for order in items], total, page, per_page)


@bp.get("/gov/orders/<number>")
@auth_required()
def gov_order(number: str):
    """One order with its lines, documents, history, open quote and the caller's next steps."""
    user = current_api_user()
    return order_json(queries.order_for(user, number), user)


@bp.get("/gov/purchases")
@auth_required()
def gov_purchases():
    """The office's purchases (the agency: all), newest first, each with its store orders."""
    page, per_page = page_args(20, 100)
    items, total = api_reads.purchases_page(current_api_user(), page=page, per_page=per_page)
    slugs = api_reads.store_slugs(order.store_id for purchase in items for order in purchase.orders)
    return paged([purchase_json(purchase, slugs) for purchase in items], total, page, per_page)


@bp.get("/gov/purchases/<number>")
@auth_required()
def gov_purchase(number: str):
    """One purchase with its store orders (officials of its office, the agency)."""
    purchase = queries.purchase_for(current_api_user(), number)
    return purchase_json(purchase, api_reads.store_slugs(order.store_id for order in purchase.orders))


@bp.get("/gov/documents/<int:document_id>")
@auth_required()
def gov_document(document_id: int):
    """A document's PDF, as stored (its SHA-256 checked), for its order's readers."""
    document = queries.document_for(current_api_user(), record_id(document_id))
    response = make_response(flow.document_pdf(document))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{document.number.replace("/", "-")}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/gov/offices")
@auth_required("agency")
def gov_offices():
    """Every office with the number of its active officials (the agency)."""
    page, per_page = page_args(20, 100)
    items, total = api_reads.offices_page(page=page, per_page=per_page)
    return paged(
        [
            {
                "code": office.code,
                "name": office.name,
                "npwp": office.npwp,
                "address": office.address,
                "city": office.city,
                "active": office.active,
                "officials": count,
            }
            for office, count in items
        ],
        total,
        page,
        per_page,
    )


# --- submitting ------------------------------------------------------------------------------------


@bp.post("/gov/purchases")
@auth_required()
def gov_submit():
    """The pejabat pengadaan submits their cart: 201 with the purchase and one order per store.
    422 naming each bad field (or the store over the direct-purchase limit); 403 for anyone but a
    pejabat pengadaan."""
    user = current_api_user()
    officials.require(user, "pp")  # before the body: nobody else learns what it would say
    data = json_body()
    fields = data.texts("rup_code", "budget_code", "delivery_place", "note")
    delivery_date = _optional_date(data, "delivery_date")
    with committing():
        purchase = flow.submit(
            user,
            rup_code=fields.get("rup_code") or "",
            budget_code=fields.get("budget_code") or "",
            delivery_date=delivery_date,  # missing: the service names the field
            delivery_place=fields.get("delivery_place") or "",
            note=fields.get("note") or "",
        )
        number = purchase.number
    purchase = queries.purchase_for(user, number)
    return purchase_json(purchase, api_reads.store_slugs(order.store_id for order in purchase.orders)), 201


# --- the steps of an order ----------------------------------------------------------------------


def _per_line(data: Body, name: str, minimum: int) -> dict[int, int] | None:
    """``{"<line id>": whole number}`` → {line id: number}; 422 naming ``name`` (or the line)."""
    value = data.object(name)
    if value is None:
        return None
    out = {}
    for key, amount in value.items():
        line_id = record_id(key, name)
        out[line_id] = whole_number(amount, f"{name}.{key}", minimum=minimum, maximum=INTEGER_MAX)
    return out


def _optional_date(data: Body, name: str):
    """A date from ``name`` (422 naming it when it is not one); None when absent or empty."""
    raw = data.get(name)
    return parse_date(raw, name) if raw not in (None, "") else None


def _reason(data: Body) -> str:
    return (data.text("reason") or "").strip()


def _optional_integer(data: Body, name: str, maximum: int) -> int | None:
    return data.integer(name, minimum=0, maximum=maximum)


def _quote(order, user, data: Body):
    data.texts("note")
    return flow.quote(
        order,
        user,
        prices=_per_line(data, "prices", 1),
        lead_days=_optional_integer(data, "lead_days", MAX_DAYS),
        shipping_cost=_optional_integer(data, "shipping_cost", MAX_RUPIAH),
        note=(data.text("note") or "").strip(),
    )


def _amend(order, user, data: Body):
    return flow.amend(
        order,
        user,
        quantities=_per_line(data, "quantities", 1),
        delivery_date=_optional_date(data, "delivery_date"),
        reason=_reason(data),
    )


def _ship(order, user, data: Body):
    fields = data.texts("method", "courier", "tracking_number")
    return flow.ship(
        order,
        user,
        method=(fields.get("method") or "").strip(),
        courier=(fields.get("courier") or "").strip() or None,
        tracking_number=(fields.get("tracking_number") or "").strip() or None,
    )


def _receive(order, user, data: Body):
    data.texts("note")
    return flow.receive(order, user, received=_per_line(data, "received", 0), note=(data.text("note") or "").strip())


def _pay(order, user, data: Body):
    data.texts("reference")
    return flow.record_payment(
        order,
        user,
        paid_on=_optional_date(data, "paid_on"),  # missing: the service names the field
        reference=data.text("reference") or "",
        amount=data.integer("amount", minimum=0, maximum=MAX_RUPIAH),
    )


STEPS: dict[str, Callable] = {
    "quote": _quote,
    "accept_quote": lambda order, user, data: flow.accept_quote(order, user),
    "withdraw": lambda order, user, data: flow.withdraw(order, user, _reason(data)),
    "approve": lambda order, user, data: flow.approve(order, user),
    "reject": lambda order, user, data: flow.reject(order, user, _reason(data)),
    "amend": _amend,
    "cancel": lambda order, user, data: flow.cancel(order, user, _reason(data)),
    "accept": lambda order, user, data: flow.accept(order, user),
    "decline": lambda order, user, data: flow.decline(order, user, _reason(data)),
    "ship": _ship,
    "receive": _receive,
    "invoice": lambda order, user, data: flow.issue_invoice(order, user),
    "pay": _pay,
}


@auth_required()
def gov_step(number: str, action: str):
    """One step of an order (the JSON body per step as the OpenAPI document says): 200 with the
    order as it is now. 404 for an order the caller may not see; 403 for a step not theirs; 409
    for a step its status does not allow (or a change by someone else meanwhile); 422 for bad
    fields. A refusal changes nothing."""
    user = current_api_user()
    order = queries.order_for(user, number)
    machine.check(order, action, user)  # the step's own first check: 403/409 before any field's 422
    data = json_body(optional=True)
    with committing():
        STEPS[action](order, user, data)
    return order_json(queries.order_for(user, number), user)


# The names CONTRACT.md gave these steps first: the BAST is the receipt, the payment is "pay".
CONTRACT_NAMES = {"bast": "receive", "payment": "pay"}


def _step_view(action: str):
    """The view of one step's route: the step is fixed by the route, not a URL argument."""

    def view(number: str):
        return gov_step(number, action)

    return view


# one route per step, so that each is its own operation of the OpenAPI document
for _path, _action in {**{a: a for a in STEPS}, **CONTRACT_NAMES}.items():
    bp.add_url_rule(
        f"/gov/orders/<number>/{_path}", endpoint=f"gov_{_path}", view_func=_step_view(_action), methods=["POST"]
    )
# CONTRACT.md's POST /gov/orders: submitting the cart makes the orders (one per store)
bp.add_url_rule("/gov/orders", endpoint="gov_submit_orders", view_func=gov_submit, methods=["POST"])
