"""Pages of refunds owed to a bank account: the shopper's list and account form, finance's
list and the record of the transfer (HTTP only; the rules are in payments/bank_refunds.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.agency import agency_only
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.orders import services as orders
from marketplace.payments import bank_refunds
from marketplace.payments.forms import account_form, sent_form

bp = Blueprint("bank_refunds", __name__, template_folder="templates")


def _checked(form) -> None:
    if not form.validate_on_submit():
        fields = {name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()}
        raise ValidationError(_("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi."), fields=fields)


def _mine_page(status: int = 200, forms: dict | None = None):
    rows = bank_refunds.of_user(current_user)
    forms = forms or {}
    return render_template(
        "payments/refunds.html",
        rows=rows,
        numbers=orders.numbers_of(row.order_id for row in rows),
        forms={row.id: forms.get(row.id) or account_form(row) for row in rows if row.status != "sent"},
        labels=bank_refunds.STATUS_LABELS,
    ), status


@bp.get("/account/refunds")
@login_required
def mine():
    """The user's refunds owed to their bank account, each with its account form until sent."""
    return _mine_page()


@bp.post("/account/refunds/<int:refund_id>/account")
@login_required
def enter_account(refund_id: int):
    """Save where the refund goes; the list again with the message next to a bad field (422);
    404 for another's refund, 409 once sent."""
    row = bank_refunds.get_for_user(current_user, refund_id)
    form = account_form(row, request.form)
    try:
        _checked(form)
        bank_refunds.enter_account(
            current_user, row.id, form.bank.data, form.account_number.data, form.holder_name.data
        )
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _mine_page(status, {refund_id: form})
    flash(_("Rekening disimpan. Petugas keuangan akan mentransfer dananya."), "success")
    number = orders.numbers_of([row.order_id]).get(row.order_id or 0)
    if form.back.data == "order" and number:
        return redirect(url_for("orders.detail", number=number))
    return redirect(url_for("bank_refunds.mine"))


def _finance_page(status: int = 200, forms: dict | None = None):
    wanted = request.args.get("status") or None
    rows = bank_refunds.queue(current_user, wanted if wanted in bank_refunds.STATUS_LABELS else None)
    forms = forms or {}
    return render_template(
        "payments/finance_refunds.html",
        rows=rows,
        numbers=orders.numbers_of(row.order_id for row in rows),
        forms={row.id: forms.get(row.id) or sent_form(row) for row in rows if row.status == "owed"},
        labels=bank_refunds.STATUS_LABELS,
        wanted=wanted,
    ), status


@bp.get("/finance/refunds")
@login_required
def finance():
    """Every refund owed to a bank account, with the whole account (agency or admin finance); 403 for others."""
    agency_only()
    return _finance_page()


@bp.post("/finance/refunds/<int:refund_id>/sent")
@login_required
def mark_sent(refund_id: int):
    """Record the transfer of a refund once (agency or admin finance); the list again with the
    message next to a bad field (422) or on top (409)."""
    agency_only()
    row = bank_refunds.get_any(current_user, refund_id)
    form = sent_form(row, request.form)
    try:
        _checked(form)
        bank_refunds.mark_sent(current_user, row.id, form.bank_reference.data, form.paid_on.data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        flash(exc.message, "error")
        return _finance_page(status, {refund_id: form})
    flash(_("Pengembalian dana dicatat sudah ditransfer."), "success")
    return redirect(url_for("bank_refunds.finance"))
