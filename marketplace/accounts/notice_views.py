"""The user's notice settings: opt in to WhatsApp notices with a number, or opt out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, TelField

from marketplace.accounts import notice_prefs
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.i18n import phone_display

bp = Blueprint("notice_prefs", __name__, template_folder="templates")


class NoticeForm(FlaskForm):
    whatsapp = TelField(_l("Nomor WhatsApp"), render_kw={"autocomplete": "tel", "placeholder": "0812-3456-7890"})
    consent = BooleanField(
        _l(
            "Saya setuju menerima pesan WhatsApp dari Apik Market di nomor ini tentang pesanan saya "
            "(diterima, dibayar, dikirim), pesanan toko saya yang menunggu diterima, dan komplain "
            "(diajukan, diputuskan). Saya bisa berhenti kapan saja di halaman ini atau dengan membalas BERHENTI."
        )
    )


class StopForm(FlaskForm):
    pass


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """The WhatsApp number and consent; "Berhenti" opts out. 422 with field errors, 409 when no
    channel is enabled on this site."""
    user = current_user._get_current_object()
    form, stop = NoticeForm(), StopForm(prefix="stop")
    available = notice_prefs.available()
    if request.method == "GET":
        form.whatsapp.data = phone_display(user.whatsapp)
        form.consent.data = notice_prefs.opted_in(user)
        return _render(form, stop, available)
    if "stop-submit" in request.form:
        if not stop.validate_on_submit():
            return _render(form, stop, available, 400)
        if notice_prefs.opt_out(user):
            db.session.commit()
        flash(_("Notifikasi WhatsApp dihentikan. Pemberitahuan tetap dikirim lewat e-mail."), "success")
        return redirect(url_for(".settings"))
    if not form.validate_on_submit():
        return _render(form, stop, available, 422)
    if not available:
        form.form_errors = [_("Notifikasi WhatsApp belum tersedia")]
        return _render(form, stop, available, 409)
    try:
        notice_prefs.opt_in(user, form.whatsapp.data, bool(form.consent.data))
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _render(form, stop, available, 422)
    except notice_prefs.NoChannel as exc:
        db.session.rollback()
        form.form_errors = [exc.message]
        return _render(form, stop, available, 409)
    db.session.commit()
    flash(_("Notifikasi WhatsApp aktif."), "success")
    return redirect(url_for(".settings"))


def _render(form, stop, available: bool, status: int = 200):
    user = current_user._get_current_object()
    page = render_template(
        "accounts/notifications.html",
        form=form,
        stop=stop,
        available=available,
        opted_in=notice_prefs.opted_in(user),
        number=phone_display(user.whatsapp),
    )
    return page, status
