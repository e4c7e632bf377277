"""Payout pages (HTTP only): the store's payout account (seller), the accounts waiting for the
agency's verification, and the payout run of the finance page (run, bank file, outcomes)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from marketplace.agency import agency_only
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah
from marketplace.ledger import payout_accounts, payout_files, payout_runs
from marketplace.payments import banks
from marketplace.stores import services as stores

bp = Blueprint("payouts", __name__, template_folder="templates")


class PayoutAccountForm(FlaskForm):
    bank = SelectField(_l("Bank"), validate_choice=False)
    account_number = StringField(_l("Nomor rekening"), render_kw={"maxlength": 30, "inputmode": "numeric"})
    holder_name = StringField(_l("Nama pemilik rekening"), render_kw={"maxlength": 120, "autocomplete": "name"})


@bp.route("/seller/stores/<slug>/payout-account", methods=["GET", "POST"])
@login_required
def account(slug: str):
    """The store's payout account: the owner changes it, other members see it masked.
    :raise 404: not a member. :raise 403: a member but not the owner posting."""
    store = stores.get_store(slug)
    member = stores.require_member(store, current_user)
    current = payout_accounts.get(store.id)
    form = PayoutAccountForm(obj=None if request.method == "POST" else current)
    form.bank.choices = [("", _("Pilih bank"))] + banks.choices()
    if request.method == "GET" or not form.is_submitted():
        return _account_page(store, member, form, current)
    stores.require_member(store, current_user, owner_only=True)
    try:
        if not form.validate():
            raise ValidationError(_("Sesi formulir habis; kirim ulang."))
        _saved, changed = payout_accounts.set_account(
            store, current_user, form.bank.data, form.account_number.data, form.holder_name.data
        )
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _account_page(store, member, form, payout_accounts.get(store.id), 422)
    saved = _("Rekening pencairan disimpan; menunggu verifikasi dinas.")
    flash(saved if changed else _("Tidak ada perubahan."), "success")
    return redirect(url_for(".account", slug=store.slug))


def _account_page(store, member, form, current, status: int = 200):
    full = payout_accounts.sees_full_number(store, current_user)
    return render_template(
        "ledger/payout_account.html",
        store=store,
        member=member,
        form=form,
        account=payout_accounts.as_json(current, full),
        owner=member.role == "owner",
    ), status


@bp.get("/agency/payout-accounts")
@login_required
def agency_accounts():
    """Payout accounts waiting for the agency's verification; 403 for others."""
    agency_only()
    rows = [(store, payout_accounts.as_json(acct, full=True)) for store, acct in payout_accounts.unverified()]
    return render_template("ledger/payout_accounts_agency.html", rows=rows, form=FlaskForm())


@bp.post("/agency/payout-accounts/<slug>/verify")
@login_required
def verify(slug: str):
    """Verify one store's payout account, back to the list with the outcome."""
    agency_only()
    if not FlaskForm().validate_on_submit():
        abort(400)
    store = stores.get_store(slug)
    try:
        result = payout_accounts.verify(store, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".agency_accounts"))
    if result.problem is not None:
        flash(result.problem.message, "error")
    else:
        flash(_("Rekening pencairan %(store)s terverifikasi.", store=store.name), "success")
    return redirect(url_for(".agency_accounts"))


# --- the payout run of the finance page ------------------------------------------------------


@bp.post("/finance/payouts/run")
@login_required
def run():
    """Run the payouts now (the preview is on the finance page), back to it with the outcome."""
    agency_only()
    if not FlaskForm().validate_on_submit():
        abort(400)
    result = payout_runs.run(actor=current_user)
    db.session.commit()
    flash(
        _(
            "Pencairan %(batch)s: %(n)d toko, %(total)s.",
            batch=result.batch,
            n=len(result.payouts),
            total=rupiah(result.total),
        ),
        "success",
    )
    return redirect(url_for("ledger.payouts", _anchor="payout-run"))


@bp.get("/finance/payouts/batches/<batch>.csv")
@login_required
def batch_file(batch: str):
    """The bank bulk-transfer file of run ``batch``. :raise 404: no such run without a rail."""
    agency_only()
    body = payout_files.batch_file(batch)
    if body.count("\n") < 2:
        abort(404)
    filename = "pencairan-" + payout_files.plain(batch, 40).replace(" ", "-") + ".csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/finance/payouts/<int:payout_id>/outcome")
@login_required
def outcome(payout_id: int):
    """Finance marks a pending payout sent (with the bank's reference) or failed (with why)."""
    return _mark(lambda state, ref, why: payout_runs.mark(current_user, payout_id, state, ref, why))


@bp.post("/finance/payouts/batches/<batch>/outcome")
@login_required
def batch_outcome(batch: str):
    """Finance marks every pending payout of a bank file sent (or failed) at once."""
    return _mark(lambda state, ref, why: payout_runs.mark_batch(current_user, batch, state, ref, why))


def _mark(act):
    agency_only()
    if not FlaskForm().validate_on_submit():
        abort(400)
    form = request.form
    try:
        applied = act(form.get("state", ""), form.get("bank_reference", ""), form.get("reason", ""))
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join([exc.message, *exc.fields.values()]), "error")
        return redirect(url_for("ledger.payouts", _anchor="payout-run"))
    flash(_("Hasil pencairan dicatat.") if applied else _("Hasil pencairan ini sudah tercatat."), "success")
    return redirect(url_for("ledger.payouts", _anchor="payout-run"))
