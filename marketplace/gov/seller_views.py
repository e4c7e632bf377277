"""The seller's side of government buying (HTTP only; marketplace/gov/flow.py decides): the
queue of its stores' government orders and an order with the seller's steps."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.gov import delivery, machine, queries
from marketplace.gov.forms import METHOD_LABELS, SELLER_FORMS
from marketplace.gov.models import GovOrder
from marketplace.gov.pages import Posted, act_on, order_page, status_arg
from marketplace.inputs import page_arg
from marketplace.orders.forms import courier_choices

bp = Blueprint("seller_gov", __name__, url_prefix="/seller/gov", template_folder="templates")

# statuses in which an order waits for its seller (accept or decline, send, send the rest,
# invoice); a submitted order waits for the PPK, the seller's quote is optional
WAITING_FOR_SELLER = ("approved", "accepted", "shortfall", "received")
CHIPS = {
    "submitted": _l("Menunggu persetujuan instansi"),
    "approved": _l("Surat Pesanan baru"),
    "accepted": _l("Siap dikirim"),
    "shortfall": _l("Kurang kirim"),
    "received": _l("Siap ditagih"),
    "invoiced": _l("Menunggu pembayaran"),
    "paid": _l("Dibayar"),
}


def _store_ids() -> list[int]:
    from marketplace.stores import services as stores

    return [store.id for store in stores.workable_stores(current_user)]


@bp.app_template_global("gov_waiting_count")
def gov_waiting_count(stores) -> int:
    """Government orders of ``stores`` waiting for the seller, in one statement (the chip on
    the seller's order queue)."""
    ids = [store.id for store in stores or ()]
    if not ids:
        return 0
    return db.session.scalar(
        select(func.count(GovOrder.id)).where(GovOrder.store_id.in_(ids), GovOrder.status.in_(WAITING_FOR_SELLER))
    )


@bp.get("/")
@login_required
def queue():
    """The government orders of the stores the user works for; ``?status=`` filters."""
    status = status_arg()
    ids = _store_ids()
    orders = queries.store_orders(ids, statuses=(status,) if status else None, page=page_arg()) if ids else []
    return render_template(
        "seller_gov/queue.html",
        orders=orders,
        has_stores=bool(ids),
        status=status,
        chips=CHIPS,
        statuses=machine.STATUS_LABELS,
    )


def _order_for_seller(number: str):
    """The order when it is one of the user's stores'; 404 otherwise (an office's official or
    an officer reads it on /gov/)."""
    order = queries.order_for(current_user, number)
    if order.store_id not in _store_ids():
        raise NotFound()
    return order


def _ship_choices(order, forms: dict) -> None:
    """Offer only the shipping methods and couriers the store has set up."""
    form = forms.get("ship")
    if form is None:
        return
    offered = delivery.offered_methods(order)
    form.method.choices = [(key, label) for key, label in METHOD_LABELS.items() if offered.get(key)]
    form.courier.choices = [choice for choice in courier_choices() if not choice[0] or choice[0] in offered["couriers"]]


def _page(order, **kw):
    return order_page(order, "seller_gov/order.html", SELLER_FORMS, prepare=_ship_choices, **kw)


@bp.get("/<number>")
@login_required
def order(number: str):
    """One government order of the user's store; 404 for another store's."""
    return _page(_order_for_seller(number))


def seller_step(order, action: str, form, posted: Posted):
    """The call of flow for the seller's step ``action`` with what the form posted."""
    from marketplace.gov import flow

    user = current_user
    if action == "quote":
        prices = posted.lines(order, action, minimum=1, changed_only=True, current=lambda line: line.unit_price)
        lead_days = posted.optional_number(form.lead_days.data, "lead_days")
        shipping_cost = posted.optional_number(form.shipping_cost.data, "shipping_cost")
        posted.check()
        return lambda: flow.quote(
            order,
            user,
            prices=prices or None,
            lead_days=lead_days,
            shipping_cost=shipping_cost,
            note=(form.note.data or "").strip(),
        )
    if action == "accept":
        return lambda: flow.accept(order, user)
    if action == "decline":
        return lambda: flow.decline(order, user, (form.reason.data or "").strip())
    if action == "ship":
        method = form.method.data or ""
        courier = (form.courier.data or "").strip() or None if method == "courier" else None
        tracking = (form.tracking_number.data or "").strip() or None if method == "courier" else None
        return lambda: flow.ship(order, user, method=method, courier=courier, tracking_number=tracking)
    # invoice
    return lambda: flow.issue_invoice(order, user)


@bp.post("/<number>/<any(quote,accept,decline,ship,invoice):action>")
@login_required
def act(number: str, action: str):
    """Take one of the seller's steps on the order; 404 for another store's order."""
    found = _order_for_seller(number)
    return act_on(found, action, SELLER_FORMS, seller_step, _page, "seller_gov.order")
