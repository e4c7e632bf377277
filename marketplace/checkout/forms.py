"""The checkout form: the shipping address, the payment method, extras, and two
hidden fields — the cart's fingerprint as the shopper saw it, and an
idempotency key so a double submit makes one set of orders.

The address is an address-book entry or a new one (the fields below and the region picker);
the service checks whichever it is (checkout/shipping.py), so the fields are optional here.
The shipping option per store is read from ``ship_<store slug>`` (checkout/shipping_page.py),
the payment channel from ``channel-<method id>``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TelField, TextAreaField
from wtforms.validators import InputRequired, Optional

REQUIRED = _l("Wajib diisi.")


class CheckoutForm(FlaskForm):
    name = StringField(_l("Nama penerima"), validators=[Optional()], render_kw={"autocomplete": "name"})
    phone = TelField(
        _l("Nomor telepon"),
        validators=[Optional()],
        render_kw={"autocomplete": "tel", "placeholder": "0812-3456-7890"},
    )
    address = TextAreaField(
        _l("Jalan, nomor, RT/RW"),
        validators=[Optional()],
        render_kw={
            "autocomplete": "street-address",
            "rows": 2,
            "placeholder": _l("Jl. Kapten Sudibyo No. 12, RT 02/RW 03"),
        },
    )
    city = StringField(_l("Kota/kabupaten"), validators=[Optional()], render_kw={"autocomplete": "address-level2"})
    postal_code = StringField(
        _l("Kode pos"),
        validators=[Optional()],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 5},
    )
    # the service judges the choice (a method switched off meanwhile gets a clear message)
    payment_method = RadioField(
        _l("Metode pembayaran"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Pilih metode pembayaran."))],
    )
    # the bank or wallet of the chosen method: its radios are named ``channel-<method id>``, so a
    # choice left under another method is never sent as this one's (checkout/views.py reads it);
    # the field carries the service's error to its place on the page
    payment_channel = StringField(_l("Bank atau dompet digital"), validators=[Optional()])
    extras = SelectMultipleField(_l("Tambahan"), validate_choice=False)
    cart_version = HiddenField()
    idempotency_key = HiddenField()
