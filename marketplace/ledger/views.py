"""Ledger pages: the seller's balance and its CSV, and finance's payouts, settlements and
remittances (HTTP only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField

from marketplace.agency import agency_only
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.ledger import finance, payout_overview, services

bp = Blueprint("ledger", __name__, template_folder="templates")


class PayoutForm(FlaskForm):
    store = SelectField(_l("Toko"), coerce=int, validate_choice=False)
    amount = IntegerField(_l("Jumlah (rupiah)"))
    bank_reference = StringField(_l("Referensi transfer bank"), render_kw={"maxlength": 120})
    paid_on = DateField(_l("Tanggal transfer"), default=date.today)
    note = StringField(_l("Catatan"), render_kw={"maxlength": 500})


class SettlementForm(PayoutForm):
    """A store paid what it owes (commission, cash collected for others)."""


class RemittanceForm(FlaskForm):
    insurer = SelectField(_l("Perusahaan asuransi"), validate_choice=False)
    month = StringField(_l("Bulan premi (TTTT-BB)"), render_kw={"maxlength": 7, "placeholder": "2026-11"})
    amount = IntegerField(_l("Jumlah (rupiah)"))
    bank_reference = StringField(_l("Referensi transfer bank"), render_kw={"maxlength": 120})
    paid_on = DateField(_l("Tanggal transfer"), default=date.today)
    note = StringField(_l("Catatan"), render_kw={"maxlength": 500})


@bp.get("/seller/ledger")
@login_required
def seller():
    """The store's earnings, commission, refunds, payouts and balance; ``?store=`` for a user with several."""
    from marketplace.stores import services as stores

    store = services.store_for(current_user, request.args.get("store"))
    return render_template(
        "ledger/seller.html",
        store=store,
        stores=stores.stores_of(current_user),
        summary=(s := services.summary(store.id)),
        numbers=services.order_numbers(s.entries),
        kind_labels=finance.KIND_LABELS,
    )


@bp.get("/seller/ledger.csv")
@login_required
def seller_csv():
    """The store's ledger as CSV."""
    store = services.store_for(current_user, request.args.get("store"))
    body = services.csv_export(store, services.summary(store.id))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="saldo-{store.slug}.csv"'}
    )


def _form_errors(form) -> ValidationError:
    return ValidationError(fields={k: " ".join(str(e) for e in v) for k, v in form.errors.items()})


def _finance_page(status: int = 200, **forms):
    """The finance page: balances and payouts, what stores owe and their settlements, premiums
    per insurer and month and their remittances."""
    stores, balances = services.stores_with_balances()
    owing = finance.receivables(balances)
    months = finance.account_months()
    payout = forms.get("payout") or PayoutForm(formdata=None)
    settlement = forms.get("settlement") or SettlementForm(formdata=None, prefix="settlement")
    remittance = forms.get("remittance") or RemittanceForm(formdata=None, prefix="remittance")
    payout.store.choices = [(s.id, f"{s.name} ({balances.get(s.id, 0)})") for s in stores if balances.get(s.id, 0) > 0]
    settlement.store.choices = [(s.id, f"{s.name} ({owed})") for s, owed in owing]
    remittance.insurer.choices = [(a, a.split(":", 1)[1]) for a in finance.insurer_accounts()]
    return render_template(
        "ledger/payouts.html",
        form=payout,
        settlement_form=settlement,
        remittance_form=remittance,
        stores=stores,
        balances=balances,
        owing=owing,
        months=months,
        recent=services.recent_payouts(),
        settlements=finance.recent_settlements(),
        remittances=finance.recent_remittances(),
        run=payout_overview.overview(),
        run_form=FlaskForm(formdata=None),
    ), status


def _recorded(message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("ledger.payouts"))


def _record(form, key: str, message: str, act: Callable[[], object]):
    """Run ``act`` (a ValidationError for bad input) and commit, back to the finance page; or
    the page again with the errors on ``form`` (shown as the ``key`` form), 422."""
    try:
        act()
        return _recorded(message)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _finance_page(422, **{key: form})


def _store_transfer(form: PayoutForm, key: str, message: str, record: Callable[..., object]):
    """A payout or settlement of the store chosen on ``form``: ``record(user, store, amount,
    bank reference, paid on, note)``."""
    store = services.payout_store(form.store.data)

    def act() -> None:
        if not form.validate() or store is None:
            raise _form_errors(form) if form.errors else ValidationError(fields={"store": _("Pilih toko.")})
        record(current_user, store, form.amount.data, form.bank_reference.data, form.paid_on.data, form.note.data)

    return _record(form, key, message, act)


@bp.route("/finance/payouts", methods=["GET", "POST"])
@login_required
def payouts():
    """Balances of every store and the payout form (agency or admin finance); 403 for others."""
    agency_only()
    form = PayoutForm()
    if not form.is_submitted():
        return _finance_page()
    return _store_transfer(form, "payout", _("Pencairan dana dicatat."), services.record_payout)


@bp.post("/finance/settlements")
@login_required
def settlements():
    """Record a store's settlement of what it owes (agency or admin finance); 403 for others."""
    agency_only()
    form = SettlementForm(prefix="settlement")
    return _store_transfer(form, "settlement", _("Setoran toko dicatat."), finance.record_settlement)


@bp.post("/finance/remittances")
@login_required
def remittances():
    """Record premiums remitted to an insurer (agency or admin finance); 403 for others."""
    agency_only()
    form = RemittanceForm(prefix="remittance")

    def act() -> None:
        if not form.validate():
            raise _form_errors(form)
        finance.record_remittance(
            current_user,
            form.insurer.data or "",
            (form.month.data or "").strip(),
            form.amount.data,
            form.bank_reference.data,
            form.paid_on.data,
            form.note.data,
        )

    return _record(form, "remittance", _("Setoran premi ke asuransi dicatat."), act)
