"""Insurers and products: read and edited as data (the agency changes terms).

The vocabulary of causes (their labels) is here; which causes a product covers
is data on the product."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace import audit
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _

from .models import OBJECT_KINDS, InsuranceProduct, Insurer

CAUSES = {
    "kebakaran": _l("Kebakaran"),
    "petir": _l("Sambaran petir"),
    "ledakan": _l("Ledakan"),
    "kejatuhan_pesawat": _l("Kejatuhan pesawat terbang"),
    "asap": _l("Asap"),
    "pencurian": _l("Pencurian"),
    "banjir": _l("Banjir"),
    "gempa_bumi": _l("Gempa bumi"),
    # order protection
    "barang_rusak": _l("Barang tiba dalam keadaan rusak"),
    "tidak_sampai": _l("Barang tidak sampai"),
}
PROTECTION_CAUSES = ("barang_rusak", "tidak_sampai")
POLICY_CAUSES = tuple(c for c in CAUSES if c not in PROTECTION_CAUSES)
OBJECT_LABELS = {"shop": _l("Warung / toko"), "kiosk": _l("Kios"), "cart": _l("Gerobak")}
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
MAX_AMOUNT = 10_000_000_000


def cause_label(code: str) -> str:
    return str(CAUSES.get(code, code))


def object_label(kind: str) -> str:
    return str(OBJECT_LABELS.get(kind, kind))


def insurers() -> list[Insurer]:
    return list(db.session.scalars(select(Insurer).order_by(Insurer.name)))


def insurer_by_code(code: str | None) -> Insurer | None:
    if not code:
        return None
    return db.session.scalar(select(Insurer).where(Insurer.code == code.strip().lower()))


def products(active_only: bool = False) -> list[InsuranceProduct]:
    query = select(InsuranceProduct).options(joinedload(InsuranceProduct.insurer)).order_by(InsuranceProduct.id)
    if active_only:
        query = query.where(InsuranceProduct.active.is_(True))
    return list(db.session.scalars(query))


def get_product(code: str | None) -> InsuranceProduct:
    """The product with this code; NotFound otherwise."""
    product = db.session.scalar(
        select(InsuranceProduct)
        .options(joinedload(InsuranceProduct.insurer))
        .where(InsuranceProduct.code == str(code or "").strip().lower())
    )
    if product is None:
        raise NotFound(_("Produk asuransi tidak ditemukan."))
    return product


def get_product_by_id(product_id: int) -> InsuranceProduct:
    product = db.session.get(InsuranceProduct, product_id, options=[joinedload(InsuranceProduct.insurer)])
    if product is None:
        raise NotFound(_("Produk asuransi tidak ditemukan."))
    return product


def _amount(raw, field: str, errors: dict, minimum: int = 1) -> int | None:
    try:
        value = int(str(raw).replace(".", "").strip()) if not isinstance(raw, int) or isinstance(raw, bool) else raw
    except (TypeError, ValueError):
        errors[field] = _("Tulis jumlah rupiah berupa angka.")
        return None
    if isinstance(value, bool) or not minimum <= value <= MAX_AMOUNT:
        errors[field] = _("Jumlah harus antara %(a)s dan %(b)s.", a=minimum, b=MAX_AMOUNT)
        return None
    return value


def update_product(actor, product: InsuranceProduct, data: dict) -> InsuranceProduct:
    """Change a product's terms (name, coverage, causes, sum insured, premium,
    period, active). Policies granted earlier keep their own snapshot."""
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 120:
        errors["name"] = _("Nama wajib diisi, maksimal 120 karakter.")
    coverage = str(data.get("coverage") or "").strip()
    if not coverage:
        errors["coverage"] = _("Tuliskan pertanggungan produk ini.")
    raw_causes = data.get("causes") or []
    causes = [c.strip() for c in (raw_causes.split(",") if isinstance(raw_causes, str) else raw_causes) if c.strip()]
    if not causes or any(c not in POLICY_CAUSES for c in causes):
        errors["causes"] = _("Pilih risiko yang dijamin dari daftar.")
    kind = data.get("object_kind") or product.object_kind
    if kind not in OBJECT_KINDS:
        errors["object_kind"] = _("Jenis objek tidak dikenal.")
    sum_insured = _amount(data.get("sum_insured"), "sum_insured", errors)
    premium = _amount(data.get("premium"), "premium", errors, minimum=0)
    period = _amount(data.get("period_months"), "period_months", errors)
    if period is not None and period > 120:
        errors["period_months"] = _("Masa pertanggungan paling lama 120 bulan.")
    if errors:
        raise ValidationError(fields=errors)
    old = {
        "sum_insured": product.sum_insured,
        "premium": product.premium,
        "period_months": product.period_months,
        "causes": product.causes,
    }
    product.name, product.coverage, product.causes, product.object_kind = name, coverage, ",".join(causes), kind
    product.sum_insured, product.premium, product.period_months = sum_insured, premium, period
    product.active = bool(data.get("active", product.active))
    audit.record(actor, "insurance.product_updated", "insurance_product", product.id, code=product.code, old=old)
    return product
