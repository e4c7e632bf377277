"""API endpoints: cart, checkout, orders, the seller's orders, reviews, payment methods, checkout extras."""

from __future__ import annotations

from flask import request

from marketplace import visits
from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body, page_args, paged
from marketplace.cart import services as carts
from marketplace.checkout import services as checkout
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.media import media_url
from marketplace.orders import clock
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import ORDER_STATUSES
from marketplace.payments import services as payments
from marketplace.reviews import services as reviews
from marketplace.shipping import couriers, fulfilment

# who fills a cart: shoppers, and the pejabat pengadaan, whose cart becomes an office's
# purchase (POST /api/v1/gov/purchases); checkout stays the shoppers'
CART_ROLES = ("shopper", "gov")


def _status_arg() -> str | None:
    """``?status=`` of an order listing: an order status, or empty or absent for all (an unknown one was read
    as "all", so a typo showed every order)."""
    status = request.args.get("status") or None
    if status is not None and status not in ORDER_STATUSES:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    return status


# --- shapes --------------------------------------------------------------------------------


def cart_json(view: carts.CartView) -> dict:
    def line(item: carts.CartLine) -> dict:
        f = item.facts
        return {
            "id": item.item_id,
            "variant_id": f.variant_id,
            "product_id": f.product_id,
            "product": f.product_name,
            "variant": f.variant_name,
            "sku": f.sku,
            "store": f.store_slug,
            "price": f.price,
            "quantity": item.quantity,
            "line_total": item.line_total,
            "stock": f.stock,
            "image_url": media_url(f.image, 200) if f.image else None,
            "problem": item.problem,
        }

    return {
        "items": [line(item) for item in view.lines],
        "stores": [
            {
                "store": g.store_slug,
                "name": g.store_name,
                "subtotal": g.subtotal,
                "items": [item.item_id for item in g.lines],
            }
            for g in view.groups
        ],
        "count": view.count,
        "total": view.total,
        "version": view.version,
    }


def order_json(order, detail: bool = True) -> dict:
    data = {
        "number": order.number,
        "store": order.store.slug if order.store else None,
        "store_name": order.store_name,
        "status": order.status,
        "subtotal": order.subtotal,
        "shipping_cost": order.shipping_cost,
        "extras_total": order.extras_total,
        "total": order.total,
        "payment_method": order.payment_method,
        "pay_on_delivery": order.pay_on_delivery,
        "placed_at": _iso(order.placed_at),
        "expires_at": _iso(order.expires_at),
        "paid_at": _iso(order.paid_at),
        "shipped_at": _iso(order.shipped_at),
        "completed_at": _iso(order.completed_at),
        "cancelled_at": _iso(order.cancelled_at),
        "delivered_at": _iso(order.delivered_at),
        **_deadlines_json(order),
        "courier": order.courier,
        "tracking_number": order.tracking_number,
        "tracking_link": couriers.tracking_link(order.courier, order.tracking_number),
        "shipment_status": order.shipment_status,
        "cancel_reason": order.cancel_reason,
    }
    data["shipping"] = _shipping_json(order)
    if detail:
        data["lines"] = [_line_json(line) for line in order.lines]
        data["extras"] = [{"id": e.extra_id, "name": e.name, "amount": e.amount} for e in order.extras]
    return data


def _deadlines_json(order) -> dict:
    """The order clock's deadlines that apply now (marketplace/orders/clock.py), null elsewhere."""
    due = clock.deadlines(order)
    return {
        "accept_by": _iso(due.accept_by),
        "complete_by": _iso(due.complete_by),
        "complaint_until": _iso(due.complaint_until),
    }


def _shipping_json(order) -> dict:
    """Where to and how: the address, its regions and the option chosen at checkout (method,
    courier, service, label, etd_days, cost; null on orders from before shipping)."""
    return {
        "name": order.ship_name,
        "phone": order.ship_phone,
        "address": order.ship_address,
        "city": order.ship_city,
        "postal_code": order.ship_postal_code,
        "region_code": order.ship_region_code,
        "province": order.ship_province,
        "district": order.ship_district,
        "village": order.ship_village,
        "method": order.shipping_method,
        "courier": order.shipping_courier,
        "service": order.shipping_service,
        "label": order.shipping_label,
        "etd_days": order.shipping_etd,
        "cost": order.shipping_cost,
        "source": order.shipping_source,
    }


