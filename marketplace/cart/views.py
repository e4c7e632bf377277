"""The cart page and its forms (HTTP only; cart.services decides)."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, user_logged_in
from sqlalchemy.exc import SQLAlchemyError

from marketplace import visits
from marketplace.cart import services
from marketplace.cart.forms import AddToCartForm, QuantityForm, RemoveForm
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.urls import safe_next

log = logging.getLogger(__name__)
bp = Blueprint("cart", __name__, template_folder="templates")
SESSION_KEY = "cart_token"


def _visitor(create: bool = False) -> tuple:
    """(user, None) when signed in, else (None, the session's anonymous cart token);
    ``create`` gives the session a token when it has none."""
    if current_user.is_authenticated:
        return current_user, None
    token = session.get(SESSION_KEY)
    if create and not token:
        token = session[SESSION_KEY] = services.new_token()
    return None, token


@bp.app_template_global("cart_count")
def cart_count() -> int:
    """Units in the visitor's cart for the header (one statement, once per request)."""
    if "cart_count" not in g:
        try:
            user = current_user if current_user.is_authenticated else None
            g.cart_count = services.item_count(user, None if user else session.get(SESSION_KEY))
        except SQLAlchemyError:  # an error page after a failed transaction, or the database is down
            db.session.rollback()
            g.cart_count = 0
    return g.cart_count


@user_logged_in.connect
def _merge_anonymous_cart(sender, user, **extra) -> None:
    """At sign-in, the anonymous cart of the session joins the user's cart."""
    previous = g.get("previous_session") or {}
    token = previous.get(SESSION_KEY) or session.get(SESSION_KEY)
    session.pop(SESSION_KEY, None)
    if not token:
        return
    try:
        services.merge_anonymous_cart(token, user)
        db.session.commit()
    except Exception:  # a cart must never stop a sign-in
        db.session.rollback()
        log.exception("could not merge the anonymous cart into user %s", user.id)


def _page(status: int = 200, forms: dict | None = None):
    view = services.load(*_visitor())
    g.cart_count = view.count  # the header's badge, from the cart in hand rather than one more statement
    return render_template("cart/cart.html", cart=view, forms=forms or {}, remove_form=RemoveForm()), status


@bp.get("/cart")
def show():
    """The cart grouped by store, with subtotals and what needs fixing before checkout."""
    return _page()


@bp.post("/cart/items")
def add():
    """Add a variant (form fields ``variant_id``, ``quantity``); back to ``next`` or the cart."""
    form = AddToCartForm()
    back = safe_next(form.next.data or request.args.get("next")) or url_for("cart.show")
    if not form.validate_on_submit():
        flash(_("Pilih varian dan jumlahnya."), "error")
        return redirect(back)
    try:
        cart = services.add(*_visitor(create=True), form.variant_id.data, form.quantity.data)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(next(iter(exc.fields.values())) if exc.fields else exc.message, "error")
        return redirect(back)
    visits.count_request("cart", store_id=visits.cart_store_id(cart, form.variant_id.data))
    flash(_("Ditambahkan ke keranjang."), "success")
    return redirect(back)


@bp.post("/cart/items/<int:item_id>")
def update(item_id: int):
    """Change a line's quantity; 422 with the message next to the line."""
    form = QuantityForm()
    user, token = _visitor()
    if user is None and not token:  # an anonymous visitor without a cart
        return redirect(url_for("cart.show"))
    if form.validate_on_submit():
        try:
            services.change(user, token, item_id, form.stepped_quantity())
            db.session.commit()
            return redirect(url_for("cart.show"))
        except ServiceError as exc:
            db.session.rollback()
            form.quantity.errors = [next(iter(exc.fields.values())) if exc.fields else exc.message]
            return _page(exc.status, {item_id: form})
    return _page(422, {item_id: form})


@bp.post("/cart/items/<int:item_id>/remove")
def remove(item_id: int):
    """Take a line out of the cart."""
    user, token = _visitor()
    if RemoveForm().validate_on_submit() and (user is not None or token):
        services.take_out(user, token, item_id)
        db.session.commit()
        flash(_("Barang dihapus dari keranjang."), "success")
    return redirect(url_for("cart.show"))
