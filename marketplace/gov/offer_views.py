"""The seller's page of what its store offers to offices (HTTP only: gov.offers decides)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.catalog import services as catalog
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.gov import offers
from marketplace.i18n import gettext as _
from marketplace.stores import services as stores

bp = Blueprint("gov_offers", __name__, url_prefix="/seller/gov-offers", template_folder="templates")


def _store(slug: str | None):
    """The store the page is about: ``slug`` when the user works in it (404 otherwise), else the
    first of the user's own stores; None for a user with none."""
    if slug:
        store = stores.get_store(slug)
        stores.require_member(store, current_user)
        return store
    mine = stores.stores_of(current_user)
    return mine[0] if mine else None


def _render(store, status: int = 200, errors: dict | None = None, posted: dict | None = None):
    products = catalog.seller_products(store.id)
    return (
        render_template(
            "gov/seller_offers.html",
            store=store,
            stores=stores.stores_of(current_user),
            products=products,
            offers=offers.offers_of_store(store.id),
            errors=errors or {},
            posted=posted or {},
            default_unit=offers.DEFAULT_UNIT,
            limits={"unit": offers.UNIT_MAX, "min": offers.MIN_QUANTITY_MAX, "lead": offers.LEAD_DAYS_MAX},
        ),
        status,
    )


def _own_product(product_id: int):
    """The product and its store when the user works in it; 404 otherwise."""
    product = catalog.get_product(product_id)
    return product, stores.member_store(product.store_id, current_user)


@bp.get("")
@login_required
def index():
    """The store's products, each with its offer to offices; ``?store=`` for a user with several.
    A user without a store is sent to the seller's start page, which invites them to open one."""
    store = _store(request.args.get("store"))
    if store is None:
        return redirect(url_for("stores.dashboard"))
    return _render(store)


@bp.post("/<int:product_id>")
@login_required
def save(product_id: int):
    """Offer one product to offices, or change its unit, minimum and lead time (422 with the
    messages beside the fields)."""
    product, store = _own_product(product_id)
    form = {name: request.form.get(name, "") for name in ("unit", "min_quantity", "lead_days")}
    try:
        offers.set_offer(current_user, product, form["unit"], form["min_quantity"], form["lead_days"])
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        if exc.status not in (400, 422):
            raise
        messages = dict(exc.fields) or {"form": exc.message}
        return _render(store, 422, errors={product.id: messages}, posted={product.id: form})
    flash(_("%(name)s ditawarkan kepada instansi.", name=product.name), "success")
    return redirect(url_for(".index", store=store.slug, _anchor=f"offer-{product.id}"))


@bp.post("/<int:product_id>/withdraw")
@login_required
def withdraw(product_id: int):
    """Stop offering one product to offices."""
    product, store = _own_product(product_id)
    offers.withdraw_offer(current_user, product)
    db.session.commit()
    flash(_("%(name)s tidak lagi ditawarkan kepada instansi.", name=product.name), "success")
    return redirect(url_for(".index", store=store.slug, _anchor=f"offer-{product.id}"))
