"""Bank-transfer pages: the shopper's transfer page (proof upload) and finance's queue."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField

from marketplace import media
from marketplace.agency.assist import is_officer
from marketplace.errors import NotFound, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.media import limit_uploads
from plugins.bank_transfer import services

bp = Blueprint("bank_transfer", __name__, template_folder="templates")


class ProofForm(FlaskForm):
    proof = FileField(_l("Foto bukti transfer"))
    sender_name = StringField(_l("Nama pemilik rekening pengirim"), render_kw={"maxlength": 120})


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Alasan penolakan"), render_kw={"rows": 2, "maxlength": 1000})


def _finance_only():
    if not is_officer(current_user):
        abort(403)


@bp.route("/bank-transfer/<int:payment_id>", methods=["GET", "POST"])
@limit_uploads
@login_required
def pay(payment_id: int):
    """Accounts, exact amount, deadline and the proof upload; 404 for another shopper's payment."""
    transfer, payment = services.for_shopper(current_user, payment_id)
    form, status = ProofForm(), 200
    if form.is_submitted():
        try:
            if not form.validate():
                raise ValidationError(fields={"proof": _("Formulir kedaluwarsa; coba lagi.")})
            services.submit_proof(transfer, payment, current_user, form.proof.data, form.sender_name.data)
            db.session.commit()
            flash(_("Bukti transfer terkirim. Petugas keuangan akan memeriksanya."), "success")
            return redirect(url_for("bank_transfer.pay", payment_id=payment_id))
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = exc.status
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status
    return render_template(
        "bank_transfer/pay.html", transfer=transfer, payment=payment, form=form, accounts=services.accounts()
    ), status


@bp.get("/finance/transfers")
@login_required
def queue():
    """Transfers with a proof, waiting for finance (agency or admin); 403 for others."""
    _finance_only()
    return render_template(
        "bank_transfer/queue.html",
        rows=services.queue("submitted"),
        waiting=services.queue("awaiting_proof"),
        form=DecisionForm(),
    )


@bp.post("/finance/transfers/<int:transfer_id>/<any(confirm, reject):decision>")
@login_required
def decide(transfer_id: int, decision: str):
    """Confirm (the orders become paid) or reject with a reason; 403 for non-finance users."""
    _finance_only()
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        transfer = services.get(transfer_id)
        if decision == "confirm":
            services.confirm(transfer, current_user)
            message = _("Transfer dikonfirmasi; pesanan diteruskan ke penjual.")
        else:
            services.reject(transfer, current_user, form.reason.data)
            message = _("Transfer ditolak; pembeli diberi tahu alasannya.")
        db.session.commit()
        flash(message, "success")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message if not exc.fields else " ".join(exc.fields.values()), "error")
    return redirect(url_for("bank_transfer.queue"))


@bp.get("/finance/transfers/<int:transfer_id>/proof")
@login_required
def proof(transfer_id: int):
    """The proof image, for finance and for the shopper who sent it; 404 otherwise."""
    try:
        path = services.proof_path(transfer_id, current_user)
    except NotFound:
        abort(404)
    return media.send_private(path)
