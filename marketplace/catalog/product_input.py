"""Cleaning a product's input: its fields, its variants' fields, prices and stock, from an HTML
form or JSON, each bad field named. :mod:`marketplace.catalog.services` applies the rules that
need the database rows and re-exports the public names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.catalog.models import Category
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import digits

MAX_PRICE = 1_000_000_000  # one billion rupiah per unit is beyond any IKM product
MAX_STOCK = 1_000_000
MAX_WEIGHT_GRAMS = 1_000_000  # a tonne: metalwork goes by cargo services (JNE JTR, SiCepat GOKIL)
MAX_SIDE_CM = 500
DIMENSIONS = ("length_cm", "width_cm", "height_cm")


def _int_field(value: Any, field: str, minimum: int, maximum: int, message: str) -> int:
    # bool is an int in Python; "true" as a price is a client bug, not 1 rupiah
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError(fields={field: message})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(fields={field: message})
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(".", "").replace("Rp", "").strip() if field.endswith("price") else value.strip()
        if not digits(cleaned[1:] if cleaned[:1] == "-" else cleaned):
            raise ValidationError(fields={field: message})
        value = int(cleaned)
    if not isinstance(value, int) or not (minimum <= value <= maximum):
        raise ValidationError(fields={field: message})
    return value


def clean_price(value: Any, field: str = "price") -> int:
    return _int_field(value, field, 1, MAX_PRICE, _("Harga harus bilangan bulat rupiah lebih dari 0."))


def clean_stock(value: Any, field: str = "stock") -> int:
    return _int_field(value, field, 0, MAX_STOCK, _("Stok harus bilangan bulat 0 atau lebih."))


def clean_weight(value: Any, field: str = "weight_grams") -> int | None:
    """Grams, or None (no weight: the product goes by pickup and local delivery only)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _int_field(value, field, 1, MAX_WEIGHT_GRAMS, _("Berat harus bilangan bulat gram."))


def clean_dimensions(data: dict) -> dict:
    """The packed size in cm, all three or none: from ``length_cm``/``width_cm``/``height_cm`` (the form)
    or a ``dimensions`` object or null (JSON); {} when neither is given."""
    prefix, raw = "", data
    if "dimensions" in data:
        prefix, raw = "dimensions.", data["dimensions"] if data["dimensions"] is not None else {}
        if not isinstance(raw, dict):
            raise ValidationError(fields={"dimensions": _("Harus objek {length_cm, width_cm, height_cm} atau null.")})
    elif not any(key in data for key in DIMENSIONS):
        return {}
    errors: dict[str, str] = {}
    message = _("Ukuran dalam cm, bilangan bulat 1 sampai %(n)d.", n=MAX_SIDE_CM)
    out = {}
    for key in DIMENSIONS:
        value = raw.get(key)
        blank = value is None or (isinstance(value, str) and not value.strip())
        out[key] = None if blank else collect(errors, _int_field, value, prefix + key, 1, MAX_SIDE_CM, message)
    if not errors and any(v is None for v in out.values()) and any(v is not None for v in out.values()):
        for key in DIMENSIONS:
            if out[key] is None:
                errors[prefix + key] = _("Isi panjang, lebar dan tinggi, atau kosongkan ketiganya.")
    if errors:
        raise ValidationError(fields=errors)
    return out


def _clean_text(value: Any, field: str, max_len: int, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(fields={field: _("Harus berupa teks.")})
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(fields={field: _("Wajib diisi.")})
    if len(text) > max_len:
        raise ValidationError(fields={field: _("Maksimal %(n)d karakter.", n=max_len)})
    return text


def category_by_slug(slug: str | None, field: str = "category") -> Category | None:
    if slug is None or slug == "":
        return None
    category = db.session.scalar(select(Category).where(Category.slug == slug)) if isinstance(slug, str) else None
    if category is None:
        raise ValidationError(fields={field: _("Kategori tidak dikenal.")})
    return category


def collect(errors: dict, fn, *args):
    """``fn(*args)``, or None with its field errors added to ``errors``: every bad field is named at once."""
    try:
        return fn(*args)
    except ValidationError as exc:
        errors.update(exc.fields)
        return None


def clean_product_fields(data: dict, partial: bool, category_lookup=category_by_slug) -> dict:
    """A product's own fields from a form or JSON (``partial``: only those given)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not partial or "name" in data:
        out["name"] = collect(errors, _clean_text, data.get("name"), "name", 160, True)
    if not partial or "description" in data:
        out["description"] = collect(errors, _clean_text, data.get("description"), "description", 20000, False)
    if not partial or "category" in data:
        out["category"] = collect(errors, category_lookup, data.get("category"))
    if "unit" in data:
        out["unit"] = collect(errors, _clean_text, data.get("unit"), "unit", 30, False) or None
    if "weight_grams" in data:
        out["weight_grams"] = collect(errors, clean_weight, data.get("weight_grams"))
    out.update(collect(errors, clean_dimensions, data) or {})
    if "status" in data:
        if data["status"] not in ("draft", "active", "archived"):
            errors["status"] = _("Status produk tidak dikenal.")
        else:
            out["status"] = data["status"]
    if errors:
        raise ValidationError(fields=errors)
    return out


def clean_variant(data: Any, index: int | None, partial: bool = False) -> dict:
    """One variant's fields; ``index`` names them as ``variants.<index>.<field>`` in a list."""
    prefix = f"variants.{index}." if index is not None else ""
    if not isinstance(data, dict):
        raise ValidationError(fields={prefix.rstrip(".") or "variant": _("Varian tidak valid.")})
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not partial or "name" in data:
        out["name"] = collect(
            errors, _clean_text, data.get("name") or ("Standar" if not partial else None), prefix + "name", 120, True
        )
    if not partial or "sku" in data:
        out["sku"] = collect(errors, _clean_text, data.get("sku"), prefix + "sku", 64, False)
    if not partial or "price" in data:
        out["price"] = collect(errors, clean_price, data.get("price"), prefix + "price")
    if not partial or "stock" in data:
        out["stock"] = collect(errors, clean_stock, data.get("stock", 0), prefix + "stock")
    if errors:
        raise ValidationError(fields=errors)
    return out
