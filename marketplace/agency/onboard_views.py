"""Onboarding: the agency registers an exhibitor's store and e-mails its owner a
link to claim it (one by one, or a CSV or .xlsx of many). Registered on the agency blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace import sheets
from marketplace.agency import bp, flash_claim_mail, services
from marketplace.agency.forms import BulkForm, OnboardForm
from marketplace.errors import ServiceError
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000  # an expo has a few hundred exhibitors; more is a wrong file


def _expo_choices() -> list[tuple[str, str]]:
    return [("", _("— Tidak ikut expo —"))] + [(e.slug, e.name) for e in expos.list_expos()]


def _render(form=None, bulk=None, result=None, status: int = 200):
    form = form or OnboardForm(formdata=None)
    bulk = bulk or BulkForm(formdata=None)
    form.expo.choices = bulk.expo.choices = _expo_choices()
    return render_template("agency/onboard.html", form=form, bulk=bulk, result=result), status


@bp.get("/onboard")
def onboard():
    """Register a store for its owner to claim, or many from a CSV."""
    return _render()


@bp.post("/onboard")
def onboard_one():
    """Register one approved store (optionally as an exhibitor) and e-mail its owner the claim link."""
    form = OnboardForm()
    if not form.validate_on_submit():
        return _render(form=form, status=422)
    try:
        expo = expos.get_expo(form.expo.data) if form.expo.data else None
        done = services.onboard_store(
            current_user, form.store_data(), form.owner_email.data, expo, booth=form.booth.data, zone=form.zone.data
        )
        services.queue_claim_mail(done.store, done.invite, done.token)
        db.session.commit()
    except ServiceError as exc:
        return _render(form=form, status=failed(form, exc))
    flash_claim_mail(done.invite)
    flash(_("Toko %(store)s terdaftar dan terverifikasi.", store=done.store.name), "success")
    return redirect(url_for(".store", slug=done.store.slug))


@bp.post("/onboard/bulk")
def onboard_bulk():
    """Register every row of a CSV or an .xlsx (name, sector, city, owner_email, booth, zone),
    with per-row errors; a file that cannot be read is a message next to the field (422)."""
    bulk = BulkForm()
    if not bulk.validate_on_submit():
        return _render(bulk=bulk, status=422)
    source: str | list[list[str]] = bulk.rows.data or ""
    upload = bulk.file.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            source = _uploaded_table(upload.stream.read(MAX_UPLOAD_BYTES + 1))
        except sheets.SheetError as exc:
            bulk.file.errors = [str(exc)]
            return _render(bulk=bulk, status=422)
    try:
        expo = expos.get_expo(bulk.expo.data) if bulk.expo.data else None
        result = services.bulk_onboard(current_user, source, expo)
        for done in result.created:
            services.queue_claim_mail(done.store, done.invite, done.token)
        db.session.commit()
    except ServiceError as exc:
        return _render(bulk=bulk, status=failed(bulk, exc))
    flash(
        _(
            "%(n)d toko terdaftar, %(m)d undangan masuk antrean kirim, %(e)d baris bermasalah.",
            n=len(result.created),
            m=len(result.created),
            e=len(result.errors),
        ),
        "success" if not result.errors else "warning",
    )
    return _render(bulk=BulkForm(formdata=None), result=result, status=200)


def _uploaded_table(data: bytes) -> str | list[list[str]]:
    """CSV text or an .xlsx's rows. :raise sheets.SheetError: too big, empty, .xls or unreadable."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise sheets.SheetError(_("Berkas terlalu besar (maks. 2 MB)."))
    if sheets.kind_of(data[:4096]) == "xlsx":
        return sheets.xlsx_table(data, MAX_ROWS)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise sheets.SheetError(_("Berkas bukan teks UTF-8; simpan sebagai CSV UTF-8 atau .xlsx.")) from None
