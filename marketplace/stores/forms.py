"""Forms of the seller pages. They parse and carry CSRF; the rules (required
fields, NIB, prices, stock, SKUs, image types) are checked by the services, so
the fields carry no validators beyond a "required" mark for the label."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import html_params

from marketplace.catalog.sectors import category_name, sector_choices, sector_name

PRODUCT_STATUS_CHOICES = [
    ("draft", _l("Draf")),
    ("active", _l("Aktif (tampil di toko)")),
    ("archived", _l("Diarsipkan")),
]
NEW_VARIANT_ROWS = 3  # on the create form: one row plus optional extra rows
MAX_ROWS = 60  # rows beyond this are dropped; the service caps variants at 50


class Needed:
    """Marks a field as required (label asterisk, HTML ``required``); the service checks it."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class GroupedSelect:
    """A select with a blank first option and one <optgroup> per group.

    ``field.groups`` is a list of ``(group label, [(value, label), ...])``."""

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        html = [
            f"<select {html_params(name=field.name, **kwargs)}>",
            f'<option value="">{escape(field.blank_label)}</option>',
        ]
        current = field.data or ""
        for group, options in field.groups:
            html.append(f"<optgroup {html_params(label=group)}>")
            for value, label in options:
                selected = " selected" if value == current else ""
                html.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
            html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))


class CategoryField(StringField):
    """A category slug picked from categories grouped by sector."""

    widget = GroupedSelect()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: list = []
        self.blank_label = _l("— Pilih kategori —")

    def set_categories(self, grouped, english: bool = False) -> None:
        self.groups = [
            (sector_name(sector), [(c.slug, category_name(c, english)) for c in items]) for sector, items in grouped
        ]


class StoreForm(FlaskForm):
    name = StringField(_l("Nama toko"), [Needed()], render_kw={"maxlength": 120})
    nib = StringField(
        _l("NIB (Nomor Induk Berusaha)"), render_kw={"inputmode": "numeric", "maxlength": 20, "autocomplete": "off"}
    )
    city = StringField(_l("Kota / kabupaten"), render_kw={"maxlength": 80})
    address = StringField(_l("Alamat"), render_kw={"maxlength": 255})
    sector = SelectField(_l("Sektor"), [Needed()], choices=[], validate_choice=False)
    whatsapp = StringField(_l("Nomor WhatsApp"), render_kw={"inputmode": "tel", "autocomplete": "tel"})
    description = TextAreaField(_l("Deskripsi toko"), render_kw={"maxlength": 5000})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("— Pilih sektor —")), *sector_choices()]

    def service_data(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in ("name", "nib", "city", "address", "sector", "whatsapp", "description")
        }


class StoreSettingsForm(StoreForm):
    allow_agency_assist = BooleanField(_l("Izinkan petugas dinas membantu mengelola toko ini"))

    def service_data(self) -> dict:
        return {**super().service_data(), "allow_agency_assist": self.allow_agency_assist.data}


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo toko"), render_kw={"accept": "image/jpeg,image/png,image/webp"})


class InviteForm(FlaskForm):
    email = StringField(_l("E-mail staf"), [Needed()], render_kw={"type": "email", "autocomplete": "off"})


class VariantRow(Form):
    """One variant line of the product form (a sub-form: the parent carries CSRF)."""

    id = HiddenField()
    name = StringField(_l("Nama varian"), render_kw={"maxlength": 120, "placeholder": _l("mis. Merah, L, 250 g")})
    sku = StringField(_l("SKU"), render_kw={"maxlength": 64})
    price = StringField(_l("Harga (Rp)"), render_kw={"inputmode": "numeric"})
    stock = StringField(_l("Stok"), render_kw={"inputmode": "numeric"})

    def is_blank(self) -> bool:
        return not any((getattr(self, f).data or "").strip() for f in ("name", "sku", "price", "stock"))

    def service_data(self) -> dict:
        return {"name": self.name.data, "sku": self.sku.data, "price": self.price.data, "stock": self.stock.data}


class ProductForm(FlaskForm):
    name = StringField(_l("Nama produk"), [Needed()], render_kw={"maxlength": 160})
    description = TextAreaField(_l("Deskripsi"))
    category = CategoryField(_l("Kategori"))
    unit = StringField(_l("Satuan"), render_kw={"maxlength": 30, "placeholder": _l("pcs, lembar, botol")})
    weight_grams = StringField(_l("Berat (gram)"), render_kw={"inputmode": "numeric"})
    length_cm = StringField(_l("Panjang (cm)"), render_kw={"inputmode": "numeric"})
    width_cm = StringField(_l("Lebar (cm)"), render_kw={"inputmode": "numeric"})
    height_cm = StringField(_l("Tinggi (cm)"), render_kw={"inputmode": "numeric"})
    status = SelectField(_l("Status"), choices=PRODUCT_STATUS_CHOICES, default="draft", validate_choice=False)
    variants = FieldList(FormField(VariantRow), min_entries=1, max_entries=MAX_ROWS)

    def product_data(self) -> dict:
        data = {name: getattr(self, name).data for name in ("name", "description", "category", "unit", "status")}
        data["category"] = data["category"] or None
        for name in ("weight_grams", "length_cm", "width_cm", "height_cm"):
            data[name] = (getattr(self, name).data or "").strip() or None
        return data


class PhotoForm(FlaskForm):
    photo = FileField(_l("Foto produk"), render_kw={"accept": "image/jpeg,image/png,image/webp"})


class ClaimForm(FlaskForm):
    """An invited owner without an account: a name and a password take the store over."""

    name = StringField(_l("Nama lengkap"), [Needed()], render_kw={"autocomplete": "name", "maxlength": 120})
    password = PasswordField(_l("Kata sandi"), [Needed()], render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Ulangi kata sandi"), [Needed()], render_kw={"autocomplete": "new-password"})
