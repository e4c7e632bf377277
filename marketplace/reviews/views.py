"""Writing a review from the order page, and the reviews block of a product page (HTTP only)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.reviews import services
from marketplace.reviews.forms import ReviewForm

bp = Blueprint("reviews", __name__, template_folder="templates")


@bp.app_template_global("product_reviews")
def product_reviews(product_id: int, limit: int = 10) -> dict:
    """For ``reviews/_product_reviews.html``: ``{"rating", "count", "items"}``. Read once per
    request: the page's share data (its rating) and its reviews block ask for the same."""
    read = g.setdefault("product_reviews", {})
    if (product_id, limit) not in read:
        read[product_id, limit] = services.product_reviews_summary(product_id, limit)
    return read[product_id, limit]


@bp.post("/orders/<number>/reviews")
@login_required
def create(number: str):
    """Rate one line of a completed order; the message says why when it cannot be."""
    order = orders.get_for_shopper(current_user, number)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.add_review(current_user, order, form.rating.data, form.comment.data, form.line_id.data)
            db.session.commit()
            flash(_("Terima kasih atas ulasan Anda!"), "success")
        except ServiceError as exc:
            db.session.rollback()
            flash(" ".join([exc.message, *exc.fields.values()]) if exc.fields else exc.message, "error")
    return redirect(url_for("orders.detail", number=order.number))
