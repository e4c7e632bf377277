"""Ledger pages: the seller's balance and its CSV, and finance's payouts (HTTP only)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField

from marketplace.agency import agency_only
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.ledger import services

bp = Blueprint("ledger", __name__, template_folder="templates")


class PayoutForm(FlaskForm):
    store = SelectField(_l("Toko"), coerce=int, validate_choice=False)
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


@bp.route("/finance/payouts", methods=["GET", "POST"])
@login_required
def payouts():
    """Balances of every store and the payout form (agency or admin finance); 403 for others."""
    agency_only()
    stores, balances = services.stores_with_balances()
    form = PayoutForm()
    form.store.choices = [(s.id, f"{s.name} ({balances.get(s.id, 0)})") for s in stores]
    status = 200
    if form.is_submitted():
        store = services.payout_store(form.store.data)
        try:
            if not form.validate() or store is None:
                raise ValidationError(
                    fields={k: " ".join(str(e) for e in v) for k, v in form.errors.items()}
                    or {"store": _("Pilih toko.")}
                )
            services.record_payout(
                current_user, store, form.amount.data, form.bank_reference.data, form.paid_on.data, form.note.data
            )
            db.session.commit()
            flash(_("Pencairan dana dicatat."), "success")
            return redirect(url_for("ledger.payouts"))
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 422
    return render_template(
        "ledger/payouts.html", form=form, stores=stores, balances=balances, recent=services.recent_payouts()
    ), status
