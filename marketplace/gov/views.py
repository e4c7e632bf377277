"""The office's pages of government buying (HTTP only; marketplace/gov/flow.py decides):
the position's home, the checkout of the pejabat pengadaan, a purchase, an order with the
steps the user's position may take now, and the order's documents."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.cart import services as carts
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.gov import flow, machine, officials, paperwork, queries
from marketplace.gov.forms import GOV_FORMS, CheckoutForm
from marketplace.gov.models import GOV_ORDER_STATUSES, GovOffice, GovQuote
from marketplace.inputs import page_arg, parse_date, whole_number

bp = Blueprint("gov", __name__, url_prefix="/gov", template_folder="templates")

# what each position looks at first on its home page, before all of the office's orders
WAITING = {
    "pp": (("negotiating", _l("Penawaran penjual menunggu keputusan Anda")),),
    "ppk": (("submitted", _l("Menunggu persetujuan")), ("shipped", _l("Menunggu pemeriksaan"))),
    "bendahara": (("invoiced", _l("Menunggu pembayaran")),),
}
DONE = {
    "accept_quote": _l("Penawaran diterima; pesanan menunggu persetujuan PPK."),
    "withdraw": _l("Pesanan ditarik."),
    "approve": _l("Pesanan disetujui; Surat Pesanan terbit dan stok dipesan."),
    "reject": _l("Pesanan ditolak."),
    "amend": _l("Adendum Surat Pesanan terbit."),
    "cancel": _l("Surat Pesanan dibatalkan; stok dikembalikan."),
    "receive": _l("Hasil pemeriksaan barang dicatat."),
    "pay": _l("Pembayaran dicatat; toko sudah dikreditkan."),
    "quote": _l("Penawaran dikirim ke pejabat pengadaan."),
    "accept": _l("Surat Pesanan diterima; siapkan barangnya."),
    "decline": _l("Surat Pesanan ditolak; stok dikembalikan."),
    "ship": _l("Pesanan ditandai dikirim."),
    "invoice": _l("Tagihan dan kuitansi terbit."),
}
MAX_RUPIAH = 10**12  # far above any direct purchase: the service judges the real bounds


@bp.app_template_global("gov_position")
def gov_position() -> str | None:
    """The signed-in user's position in an office ("pp", "ppk", "bendahara"), None for others
    (the cart shows the pejabat pengadaan the way to the office's checkout)."""
    official = officials.official_of(current_user)
    return official.position if official is not None else None


def today() -> date:
    return to_jakarta(now()).date()


def status_arg() -> str | None:
    status = request.args.get("status")
    return status if status in GOV_ORDER_STATUSES else None


# --- parsing what a step's form posted --------------------------------------------------------


class Posted:
    """Collects the parse errors of one form so that all of them are shown at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def date(self, raw: str | None, field: str) -> date:
        """The date posted as ``field``; on an error, a stand-in that :meth:`check` never lets through."""
        try:
            return parse_date(raw or "", field)
        except ValidationError as exc:
            self.fields.update(exc.fields)
            return date.min

    def optional_date(self, raw: str | None, field: str) -> date | None:
        return self.date(raw, field) if (raw or "").strip() else None

    def number(self, raw: str | None, field: str, *, minimum: int = 0) -> int:
        """The whole number posted as ``field``; on an error, a stand-in :meth:`check` stops."""
        try:
            return whole_number(raw or "", field, minimum=minimum, maximum=MAX_RUPIAH)
        except ValidationError as exc:
            self.fields.update(exc.fields)
            return minimum

    def optional_number(self, raw: str | None, field: str, *, minimum: int = 0) -> int | None:
        return self.number(raw, field, minimum=minimum) if (raw or "").strip() else None

    def lines(self, order, prefix: str, *, minimum: int, changed_only: bool, current) -> dict[int, int]:
        """``line-<id>`` inputs of the form ``prefix`` as line id → number; with
        ``changed_only`` only the lines whose number differs from ``current(line)``."""
        values: dict[int, int] = {}
        for line in order.lines:
            raw = request.form.get(f"{prefix}-line-{line.id}")
            if raw is None or (changed_only and not raw.strip()):
                continue
            before = len(self.fields)
            value = self.number(raw, f"line.{line.id}", minimum=minimum)
            if len(self.fields) == before and (not changed_only or value != current(line)):
                values[line.id] = value
        return values

    def check(self) -> None:
        if self.fields:
            raise ValidationError(fields=self.fields)


def split_errors(exc: ValidationError) -> tuple[ValidationError, dict[int, str]]:
    """A service's errors with those naming an order line (``line.12``, ``quantities.12`` ...)
    taken out, to be shown beside that line's input."""
    lines: dict[int, str] = {}
    rest: dict[str, str] = {}
    for name, message in exc.fields.items():
        tail = str(name).rsplit(".", 1)[-1]
        if tail.isdigit() and "." in str(name):
            lines[int(tail)] = message
        else:
            rest[name] = message
    return ValidationError(exc.message, rest), lines


def step_forms(order, actions: list[str], registry: dict, failed: str | None = None, failed_form=None) -> dict:
    """One form per step the user may take, the failed one carrying its errors."""
    forms = {}
    for action in actions:
        if action == failed and failed_form is not None:
            forms[action] = failed_form
        else:
            forms[action] = registry[action](prefix=action, formdata=None, **defaults(order, action))
    return forms


def defaults(order, action: str) -> dict:
    if action == "pay":
        return {"paid_on": today().isoformat(), "amount": str(order.total)}
    if action == "amend":
        return {"delivery_date": ""}
    return {}


def run_step(order, action: str, form, registry_call) -> tuple[int, dict[int, str]] | None:
    """Take the step; None when done (committed), else (status, line errors) with the form
    carrying the messages and nothing written."""
    try:
        registry_call()
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        rest, lines = split_errors(exc)
        apply_errors(form, rest)
        if lines and not rest.fields and not rest.message:
            form.form_errors = []
        return 422, lines
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors = [exc.message]
        return exc.status, {}
    return None


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


def order_page(
    order,
    template: str,
    registry: dict,
    *,
    failed=None,
    form=None,
    line_errors=None,
    status: int = 200,
    prepare=None,
    **extra,
):
    """An order with its lines, documents, history and the user's steps (shared with the
    seller's page); ``prepare(order, forms)`` may fill the forms' choices."""
    actions = [action for action in flow.allowed_actions(order, current_user) if action in registry]
    forms = step_forms(order, actions, registry, failed, form)
    if prepare is not None:
        prepare(order, forms)
    return render_template(
        template,
        order=order,
        purchase=order.purchase,
        office=db.session.get(GovOffice, order.office_id),
        documents=queries.documents_of(order),
        events=queries.events_of(order),
        statuses=machine.STATUS_LABELS,
        titles=paperwork.TITLES,
        labels={"submit": _l("Pengadaan diajukan"), **{name: step.label for name, step in machine.ACTIONS.items()}},
        actions=actions,
        forms=forms,
        failed=failed,
        posted=request.form if failed else {},
        line_errors=line_errors or {},
        **extra,
    ), status


def _gov_order_page(order, **kw):
    return order_page(order, "gov/order.html", GOV_FORMS, open_quote=open_quote(order), **kw)


def open_quote(order) -> dict | None:
    """The seller's open quote while the order is negotiating: the quote and its prices by
    line id (queries.py reads no quotes; one statement)."""
    if order.status != "negotiating":
        return None
    quote = db.session.scalar(
        select(GovQuote).where(GovQuote.order_id == order.id, GovQuote.status == "open").order_by(GovQuote.id.desc())
    )
    if quote is None:
        return None
    prices = {int(key): int(value) for key, value in json.loads(quote.prices or "{}").items()}
    return {"quote": quote, "prices": prices}


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


def act_on(order, action: str, registry: dict, step_of, page, done_endpoint: str):
    """Shared by both sides: the machine says first whether the step may be taken (409, 403),
    then the form is parsed (422 beside the fields) and flow takes the step."""
    form = registry[action](prefix=action)
    try:
        machine.check(order, action, current_user)
    except Conflict as exc:  # the order moved on: the page as it is now, with the reason
        form.form_errors = [exc.message]
        return page(order, failed=action, form=form, status=exc.status)
    if not form.validate_on_submit():  # the one check a FlaskForm makes here: its CSRF token
        form.form_errors = [_("Formulir kedaluwarsa; coba lagi.")]
        return page(order, failed=action, form=form, status=422)
    posted = Posted()
    try:
        call = step_of(order, action, form, posted)
    except ValidationError as exc:
        rest, lines = split_errors(exc)
        apply_errors(form, rest)
        return page(order, failed=action, form=form, line_errors=lines, status=422)
    number = order.number
    outcome = run_step(order, action, form, call)
    if outcome is not None:
        status, lines = outcome
        db.session.expire_all()
        return page(queries.order_for(current_user, number), failed=action, form=form, line_errors=lines, status=status)
    flash(str(DONE[action]), "success")
    return redirect(url_for(done_endpoint, number=number))


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
