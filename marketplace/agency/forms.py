"""Forms of the agency console: they parse and carry CSRF; the services judge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from marketplace.catalog.sectors import sector_choices
from marketplace.stores.forms import Needed


class ActionForm(FlaskForm):
    """A button that changes something: CSRF only."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Alasan (dibaca penjual)"), render_kw={"maxlength": 1000, "rows": 3})


class EmailForm(FlaskForm):
    email = StringField(_l("E-mail pemilik"), [Needed()], render_kw={"type": "email", "autocomplete": "off"})


class FeaturedAddForm(FlaskForm):
    store = SelectField(_l("Toko"), choices=[], validate_choice=False)


class CommissionForm(FlaskForm):
    percent = StringField(
        _l("Komisi marketplace (%)"),
        [Needed()],
        render_kw={"inputmode": "decimal", "maxlength": 6, "placeholder": "2,5"},
    )
    # optional: a form without it (an older page, a script) leaves the government commission as it is
    gov_percent = StringField(
        _l("Komisi pesanan instansi (%)"),
        render_kw={"inputmode": "decimal", "maxlength": 6, "placeholder": "0"},
    )


class ExpoForm(FlaskForm):
    name = StringField(_l("Nama expo"), [Needed()], render_kw={"maxlength": 160})
    slug = StringField(_l("Slug (alamat /expo/...)"), render_kw={"maxlength": 80, "placeholder": "apik-banget-2027"})
    starts_at = StringField(_l("Mulai (WIB)"), [Needed()], render_kw={"type": "datetime-local"})
    ends_at = StringField(_l("Selesai (WIB)"), [Needed()], render_kw={"type": "datetime-local"})
    description = TextAreaField(_l("Deskripsi"), render_kw={"maxlength": 5000})
    zones = TextAreaField(_l("Zona (satu per baris)"), render_kw={"rows": 5})


class BannerForm(FlaskForm):
    banner = FileField(_l("Banner expo"), render_kw={"accept": "image/jpeg,image/png,image/webp"})


class ZoneForm(FlaskForm):
    zone_name = StringField(_l("Nama zona"), [Needed()], render_kw={"maxlength": 80})


class ExhibitorForm(FlaskForm):
    store = SelectField(_l("Toko"), [Needed()], choices=[], validate_choice=False)
    booth = StringField(_l("Nomor stan"), render_kw={"maxlength": 20, "placeholder": "K-01"})
    zone = SelectField(_l("Zona"), choices=[], validate_choice=False)


class OnboardForm(FlaskForm):
    name = StringField(_l("Nama toko"), [Needed()], render_kw={"maxlength": 120})
    sector = SelectField(_l("Sektor"), [Needed()], choices=[], validate_choice=False)
    city = StringField(_l("Kota / kabupaten"), render_kw={"maxlength": 80})
    nib = StringField(_l("NIB"), render_kw={"inputmode": "numeric", "maxlength": 20})
    whatsapp = StringField(_l("Nomor WhatsApp"), render_kw={"inputmode": "tel"})
    owner_email = StringField(_l("E-mail pemilik"), [Needed()], render_kw={"type": "email", "autocomplete": "off"})
    expo = SelectField(_l("Ikut expo"), choices=[], validate_choice=False)
    booth = StringField(_l("Nomor stan"), render_kw={"maxlength": 20})
    zone = StringField(_l("Zona (nama atau slug)"), render_kw={"maxlength": 80})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("— Pilih sektor —")), *sector_choices()]

    def store_data(self) -> dict:
        return {name: getattr(self, name).data for name in ("name", "sector", "city", "nib", "whatsapp")}


class BulkForm(FlaskForm):
    expo = SelectField(_l("Ikut expo"), choices=[], validate_choice=False)
    rows = TextAreaField(_l("Tempel CSV peserta"), render_kw={"rows": 8, "spellcheck": "false"})
    file = FileField(
        _l("atau unggah berkas CSV atau Excel (.xlsx)"),
        render_kw={"accept": ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
