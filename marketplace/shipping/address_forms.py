"""The address book's forms: they carry CSRF and the text fields; ``addresses.validate`` judges them.
The region codes come from the region picker (``picker.values``), not from WTForms fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TelField, TextAreaField

TEXT_FIELDS = ("label", "recipient", "phone", "street", "postal_code")


class AddressForm(FlaskForm):
    label = StringField(_l("Label (opsional)"), render_kw={"maxlength": 40, "placeholder": _l("Rumah, Kantor")})
    recipient = StringField(_l("Nama penerima"), render_kw={"maxlength": 120, "autocomplete": "name"})
    phone = TelField(_l("Nomor telepon"), render_kw={"autocomplete": "tel", "inputmode": "tel"})
    street = TextAreaField(
        _l("Alamat lengkap"), render_kw={"maxlength": 500, "rows": 3, "autocomplete": "street-address"}
    )
    postal_code = StringField(
        _l("Kode pos"),
        render_kw={"maxlength": 5, "inputmode": "numeric", "autocomplete": "postal-code", "pattern": "[0-9]{5}"},
    )
    is_default = BooleanField(_l("Jadikan alamat utama"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in TEXT_FIELDS}


class AddressActionForm(FlaskForm):
    """No fields: the CSRF token of delete and make-default is the point."""
