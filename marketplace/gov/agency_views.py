"""The agency's registry of offices under /agency/gov/: the offices, a new one, one office with
its officials, appointing and dismissing them. Registered on the agency blueprint, so only
officers (and admins) get here (``marketplace.agency.agency_only``).

HTTP only: the forms parse, ``marketplace.gov.offices`` decides, the view commits or rolls back.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from marketplace.agency import bp, flash_error
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.gov import offices
from marketplace.gov.models import POSITIONS
from marketplace.i18n import gettext as _


class OfficeForm(FlaskForm):
    name = StringField(_l("Nama instansi"), render_kw={"maxlength": 200, "autocomplete": "organization"})
    code = StringField(
        _l("Kode satker"), render_kw={"maxlength": 30, "inputmode": "decimal", "placeholder": "4.01.0.00.0.00.01.0000"}
    )
    npwp = StringField(
        _l("NPWP"), render_kw={"maxlength": 24, "inputmode": "numeric", "placeholder": "01.234.567.8-901.000"}
    )
    address = TextAreaField(_l("Alamat"), render_kw={"maxlength": 500, "rows": 3})
    city = StringField(_l("Kota/kabupaten"), render_kw={"maxlength": 80, "placeholder": "Kota Tegal"})
    active = BooleanField(_l("Aktif (pejabatnya dapat berbelanja)"), default=True)


class AppointForm(FlaskForm):
    email = StringField(_l("E-mail"), render_kw={"maxlength": 254, "type": "email", "autocomplete": "off"})
    position = SelectField(
        _l("Jabatan"), choices=[(p, offices.POSITION_LABELS[p]) for p in POSITIONS], validate_choice=False
    )
    nip = StringField(_l("NIP (boleh kosong)"), render_kw={"maxlength": 24, "inputmode": "numeric"})
    name = StringField(_l("Nama (untuk akun baru)"), render_kw={"maxlength": 120})


def _office_data(form: OfficeForm, with_active: bool) -> dict:
    data = {name: getattr(form, name).data for name in ("name", "code", "npwp", "address", "city")}
    if with_active:
        data["active"] = bool(form.active.data)
    return data


@bp.get("/gov/offices")
def gov_offices():
    """Every office with the number of its active officials."""
    return render_template("agency/gov_offices.html", rows=offices.list_offices())


@bp.route("/gov/offices/new", methods=["GET", "POST"])
def gov_office_new():
    """Register an office; to its page, where its officials are appointed."""
    form = OfficeForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                office = offices.register_office(current_user, _office_data(form, with_active=False))
                db.session.commit()
            except ServiceError as exc:
                status = failed(form, exc)
            else:
                flash(_("Instansi %(name)s terdaftar. Angkat pejabatnya di bawah.", name=office.name), "success")
                return redirect(url_for(".gov_office", code=office.code))
        else:
            status = 422
    return render_template("agency/gov_office_new.html", form=form), status


@bp.route("/gov/offices/<code>", methods=["GET", "POST"])
def gov_office(code: str):
    """An office's data (editable) and its officials, with the form to appoint one."""
    office = offices.get_office(code)
    form = OfficeForm() if request.method == "POST" else OfficeForm(formdata=None, obj=office)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                offices.update_office(current_user, office, _office_data(form, with_active=True))
                db.session.commit()
            except ServiceError as exc:
                status = failed(form, exc)
                office = offices.get_office(code)
            else:
                flash(_("Data instansi %(name)s disimpan.", name=office.name), "success")
                return redirect(url_for(".gov_office", code=office.code))
        else:
            status = 422
    return _office_page(office, form, AppointForm(formdata=None), status)


def _office_page(office, form, appoint_form, status: int):
    return render_template(
        "agency/gov_office.html",
        office=office,
        form=form,
        appoint_form=appoint_form,
        officials=offices.officials_of(office),
        position_label=offices.position_label,
    ), status


@bp.post("/gov/offices/<code>/officials")
def gov_office_appoint(code: str):
    """Appoint an official: an existing account by its e-mail, or a new one that gets a link to
    set its password."""
    office = offices.get_office(code)
    appoint_form = AppointForm()
    if not appoint_form.validate_on_submit():
        return _office_page(office, OfficeForm(formdata=None, obj=office), appoint_form, 422)
    try:
        official = offices.appoint(
            current_user,
            office,
            appoint_form.email.data,
            appoint_form.position.data,
            nip=appoint_form.nip.data,
            name=appoint_form.name.data,
        )
        email = appoint_form.email.data.strip()
        db.session.commit()
    except ServiceError as exc:
        status = failed(appoint_form, exc)
        office = offices.get_office(code)
        return _office_page(office, OfficeForm(formdata=None, obj=office), appoint_form, status)
    flash(
        _(
            "%(email)s diangkat sebagai %(position)s. E-mail pemberitahuan masuk antrean kirim.",
            email=email,
            position=offices.position_label(official.position),
        ),
        "success",
    )
    return redirect(url_for(".gov_office", code=office.code))


@bp.post("/gov/offices/<code>/officials/<int:user_id>/dismiss")
def gov_office_dismiss(code: str, user_id: int):
    """End an official's position; back to the office's page."""
    office = offices.get_office(code)
    form = FlaskForm()
    if not form.validate_on_submit():
        flash(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."), "error")
        return redirect(url_for(".gov_office", code=office.code))
    try:
        official = offices.get_official(office, user_id)
        offices.dismiss(current_user, official)
        db.session.commit()
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash_error(exc)
    else:
        flash(_("Pejabat diberhentikan; ia tidak bisa lagi bertindak untuk instansi ini."), "success")
    return redirect(url_for(".gov_office", code=office.code))
