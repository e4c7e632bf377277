"""Writing a review (its own page per order, or a form elsewhere that posts here), and the
reviews block of a product page (HTTP only)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user, login_required

from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.orders import services as orders
from marketplace.reviews import services
from marketplace.reviews.forms import ReviewForm
from marketplace.urls import safe_next

bp = Blueprint("reviews", __name__, template_folder="templates")


@bp.app_template_global("product_reviews")
def product_reviews(product_id: int, limit: int = 10) -> dict:
    """For ``reviews/_product_reviews.html``: ``{"rating", "count", "items"}``, plus the
    average as the page's language writes it ("4,8") and in half stars (0..10) for the star bar,
    and ``reviewable``: the signed-in buyer's line to review here (a cached page has no user).
    Read once per request: the page's share data (its rating) and its reviews block ask for it."""
    read = g.setdefault("product_reviews", {})
    if (product_id, limit) in read:
        return read[product_id, limit]
    user_id = current_user.id if current_user.is_authenticated else None
    summary = services.product_reviews_summary(product_id, limit, user_id)
    rating = summary["rating"]
    summary["rating_text"] = format_decimal(rating, "0.0") if rating is not None else ""
    summary["half_stars"] = round(rating * 2) if rating is not None else 0
    read[product_id, limit] = summary
    return summary


@bp.get("/orders/<number>/reviews")
@login_required
def write(number: str):
    """The buyer's review page of an order: one block with star buttons per line. :raise 404:"""
    return _page(orders.get_for_shopper(current_user, number))


@bp.post("/orders/<number>/reviews")
@login_required
def create(number: str):
    """Rate one line of a completed order; a bad field comes back next to it (422),
    a refusal (not completed yet, reviewed already) as a message on the order page."""
    order = orders.get_for_shopper(current_user, number)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _page(order, form, 422)
    try:
        services.add_review(current_user, order, form.rating.data, form.comment.data, form.line_id.data)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _page(order, form, 422)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("orders.detail", number=order.number))
    flash(_("Terima kasih atas ulasan Anda!"), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("orders.detail", number=order.number))


def _page(order, form: ReviewForm | None = None, status: int = 200):
    """The review page; ``form`` (with its errors) belongs to the line it was posted for."""
    line_id = str(form.line_id.data or "") if form is not None else ""
    if form is not None and not line_id and len(order.lines) == 1:
        line_id = str(order.lines[0].id)
    return render_template(
        "reviews/write.html",
        order=order,
        can_review=services.can_review(order, current_user),
        reviewed=services.reviewed_line_ids(order),
        form=form,
        form_line=line_id,
    ), status
