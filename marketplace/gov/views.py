"""The office's pages of government buying (HTTP only; marketplace/gov/flow.py decides):
the position's home, the checkout of the pejabat pengadaan, a purchase, an order with the
steps the user's position may take now, and the order's documents."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace.cart import services as carts
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.gov import flow, machine, negotiation, officials, queries
from marketplace.gov.forms import GOV_FORMS, CheckoutForm
from marketplace.gov.pages import Posted, act_on, order_page, status_arg
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg

bp = Blueprint("gov", __name__, url_prefix="/gov", template_folder="templates")

# what each position looks at first on its home page, before all of the office's orders
WAITING = {
    "pp": (("negotiating", _l("Penawaran penjual menunggu keputusan Anda")),),
    "ppk": (("submitted", _l("Menunggu persetujuan")), ("shipped", _l("Menunggu pemeriksaan"))),
    "bendahara": (("invoiced", _l("Menunggu pembayaran")),),
}


@bp.app_template_global("gov_position")
def gov_position() -> str | None:
    """The signed-in user's position in an office ("pp", "ppk", "bendahara"), None for others
    (the cart shows the pejabat pengadaan the way to the office's checkout)."""
    official = officials.official_of(current_user)
    return official.position if official is not None else None


# --- parsing what a step's form posted --------------------------------------------------------


# --- pages ----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def home():
    """The office's orders for the user's position: what waits for it first, then all."""
    official = officials.require(current_user)
    status = status_arg()
    waiting = []
    if status is None:
        waiting = [
            (key, label, queries.office_orders(official.office_id, statuses=(key,)))
            for key, label in WAITING[official.position]
        ]
    orders = queries.office_orders(official.office_id, statuses=(status,) if status else None, page=page_arg())
    return render_template(
        "gov/home.html",
        official=official,
        office=official.office,
        position_label=officials.POSITION_LABELS_ID[official.position],
        waiting=waiting,
        orders=orders,
        status=status,
        statuses=machine.STATUS_LABELS,
        page=page_arg(),
    )


def _checkout_page(form: CheckoutForm, status: int = 200):
    cart = carts.load(current_user)
    return render_template(
        "gov/checkout.html", form=form, cart=cart, limit=current_app.config["GOV_DIRECT_PURCHASE_LIMIT"]
    ), status


@bp.get("/checkout")
@login_required
def checkout():
    """The pejabat pengadaan's cart, store by store against the direct-purchase limit, and the
    purchase's details."""
    officials.require(current_user, "pp")
    if carts.load(current_user).empty:
        flash(_("Keranjang Anda kosong."), "error")
        return redirect(url_for("cart.show"))
    return _checkout_page(CheckoutForm(formdata=None))


@bp.post("/checkout")
@login_required
def submit():
    """Submit the cart as the office's purchase: one order per store for the PPK to approve."""
    officials.require(current_user, "pp")
    form = CheckoutForm()
    if not form.validate_on_submit():  # the one check a FlaskForm makes here: its CSRF token
        form.form_errors = [_("Formulir kedaluwarsa; coba lagi.")]
        return _checkout_page(form, 422)
    posted = Posted()
    # an unreadable date goes on as None: the service then reports every other field too
    delivery_date = posted.optional_date(form.delivery_date.data, "delivery_date")
    try:
        purchase = flow.submit(
            current_user,
            rup_code=(form.rup_code.data or "").strip(),
            budget_code=(form.budget_code.data or "").strip(),
            delivery_date=delivery_date if not posted.fields else None,
            delivery_place=(form.delivery_place.data or "").strip(),
            note=(form.note.data or "").strip(),
        )
        number = purchase.number
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        if isinstance(exc, ValidationError):
            apply_errors(form, ValidationError(exc.message, {**exc.fields, **posted.fields}))
        else:
            form.form_errors = [exc.message]
        return _checkout_page(form, 422 if exc.status in (400, 422) else exc.status)
    flash(_("Pengadaan %(number)s diajukan; PPK menyetujui tiap pesanan.", number=number), "success")
    return redirect(url_for("gov.purchase", number=number))


@bp.get("/purchases/<number>")
@login_required
def purchase(number: str):
    """A purchase: its plan code, budget, delivery and its orders, one per store."""
    found = queries.purchase_for(current_user, number)
    return render_template(
        "gov/purchase.html",
        purchase=found,
        office=found.office,
        statuses=machine.STATUS_LABELS,
    )


def _gov_order_page(order, **kw):
    return order_page(order, "gov/order.html", GOV_FORMS, open_quote=_open_quote(order), **kw)


@bp.get("/orders/<number>")
@login_required
def order(number: str):
    """One of the office's orders; 404 for another office's."""
    return _gov_order_page(queries.order_for(current_user, number))


def gov_step(order, action: str, form, posted: Posted):
    """The call of flow for the office's step ``action`` with what the form posted."""
    user = current_user
    if action == "accept_quote":
        return lambda: flow.accept_quote(order, user)
    if action == "withdraw":
        return lambda: flow.withdraw(order, user, (form.reason.data or "").strip())
    if action == "approve":
        return lambda: flow.approve(order, user)
    if action == "reject":
        return lambda: flow.reject(order, user, (form.reason.data or "").strip())
    if action == "cancel":
        return lambda: flow.cancel(order, user, (form.reason.data or "").strip())
    if action == "amend":
        quantities = posted.lines(order, action, minimum=1, changed_only=True, current=lambda line: line.quantity)
        new_date = posted.optional_date(form.delivery_date.data, "delivery_date")
        posted.check()
        return lambda: flow.amend(
            order,
            user,
            quantities=quantities or None,
            delivery_date=new_date,
            reason=(form.reason.data or "").strip(),
        )
    if action == "receive":
        received = posted.lines(order, action, minimum=0, changed_only=False, current=None)
        posted.check()
        return lambda: flow.receive(order, user, received=received or None, note=(form.note.data or "").strip())
    # pay
    paid_on = posted.date(form.paid_on.data, "paid_on")
    amount = posted.number(form.amount.data, "amount", minimum=1)
    posted.check()
    return lambda: flow.record_payment(
        order,
        user,
        paid_on=paid_on,
        reference=(form.reference.data or "").strip(),
        amount=amount,
    )


@bp.post("/orders/<number>/<any(accept_quote,withdraw,approve,reject,amend,cancel,receive,pay):action>")
@login_required
def act(number: str, action: str):
    """Take one of the office's steps on the order; 404 for another office's order, 403 for a
    step of another position or for a user who is no official."""
    officials.require(current_user)
    found = queries.order_for(current_user, number)
    return act_on(found, action, GOV_FORMS, gov_step, _gov_order_page, "gov.order")


@bp.get("/documents/<int:document_id>.pdf")
@login_required
def document(document_id: int):
    """A document of an order the user may read, as it was made (its SHA-256 checked)."""
    found = queries.document_for(current_user, document_id)
    response = make_response(flow.document_pdf(found))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{found.number.replace("/", "-")}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _open_quote(order) -> dict | None:
    """The seller's open quote while the order is negotiating, with its prices by line id."""
    quote = queries.open_quote(order) if order.status == "negotiating" else None
    return None if quote is None else {"quote": quote, "prices": negotiation.quote_changes(order, quote)["prices"]}
