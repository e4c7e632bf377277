"""Order forms: they carry CSRF and the raw values; orders.lifecycle judges them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Alasan pembatalan"), render_kw={"rows": 2, "maxlength": 1000})


class ConfirmForm(FlaskForm):
    """No fields: the CSRF token is the point (accept, complete)."""


class SellerStatusForm(FlaskForm):
    status = HiddenField()
    courier = StringField(_l("Kurir"), render_kw={"maxlength": 60, "placeholder": "JNE, J&T, SiCepat, POS…"})
    tracking_number = StringField(_l("Nomor resi"), render_kw={"maxlength": 80})
    reason = TextAreaField(_l("Alasan pembatalan"), render_kw={"rows": 2, "maxlength": 1000})