def _line_json(line) -> dict:
    return {
        "id": line.id,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "product": line.product_name,
        "variant": line.variant_name,
        "sku": line.sku,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "line_total": line.line_total,
    }


def _iso(value):
    return value.isoformat() if value else None


def checkout_json(result: checkout.CheckoutResult) -> dict:
    return {
        "orders": [
            {
                "number": o.number,
                "store": result.store_slug(o),
                "subtotal": o.subtotal,
                "shipping_cost": o.shipping_cost,
                "extras_total": o.extras_total,
                "total": o.total,
                "status": o.status,
                "shipping": _shipping_json(o),
            }
            for o in result.orders
        ],
        "payment": payments.payment_json(result.payment, result.start) if result.payment else None,
    }


# --- cart ---------------------------------------------------------------------------------


@bp.get("/cart")
@auth_required(*CART_ROLES)
def api_cart():
    """The cart grouped by store, with fresh prices, ``problem`` per line and a ``version``."""
    return cart_json(carts.load(current_api_user()))


# The changes answer with the cart the service rebuilt from what it read and wrote (plain
# data, untouched by the commit): nothing is read back.


@bp.post("/cart/items")
@auth_required(*CART_ROLES)
def api_cart_add():
    """Add ``quantity`` of ``variant_id``: 201 with the cart; 422 bad quantity, 404 no variant,
    409 not sold or short."""
    data = json_body()
    variant_id = data.id("variant_id")
    with committing():
        cart = carts.add(current_api_user(), None, variant_id, data.get("quantity", 1))
    visits.count_request("cart", store_id=visits.cart_store_id(cart, variant_id))
    return cart_json(cart), 201


@bp.patch("/cart/items/<int:item_id>")
@auth_required(*CART_ROLES)
def api_cart_update(item_id: int):
    """Set a line's ``quantity``; 404 for a line not in the cart."""
    data = json_body()
    with committing():
        cart = carts.change(current_api_user(), None, item_id, data.get("quantity"))
    return cart_json(cart)


@bp.delete("/cart/items/<int:item_id>")
@auth_required(*CART_ROLES)
def api_cart_remove(item_id: int):
    """Take a line out; 404 for a line not in the cart."""
    with committing():
        cart = carts.take_out(current_api_user(), None, item_id)
    return cart_json(cart)


# --- checkout -------------------------------------------------------------------------------


