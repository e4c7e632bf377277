"""Forms of the insurance pages (CSRF and parsing; the services validate)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget


class ClaimForm(FlaskForm):
    incident_date = DateField(_l("Tanggal kejadian"), validators=[Optional()])
    cause = SelectField(_l("Penyebab"), choices=[], validate_choice=False)
    description = TextAreaField(_l("Uraian kejadian"), render_kw={"rows": 5})
    amount = StringField(_l("Nilai kerugian yang diklaim (Rp)"), render_kw={"inputmode": "numeric"})
    photos = MultipleFileField(
        _l("Foto bukti (JPEG, PNG, atau WebP; paling banyak 5)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


class PhotosForm(FlaskForm):
    photos = MultipleFileField(_l("Tambah foto bukti"), render_kw={"accept": "image/jpeg,image/png,image/webp"})


class DecisionForm(FlaskForm):
    decision = StringField()  # set by the button's form (approve, reject, paid)
    amount = StringField(_l("Nilai yang disetujui (Rp)"), render_kw={"inputmode": "numeric"})
    note = TextAreaField(_l("Catatan / alasan"), render_kw={"rows": 3})


class GrantForm(FlaskForm):
    store = StringField(_l("Slug toko"))
    product = SelectField(_l("Produk"), choices=[], validate_choice=False)


class ExpoGrantForm(FlaskForm):
    expo = SelectField(_l("Expo"), choices=[], validate_choice=False)
    product = SelectField(_l("Produk"), choices=[], validate_choice=False)


class ProtectionForm(FlaskForm):
    percent = StringField(_l("Tarif premi (persen dari nilai barang)"))
    minimum = StringField(_l("Premi minimum per pesanan (Rp)"))
    insurer = SelectField(_l("Penjamin proteksi pesanan"), choices=[], validate_choice=False)


class ProductForm(FlaskForm):
    name = StringField(_l("Nama produk"))
    object_kind = SelectField(_l("Objek pertanggungan"), choices=[], validate_choice=False)
    coverage = TextAreaField(_l("Pertanggungan"), render_kw={"rows": 4})
    causes = SelectMultipleField(
        _l("Risiko yang dijamin"),
        choices=[],
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    sum_insured = StringField(_l("Nilai pertanggungan (Rp)"))
    premium = StringField(_l("Premi (Rp)"))
    period_months = StringField(_l("Masa pertanggungan (bulan)"))
    active = BooleanField(_l("Masih diberikan"))


class CancelForm(FlaskForm):
    reason = StringField(_l("Alasan pembatalan"))
