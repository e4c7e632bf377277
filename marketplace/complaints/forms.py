"""Forms of the complaint pages (CSRF and parsing; the services validate)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField

from marketplace.complaints.models import REASONS


class OpenForm(FlaskForm):
    reason = SelectField(
        _l("Alasan"), choices=[("", _l("Pilih alasan"))] + list(REASONS.items()), validate_choice=False
    )
    description = TextAreaField(_l("Ceritakan masalahnya"), render_kw={"rows": 4, "maxlength": 2000})
    photos = MultipleFileField(
        _l("Foto bukti (JPEG, PNG, atau WebP; paling banyak 5)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    lines = StringField()  # the ticked lines come as ``line`` and ``quantity_<id>``; errors land here


class AnswerForm(FlaskForm):
    decision = RadioField(
        _l("Jawaban Anda"),
        choices=[
            ("full", _l("Kembalikan dana penuh")),
            ("partial", _l("Kembalikan dana sebagian")),
            ("disagree", _l("Tidak setuju")),
        ],
        validate_choice=False,
    )
    amount = StringField(_l("Nominal pengembalian sebagian (Rp)"), render_kw={"inputmode": "numeric"})
    return_needed = BooleanField(_l("Barang harus dikirim kembali dulu"))
    note = TextAreaField(_l("Catatan / alasan"), render_kw={"rows": 3, "maxlength": 2000})


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Keputusan"),
        choices=[("refund", _l("Kembalikan dana")), ("reject", _l("Tolak komplain"))],
        validate_choice=False,
    )
    amount = StringField(_l("Nominal (Rp; kosong = seluruh nilai yang dikomplain)"), render_kw={"inputmode": "numeric"})
    return_needed = BooleanField(_l("Barang harus dikirim kembali dulu"))
    note = TextAreaField(_l("Catatan / alasan"), render_kw={"rows": 3, "maxlength": 2000})


class ReplyForm(FlaskForm):
    note = TextAreaField(_l("Alasan (boleh dikosongkan)"), render_kw={"rows": 2, "maxlength": 2000})


class ReturnForm(FlaskForm):
    courier = StringField(_l("Kurir"), render_kw={"maxlength": 60})
    tracking_number = StringField(_l("Nomor resi"), render_kw={"maxlength": 80})
