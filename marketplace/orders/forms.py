"""Order forms: they carry CSRF and the raw values; orders.lifecycle judges them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from marketplace.shipping import couriers


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Alasan pembatalan"), render_kw={"rows": 2, "maxlength": 1000})


class ConfirmForm(FlaskForm):
    """No fields: the CSRF token is the point (accept, complete)."""


def courier_choices() -> list[tuple[str, str]]:
    return [("", str(_l("— pilih kurir —")))] + [(c.code, c.name) for c in couriers.COURIERS.values()]


class SellerStatusForm(FlaskForm):
    status = HiddenField()
    # the service judges the choice (marketplace/shipping/fulfilment.py), with a message next to the field
    courier = SelectField(_l("Kurir"), choices=courier_choices, validate_choice=False)
    tracking_number = StringField(
        _l("Nomor resi"), render_kw={"maxlength": 80, "autocapitalize": "characters", "spellcheck": "false"}
    )
    reason = TextAreaField(_l("Alasan pembatalan"), render_kw={"rows": 2, "maxlength": 1000})
