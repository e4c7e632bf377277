"""Government buying forms: they carry CSRF and the raw values; marketplace/gov/flow.py judges
them. Per-line numbers (quantities, counted quantities, quoted prices) are inputs named
``line-<id>`` read by the views, since the lines are the order's, not the form's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from marketplace.orders.forms import courier_choices

DATE = {"type": "date"}
DIGITS = {"inputmode": "numeric", "autocomplete": "off"}


class CheckoutForm(FlaskForm):
    rup_code = StringField(_l("Kode RUP"), render_kw={"maxlength": 20, **DIGITS})
    budget_code = StringField(_l("Kode rekening belanja"), render_kw={"maxlength": 80, "autocomplete": "off"})
    delivery_date = StringField(_l("Tanggal kirim"), render_kw=DATE)
    delivery_place = TextAreaField(_l("Tempat kirim"), render_kw={"rows": 2, "maxlength": 500})
    note = TextAreaField(_l("Catatan"), render_kw={"rows": 2, "maxlength": 1000})


class ConfirmForm(FlaskForm):
    """No fields: the CSRF token is the point (approve, accept, invoice, take a quote)."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Alasan"), render_kw={"rows": 2, "maxlength": 1000})


class AmendForm(FlaskForm):
    delivery_date = StringField(_l("Tanggal kirim baru"), render_kw=DATE)
    reason = TextAreaField(_l("Alasan adendum"), render_kw={"rows": 2, "maxlength": 1000})


class ReceiveForm(FlaskForm):
    note = TextAreaField(_l("Catatan pemeriksaan"), render_kw={"rows": 2, "maxlength": 1000})


class PayForm(FlaskForm):
    paid_on = StringField(_l("Tanggal bayar"), render_kw=DATE)
    reference = StringField(_l("Nomor SP2D / referensi pembayaran"), render_kw={"maxlength": 80})
    amount = StringField(_l("Jumlah dibayar (Rp)"), render_kw=DIGITS)


class QuoteForm(FlaskForm):
    lead_days = StringField(_l("Waktu siap (hari)"), render_kw=DIGITS)
    shipping_cost = StringField(_l("Ongkir (Rp)"), render_kw=DIGITS)
    note = TextAreaField(_l("Catatan penawaran"), render_kw={"rows": 2, "maxlength": 1000})


METHOD_LABELS = {
    "pickup": _l("Diambil instansi di toko"),
    "local": _l("Diantar sendiri oleh toko"),
    "courier": _l("Kurir"),
}


class ShipForm(FlaskForm):
    # the service judges the method against the store's own (marketplace/gov/delivery.py)
    method = SelectField(_l("Cara kirim"), choices=list(METHOD_LABELS.items()), validate_choice=False)
    courier = SelectField(_l("Kurir"), choices=courier_choices, validate_choice=False)
    tracking_number = StringField(
        _l("Nomor resi"), render_kw={"maxlength": 80, "autocapitalize": "characters", "spellcheck": "false"}
    )


# which form each step of the order page posts
GOV_FORMS = {
    "accept_quote": ConfirmForm,
    "withdraw": ReasonForm,
    "approve": ConfirmForm,
    "reject": ReasonForm,
    "amend": AmendForm,
    "cancel": ReasonForm,
    "receive": ReceiveForm,
    "pay": PayForm,
}
SELLER_FORMS = {
    "quote": QuoteForm,
    "accept": ConfirmForm,
    "decline": ReasonForm,
    "ship": ShipForm,
    "invoice": ConfirmForm,
}
