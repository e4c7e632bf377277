"""What the office's and the seller's pages of government buying share (HTTP only;
marketplace/gov/flow.py decides): reading a step's form, showing an order with the steps the
user may take, and taking a step with its answers — 409 when the order moved on, 403 for the
wrong person, 422 beside the fields, a flash and a redirect when done."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.gov import flow, machine, paperwork, queries
from marketplace.gov.models import GOV_ORDER_STATUSES, GovOffice
from marketplace.i18n import gettext as _
from marketplace.inputs import parse_date, whole_number

MAX_RUPIAH = 10**12  # far above any direct purchase: the service judges the real bounds

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


def today() -> date:
    return to_jakarta(now()).date()


def status_arg() -> str | None:
    status = request.args.get("status")
    return status if status in GOV_ORDER_STATUSES else None


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
        labels=machine.STEP_LABELS,
        actions=actions,
        forms=forms,
        failed=failed,
        posted=request.form if failed else {},
        line_errors=line_errors or {},
        **extra,
    ), status


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
