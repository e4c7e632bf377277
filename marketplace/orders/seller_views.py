"""The seller's order queue and the moves a store makes (HTTP only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace.complaints import services as complaints
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg
from marketplace.ledger import services as ledger
from marketplace.orders import clock, services
from marketplace.orders.forms import SellerStatusForm
from marketplace.orders.lifecycle import allowed_moves, transition
from marketplace.orders.models import ORDER_STATUSES, needs_waybill
from marketplace.orders.status_names import SELLER_FILTERS
from marketplace.shipping import couriers, fulfilment, tracking

bp = Blueprint("seller_orders", __name__, url_prefix="/seller/orders", template_folder="templates")
PER_PAGE = 30
SUCCESS = {
    "processing": _l("Pesanan diterima dan sedang diproses."),
    "shipped": _l("Pesanan ditandai dikirim. Pembeli sudah diberi tahu."),
    "booked": _l("Penjemputan kurir dipesan; pesanan ditandai dikirim."),
    "picked_up": _l("Pesanan tercatat sudah diambil pembeli."),
    "completed": _l("Pesanan selesai; pembayaran tunai dicatat."),
    "cancelled": _l("Pesanan dibatalkan; stok dikembalikan."),
}


def _stores():
    from marketplace.stores import services as stores

    return stores.workable_stores(current_user)


@bp.get("/")
@login_required
def queue():
    """Orders of the stores the user works for; ``?status=`` and ``?store=`` filter."""
    stores = _stores()
    services.expire_and_commit(store_ids=[s.id for s in stores])
    status = request.args.get("status") if request.args.get("status") in ORDER_STATUSES else None
    store = next((s for s in stores if s.slug == request.args.get("store")), None)
    page = page_arg()
    orders, total = services.seller_orders(current_user, store.id if store else None, status, page, PER_PAGE)
    return render_template(
        "orders/seller_queue.html",
        orders=orders,
        total=total,
        page=page,
        per_page=PER_PAGE,
        stores=stores,
        store=store,
        status=status,
        statuses=SELLER_FILTERS,
    )


def _page(order, form: SellerStatusForm | None = None, status: int = 200, booking_error: str | None = None):
    if form is None:
        form = SellerStatusForm(courier=fulfilment.chosen_courier(order) or "")
    return render_template(
        "orders/seller_detail.html",
        order=order,
        history=services.history(order),
        deadlines=clock.deadlines(order),
        moves=allowed_moves(order, current_user),
        split=ledger.order_split(order),
        form=form,
        complaints=complaints.for_order(order),
        tracking=tracking.timeline(order),
        needs_waybill=needs_waybill(order),
        can_book=fulfilment.can_book(order),
        booking_error=booking_error,
        thumbs=services.line_thumbs(order),
    ), status


def _slips(orders: list, single: bool):
    from marketplace.catalog import services as catalog

    weights = catalog.weights_of(line.product_id for order in orders for line in order.lines)
    return render_template(
        "orders/packing_slips.html", orders=orders, weights=weights, single=single, couriers=couriers
    )


@bp.get("/packing-slips")
@login_required
def packing_slips():
    """The packing slips of every order waiting to be sent (paid or accepted), one per page;
    ``?store=`` one store's."""
    stores = _stores()
    store = next((s for s in stores if s.slug == request.args.get("store")), None)
    return _slips(services.orders_to_pack(current_user, store.id if store else None), single=False)


@bp.get("/<number>/packing-slip")
@login_required
def packing_slip(number: str):
    """One order's packing slip, to print and stick on the parcel; 404 for another store's."""
    return _slips([services.get_for_seller(current_user, number)], single=True)


@bp.get("/<number>")
@login_required
def detail(number: str):
    """One order of the user's store; 404 for another store's."""
    services.expire_and_commit(store_ids=services.seller_store_ids(current_user))
    return _page(services.get_for_seller(current_user, number))


@bp.post("/<number>/status")
@login_required
def change_status(number: str):
    """Accept, ship (courier, tracking number), complete (cash received) or cancel (reason)."""
    order = services.get_for_seller(current_user, number)
    form = SellerStatusForm()
    if not form.validate_on_submit():
        return _page(order, form, 422)
    try:
        if form.status.data == "shipped":
            fulfilment.ship(order, current_user, courier=form.courier.data, waybill=form.tracking_number.data)
        else:
            transition(order, form.status.data or "", current_user, reason=form.reason.data)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _page(services.get_for_seller(current_user, number), form, exc.status)
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors = [exc.message]
        return _page(services.get_for_seller(current_user, number), form, exc.status)
    flash(str(SUCCESS.get(form.status.data, _("Status pesanan diubah."))), "success")
    return redirect(url_for("seller_orders.detail", number=order.number))


@bp.post("/<number>/booking")
@login_required
def book(number: str):
    """Book a courier pickup through a shipping plugin; its refusal is shown next to the button."""
    order = services.get_for_seller(current_user, number)
    if not SellerStatusForm().validate_on_submit():
        return _page(order, status=422)
    try:
        fulfilment.book_pickup(order, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        return _page(services.get_for_seller(current_user, number), status=exc.status, booking_error=exc.message)
    flash(str(SUCCESS["booked"]), "success")
    return redirect(url_for("seller_orders.detail", number=order.number))


@bp.post("/<number>/picked-up")
@login_required
def picked_up(number: str):
    """The buyer collected a pickup order at the store: its delivery is recorded."""
    order = services.get_for_seller(current_user, number)
    form = SellerStatusForm()
    if not form.validate_on_submit():
        return _page(order, form, 422)
    try:
        fulfilment.picked_up(order, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors = [exc.message]
        return _page(services.get_for_seller(current_user, number), form, exc.status)
    flash(str(SUCCESS["picked_up"]), "success")
    return redirect(url_for("seller_orders.detail", number=order.number))