@bp.post("/checkout")
@auth_required("shopper")
def api_checkout():
    """One order per store and one payment: 201. 409 when stock is short or the cart
    changed (nothing reserved); 422 bad fields (``payment_channel`` missing for a method
    with channels, not one of them, or sent for a method without any); 503 payment failure. The same
    ``Idempotency-Key`` header (or ``idempotency_key``) answers with the first result."""
    data = json_body()
    user = current_api_user()
    key = request.headers.get("Idempotency-Key") or data.text("idempotency_key")
    method, shipping, extras = data.text("payment_method"), data.object("shipping"), data.text_list("extras")
    channel = data.text("payment_channel")
    version = data.get("cart_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, (str, int))):
        raise ValidationError(fields={"cart_version": _("Harus teks.")})
    try:
        result = checkout.place_orders(
            user,
            payment_method=method,
            payment_channel=channel,
            shipping=shipping,
            extras=extras,
            idempotency_key=key,
            cart_version=version,
        )
        # from the rows in hand, before the commit expires them (no reload); dropped if the commit fails
        response = checkout_json(result)
        db.session.commit()
    except checkout.AlreadySubmitted as exc:
        db.session.rollback()
        result = checkout.replay(user, exc.key)
        response = checkout_json(result)
    except ServiceError:
        db.session.rollback()
        raise
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return response, 201, headers


@bp.get("/payment-methods")
def api_payment_methods():
    """What the enabled payment plugins offer."""
    return {"items": [method.as_json() for method in payments.available_methods()]}


@bp.get("/checkout/extras")
def api_checkout_extras():
    """What the enabled plugins offer as paid add-ons at checkout."""
    return {"items": [extra.as_json() for extra in checkout.offered_extras(None)]}


# --- the shopper's orders ----------------------------------------------------------------------


@bp.get("/orders")
@auth_required()
def api_orders():
    """The user's orders, newest first; ``?status=`` filters."""
    user = current_api_user()
    orders.expire_and_commit(user_id=user.id)
    page, per_page = page_args(20, 100)
    items, total = orders.shopper_orders(user, page, per_page, _status_arg())
    return paged([order_json(o) for o in items], total, page, per_page)


@bp.get("/orders/<number>")
@auth_required()
def api_order(number: str):
    """One of the user's orders; 404 for anyone else's."""
    user = current_api_user()
    orders.expire_and_commit(user_id=user.id)
    return order_json(orders.get_for_shopper(user, number))


def _shopper_move(number: str, to_status: str, **details):
    user = current_api_user()
    order = orders.get_for_shopper(user, number)
    with committing():
        transition(order, to_status, user, **details)
    return order_json(orders.get_for_shopper(user, number))


@bp.post("/orders/<number>/cancel")
@auth_required()
def api_order_cancel(number: str):
    """Cancel before shipping (``reason`` optional); 409 once shipped or already cancelled."""
    return _shopper_move(number, "cancelled", reason=json_body(optional=True).text("reason"))


@bp.post("/orders/<number>/complete")
@auth_required()
def api_order_complete(number: str):
    """The shopper confirms the order arrived; 409 unless it was shipped."""
    return _shopper_move(number, "completed")


@bp.post("/orders/<number>/reviews")
@auth_required()
def api_order_review(number: str):
    """``{"rating": 1..5, "comment", "line_id"?}``: 201; 409 before completion or a second time."""
    data = json_body()
    user = current_api_user()
    order = orders.get_for_shopper(user, number)
    with committing():
        review = reviews.add_review(user, order, data.get("rating"), data.get("comment", ""), data.id("line_id"))
    return reviews.review_json(review), 201


# --- the seller's orders -----------------------------------------------------------------------


@bp.get("/seller/orders")
@auth_required()
def api_seller_orders():
    """Orders of the stores the user works for; ``?status=``, ``?store=<slug>``."""
    from marketplace.stores import services as stores

    user = current_api_user()
    mine = stores.stores_of(user)
    orders.expire_and_commit(store_ids=[s.id for s in mine])
    store_id = None
    if request.args.get("store"):
        store = next((s for s in mine if s.slug == request.args["store"]), None)
        if store is None:
            raise ValidationError(fields={"store": _("Anda tidak mengelola toko ini.")})
        store_id = store.id
    page, per_page = page_args(20, 100)
    items, total = orders.seller_orders(user, store_id, _status_arg(), page, per_page)
    return paged([order_json(o) for o in items], total, page, per_page)


@bp.get("/seller/orders/<number>")
@auth_required()
def api_seller_order(number: str):
    """One order of the user's store; 404 for another store's."""
    user = current_api_user()
    orders.expire_and_commit(store_ids=orders.seller_store_ids(user))
    return order_json(orders.get_for_seller(user, number))


@bp.post("/seller/orders/<number>/status")
@auth_required()
def api_seller_order_status(number: str):
    """``{"status", "tracking_number"?, "courier"?, "reason"?}``: processing, shipped,
    completed (cash on delivery) or cancelled. Shipping: ``courier`` a code or a courier's name
    ("JNE", "J&T"), the buyer's courier when left out; ``tracking_number`` in that courier's
    format (422 naming the field otherwise). 409 for an illegal move, 404 for another store's order."""
    data = json_body()
    user = current_api_user()
    order = orders.get_for_seller(user, number)
    text = {k: data.text(k) for k in ("tracking_number", "courier", "reason")}
    status = data.text("status", "")
    with committing():
        if status == "shipped":
            # the courier by code or name, the waybill checked against its format (shipping/fulfilment.py)
            fulfilment.ship(order, user, courier=text["courier"], waybill=text["tracking_number"], strict=False)
        else:
            transition(order, status, user, reason=text["reason"])
    return order_json(orders.get_for_seller(user, number))
