"""The checkout page (HTTP only; checkout.services runs the steps)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.cart import services as carts
from marketplace.checkout import resume, services, shipping_page
from marketplace.checkout.forms import CheckoutForm
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.gov.officials import official_of
from marketplace.i18n import gettext as _
from marketplace.i18n import phone_display
from marketplace.payments import groups as payment_groups
from marketplace.payments import services as payments
from marketplace.shipping import picker

bp = Blueprint("checkout", __name__, template_folder="templates")


def _chosen_channel(method_id: str | None) -> str | None:
    """The channel radio of the chosen method (``channel-<method id>``); others are ignored."""
    return (request.form.get(f"channel-{method_id}") or None) if method_id else None


def _channel_choices(methods: list, last: tuple | None) -> dict[str, str | None]:
    """The channel to show checked under each method: the form's, else the one of the shopper's
    last payment."""
    if request.method == "POST":
        return {m.id: request.form.get(f"channel-{m.id}") for m in methods}
    return {m.id: last[1] for m in methods if last and m.id == last[0]}


def _offers(form: CheckoutForm, cart_view, last: tuple | None) -> tuple[list, list, str | None]:
    """Payment methods and extras to offer (the method of ``last``, the shopper's last payment,
    picked on a new page), and why none can be offered (a message) if so."""
    try:
        methods = payments.available_methods()
        extras = services.offered_extras(cart_view)
    except ServiceError as exc:
        return [], [], exc.message
    form.payment_method.choices = [(m.id, str(m.name)) for m in methods]
    if not form.payment_method.data and request.method == "GET" and last:
        form.payment_method.data = last[0] if any(m.id == last[0] for m in methods) else None
    form.extras.choices = [(e.id, str(e.name)) for e in extras]
    if not methods:
        return [], extras, payments.NoPaymentMethod().message
    return methods, extras, None


def _page(form: CheckoutForm, status: int = 200, error: ServiceError | None = None, search: bool = False):
    cart_view = carts.load(current_user)
    if status != 200 or not form.cart_version.data:
        form.cart_version.data = cart_view.version  # what the shopper sees now is what they will confirm
    last = payments.last_choice(current_user.id) if request.method == "GET" else None
    methods, extras, unavailable = _offers(form, cart_view, last)
    if unavailable and not form.form_errors:
        form.form_errors = [unavailable]
    shipping = shipping_page.build(current_user, cart_view, request.form)
    address_errors: dict[str, str] = {}
    if error is not None:
        store_errors, address_errors = shipping_page.field_errors(error)
        shipping.errors.update(store_errors)
    if search and shipping.address_id == shipping_page.NEW:
        shipping.picker = picker.state(request.form, search=True)
    return render_template(
        "checkout/checkout.html",
        form=form,
        cart=cart_view,
        methods=methods,
        payment_groups=payment_groups.grouped(methods),
        channels=_channel_choices(methods, last),
        extras=extras,
        unavailable=unavailable,
        shipping=shipping,
        address_errors=address_errors,
    ), status


@bp.get("/checkout")
@login_required
def form():
    """The address, payment and summary page; back to the cart when it is empty or needs fixing."""
    if official_of(current_user) is not None:  # an office buys through its own procedure
        return redirect(url_for("gov.checkout"))
    cart_view = carts.load(current_user)
    if cart_view.empty or cart_view.problems:
        flash(_("Keranjang Anda kosong.") if cart_view.empty else _("Perbaiki keranjang sebelum checkout."), "error")
        return redirect(url_for("cart.show"))
    form = CheckoutForm(name=current_user.name, phone=phone_display(current_user.phone))
    form.idempotency_key.data = services.new_idempotency_key()
    return _page(form)


@bp.post("/checkout")
@login_required
def submit():
    """Place the orders; 422 with field errors, 409 when the cart changed or stock is short, 503 when payment fails."""
    if official_of(current_user) is not None:  # an office buys through its own procedure
        return redirect(url_for("gov.checkout"))
    form = CheckoutForm()
    if "refresh_shipping" in request.form or picker.searching(request.form):
        form.form_errors = []  # only a new address or district: show its options, place nothing
        return _page(form, search=picker.searching(request.form))
    if not form.validate_on_submit():
        return _page(form, 422)
    channel = _chosen_channel(form.payment_method.data)
    try:
        result = services.place_orders(
            current_user,
            payment_method=form.payment_method.data,
            payment_channel=channel,
            shipping=shipping_page.request_of(request.form),
            extras=form.extras.data,
            idempotency_key=form.idempotency_key.data,
            cart_version=form.cart_version.data,
        )
        redirect_url, checkout_id = result.checkout.redirect_url, result.checkout.id  # before the commit expires them
        db.session.commit()
    except services.AlreadySubmitted as exc:
        db.session.rollback()
        result = services.replay(current_user, exc.key)
        redirect_url, checkout_id = result.checkout.redirect_url, result.checkout.id
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _page(form, exc.status, exc)
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors = [exc.message]
        return _page(form, exc.status, exc)
    if redirect_url:  # a hosted payment page (Stripe) or the method's own page (transfer)
        return redirect(redirect_url)
    return redirect(url_for("checkout.complete", checkout_id=checkout_id))


@bp.get("/checkout/complete/<int:checkout_id>")
@login_required
def complete(checkout_id: int):
    """The orders of a checkout and, while they wait for the money, how to pay and by when;
    404 for another shopper's."""
    result = services.get_checkout(current_user, checkout_id)
    paying = resume.continue_paying(result.orders)
    # one payment for every order of the checkout: the first one still waiting tells how to pay
    return render_template("checkout/complete.html", result=result, paying=next(iter(paying.values()), None))


@bp.post("/checkout/shipping-options")
@login_required
def options():
    """The page's shipping part for the address the form names (HTML fragment for the script;
    the same quotes as POST /api/v1/checkout/shipping-options, with the session's sign-in)."""
    cart_view = carts.load(current_user)
    shipping = shipping_page.build(current_user, cart_view, request.form)
    return render_template("checkout/_shipping_options.html", shipping=shipping)
