"""Finance's statement page: upload the bank's mutasi CSV, see what it confirmed, decide the rest."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from marketplace.agency.assist import is_officer
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from plugins.bank_transfer import statements
from plugins.bank_transfer.statement_formats import MAX_BYTES

bp = Blueprint("bank_statements", __name__, template_folder="templates")

FORMATS = [
    ("detect", _l("Deteksi otomatis")),
    ("bca", _l("BCA (KlikBCA, myBCA)")),
    ("mandiri", _l("Mandiri (Livin', MCM)")),
    ("generic", _l("CSV umum (tanggal, keterangan, jumlah)")),
]


class UploadForm(FlaskForm):
    file = FileField(_l("Berkas CSV mutasi rekening"))
    format = SelectField(_l("Format bank"), choices=FORMATS, default="detect")


class DecisionForm(FlaskForm):
    pass


def _finance_only():
    if not is_officer(current_user):
        abort(403)


@bp.route("/finance/transfers/statements", methods=["GET", "POST"])
@login_required
def index():
    """The upload form and past uploads; a good upload redirects to its result; 422 next to the field."""
    _finance_only()
    form, status = UploadForm(), 200
    if form.is_submitted():
        try:
            statement_id = _upload(form)
            return redirect(url_for("bank_statements.show", statement_id=statement_id))
        except ServiceError as exc:
            db.session.rollback()
            apply_errors(form, exc if exc.fields else ValidationError(fields={"file": exc.message}))
            status = exc.status
    uploads, _total = statements.recent(current_user, 20)
    return render_template("bank_transfer/statements.html", form=form, uploads=uploads), status


def _upload(form: UploadForm) -> int:
    if not form.validate():
        raise ValidationError(fields={"file": _("Formulir kedaluwarsa; coba lagi.")})
    storage = form.file.data
    if storage is None or not getattr(storage, "filename", ""):
        raise ValidationError(fields={"file": _("Pilih berkas CSV mutasi rekening.")})
    bank = None if form.format.data == "detect" else form.format.data
    result = statements.import_statement(current_user, storage.stream.read(MAX_BYTES + 1), storage.filename, bank)
    db.session.commit()
    flash(
        _(
            "%(c)d transfer dikonfirmasi, %(a)d perlu keputusan, %(u)d tidak cocok, %(d)d sudah pernah diunggah.",
            c=result.statement.confirmed,
            a=result.statement.ambiguous,
            u=result.statement.unmatched,
            d=result.statement.duplicates,
        ),
        "success",
    )
    return result.statement.id


@bp.get("/finance/transfers/statements/<int:statement_id>")
@login_required
def show(statement_id: int):
    """One upload: confirmed, ambiguous (with buttons), unmatched and bad rows; 404; 403."""
    _finance_only()
    try:
        statement = statements.get(current_user, statement_id)
    except ServiceError:
        abort(404)
    rows = statements.rows_of(statement)
    open_rows = [r for r in rows if r.status in ("ambiguous", "unmatched")]
    found = statements.candidates(open_rows)
    confirmed = statements.confirmed_transfers(r for r in rows if r.status == "confirmed")
    payments = {t.payment_id for t in confirmed.values()} | {p.id for o in found.values() for _t, p in o}
    return render_template(
        "bank_transfer/statement.html",
        statement=statement,
        rows=rows,
        candidates=found,
        confirmed=confirmed,
        numbers=statements.order_numbers(payments),
        errors=statements.errors_of(statement),
        form=DecisionForm(),
    )


@bp.post("/finance/transfers/statements/<int:statement_id>/rows/<int:row_id>/decision")
@login_required
def decide(statement_id: int, row_id: int):
    """Confirm the chosen candidate transfer for a row, or ignore the row; back to the statement."""
    _finance_only()
    if not DecisionForm().validate_on_submit():
        abort(400)
    ignore = request.form.get("ignore") == "1"
    transfer = request.form.get("transfer", type=int)
    try:
        statements.decide(current_user, statement_id, row_id, transfer, ignore)
        db.session.commit()
        flash(_("Baris diabaikan.") if ignore else _("Transfer dikonfirmasi dari mutasi."), "success")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message if not exc.fields else " ".join(exc.fields.values()), "error")
    return redirect(url_for("bank_statements.show", statement_id=statement_id))
