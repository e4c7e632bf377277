"""The E-Smart IKM exchange format (../shared/ESMART.md) mapped to and from
the marketplace's own fields. This module and values.py (its single values)
are the only ones that know the directory's vocabulary; another source would
get an adapter beside them.

Records become ``IkmData`` / ``ProductData``: values cleaned the way the
core services want them, plus the issues found on the way. A record with an
``error`` issue is skipped; ``warning`` issues drop or default one field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from marketplace.catalog.sectors import DEFAULT_SECTOR, SECTORS
from marketplace.i18n import gettext as _

from .values import RecordError as RecordError
from .values import has_broken_text, whole_number
from .values import normalise_name as normalise_name
from .values import parse_rupiah as parse_rupiah
from .values import sector_slug as sector_slug
from .values import split_photo_urls as split_photo_urls
from .values import text_value as text_value

# spreadsheet headers (ESMART.md "Files"); sentra is accepted when present
IKM_COLUMNS = (
    "ikm_id",
    "nib",
    "nama_usaha",
    "pemilik",
    "kbli",
    "sektor",
    "sentra",
    "alamat",
    "kota",
    "telepon",
    "email",
)
PRODUCT_COLUMNS = (
    "produk_id",
    "nama_produk",
    "deskripsi",
    "kategori",
    "harga",
    "satuan",
    "stok",
    "berat_gram",
    "foto_url",
)
REQUIRED_COLUMNS = ("ikm_id", "nama_usaha")

MAX_DESCRIPTION = 20_000  # what catalog.services accepts
MAX_PHOTOS = 8
PROFILE_FIELDS = ("name", "nib", "address", "city", "sector")
PRODUCT_FIELDS = ("name", "description", "category", "unit", "weight_grams")


@dataclass
class Issue:
    kind: str  # error | warning | conflict
    reason: str
    field: str | None = None
    row: int | None = None
    record_id: str | None = None


@dataclass
class ProductData:
    esmart_id: str | None
    row: int | None
    fields: dict[str, Any] = field(default_factory=dict)  # PRODUCT_FIELDS present in the record
    category_hint: str | None = None
    price: int | None = None
    stock: int = 0
    photos: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(i.kind == "error" for i in self.issues)


@dataclass
class IkmData:
    esmart_id: str | None
    row: int | None
    profile: dict[str, Any] = field(default_factory=dict)  # PROFILE_FIELDS present in the record
    contact: dict[str, Any] = field(default_factory=dict)  # whatsapp: set on creation only
    link: dict[str, Any] = field(default_factory=dict)  # kbli, sentra, owner_name, contact_email
    products: list[ProductData] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    continued: bool = False  # more spreadsheet rows of an IKM met earlier in the file

    @property
    def valid(self) -> bool:
        return not any(i.kind == "error" for i in self.issues)


# --- records to IkmData ----------------------------------------------------------


class _Collector:
    """Cleans fields one by one, turning RecordError into an issue of the given kind."""

    def __init__(self, issues: list[Issue], row: int | None, record_id: str | None):
        self.issues, self.row, self.record_id = issues, row, record_id

    def take(self, kind: str, fn, *args, field_name: str | None = None):
        try:
            return fn(*args)
        except RecordError as exc:
            self.issues.append(Issue(kind, exc.reason, field_name or exc.field, self.row, self.record_id))
            return None

    def note(self, kind: str, reason: str, field_name: str | None = None) -> None:
        self.issues.append(Issue(kind, reason, field_name, self.row, self.record_id))


def ikm_from_record(raw: Any, row: int | None) -> IkmData:
    """One IKM record of the directory (ESMART.md), cleaned; issues say what was wrong."""
    if not isinstance(raw, dict):
        ikm = IkmData(None, row)
        ikm.issues.append(Issue("error", _("Rekaman IKM harus berupa objek."), None, row, None))
        return ikm
    row = raw.get("_row", row)
    ikm = IkmData(None, row)
    c = _Collector(ikm.issues, row, None)
    ikm.esmart_id = c.take("error", text_value, raw.get("id"), "id", 64, True)
    c.record_id = ikm.esmart_id
    name = c.take("error", text_value, raw.get("nama_usaha"), "nama_usaha", 120, True)
    if name:
        ikm.profile["name"] = name
    _profile_fields(raw, ikm, c)
    _link_fields(raw, ikm, c)
    ikm.continued = bool(raw.get("_continued"))
    produk = raw.get("produk")
    if produk is not None and not isinstance(produk, list):
        c.note("error", _("Daftar produk harus berupa larik."), "produk")
        produk = []
    for item in produk or []:
        ikm.products.append(product_from_record(item, row))
    return ikm


def _profile_fields(raw: dict, ikm: IkmData, c: _Collector) -> None:
    nib = c.take("warning", text_value, raw.get("nib"), "nib", 40)
    if nib:
        digits = re.sub(r"[\s.\-]", "", nib)
        if re.fullmatch(r"\d{13}", digits):
            ikm.profile["nib"] = digits
        else:
            c.note("warning", _("NIB harus 13 angka; NIB diabaikan."), "nib")
    for key, target, max_len in (("alamat", "address", 255), ("kota", "city", 80)):
        value = c.take("warning", text_value, raw.get(key), key)
        if value:
            ikm.profile[target] = value[:max_len]
    sektor = c.take("warning", text_value, raw.get("sektor"), "sektor", 60)
    if sektor:
        slug = sector_slug(sektor)
        if slug not in SECTORS:
            c.note("warning", _("Sektor %(s)s tidak dikenal; memakai %(d)s.", s=sektor, d=DEFAULT_SECTOR), "sektor")
            slug = DEFAULT_SECTOR
        ikm.profile["sector"] = slug
    telepon = c.take("warning", text_value, raw.get("telepon"), "telepon", 40)
    if telepon:
        ikm.contact["whatsapp"] = telepon


def _link_fields(raw: dict, ikm: IkmData, c: _Collector) -> None:
    kbli = c.take("warning", text_value, raw.get("kbli"), "kbli", 20)
    if kbli and not re.fullmatch(r"\d{5}", kbli):
        c.note("warning", _("KBLI harus 5 angka; KBLI diabaikan."), "kbli")
        kbli = None
    ikm.link["kbli"] = kbli
    sentra = c.take("warning", text_value, raw.get("sentra"), "sentra")
    ikm.link["sentra"] = sentra[:160] if sentra else None
    owner = c.take("warning", text_value, raw.get("pemilik"), "pemilik")
    ikm.link["owner_name"] = owner[:120] if owner else None
    ikm.link["contact_email"] = c.take("warning", _email, raw.get("email"))


def _email(raw: Any) -> str | None:
    from marketplace.accounts.services import normalise_email
    from marketplace.errors import ValidationError

    value = text_value(raw, "email", 254)
    if not value:
        return None
    try:
        return normalise_email(value)
    except ValidationError:
        raise RecordError("email", _("Alamat e-mail tidak valid; diabaikan.")) from None


def product_from_record(raw: Any, row: int | None) -> ProductData:
    """One product of an IKM record, cleaned."""
    if not isinstance(raw, dict):
        product = ProductData(None, row)
        product.issues.append(Issue("error", _("Rekaman produk harus berupa objek."), None, row, None))
        return product
    row = raw.get("_row", row)
    p = ProductData(None, row)
    c = _Collector(p.issues, row, None)
    p.esmart_id = c.take("error", text_value, raw.get("id"), "produk.id", 64, True)
    c.record_id = p.esmart_id
    name = c.take("error", text_value, raw.get("nama"), "nama", 160, True)
    if name:
        p.fields["name"] = name
    if raw.get("deskripsi") is not None:
        description = c.take("error", text_value, raw.get("deskripsi"), "deskripsi", MAX_DESCRIPTION)
        p.fields["description"] = description or ""
    p.price = c.take("error", parse_rupiah, raw.get("harga"))
    _product_details(raw, p, c)
    return p


def _product_details(raw: dict, p: ProductData, c: _Collector) -> None:
    kategori = c.take("warning", text_value, raw.get("kategori"), "kategori", 80)
    p.category_hint = sector_slug(kategori)
    if p.category_hint:
        p.fields["category"] = p.category_hint
    stock = c.take("warning", whole_number, raw.get("stok"), "stok", 1_000_000)
    p.stock = stock or 0
    satuan = c.take("warning", text_value, raw.get("satuan"), "satuan")
    if satuan:
        p.fields["unit"] = satuan[:30]
    weight = c.take("warning", whole_number, raw.get("berat_gram"), "berat_gram", 1_000_000)
    if weight:  # 0 g is the directory's "not weighed": the product is sold without a weight
        p.fields["weight_grams"] = weight
    urls = []
    for url in split_photo_urls(raw.get("foto")):
        if has_broken_text(url) or not re.match(r"^https?://[^\s/]+", url, re.I):
            c.note("warning", _("Alamat foto tidak valid: %(u)s", u=url[:200]), "foto")
        elif url not in urls:
            urls.append(url)
    if len(urls) > MAX_PHOTOS:
        c.note("warning", _("Hanya %(n)d foto pertama yang diambil.", n=MAX_PHOTOS), "foto")
    p.photos = urls[:MAX_PHOTOS]


# --- spreadsheet rows to records ---------------------------------------------


def normalise_header(raw: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(raw or "").strip().lower()).strip("_")


def missing_columns(headers: Iterable[str]) -> list[str]:
    present = set(headers)
    return [c for c in REQUIRED_COLUMNS if c not in present]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def records_from_rows(rows: Iterable[tuple[int, dict]]) -> Iterator[dict]:
    """Spreadsheet rows (one per product) grouped into IKM records. Rows of one
    IKM are grouped while they follow each other; an IKM met again later in
    the file comes back as a record marked ``_continued``."""
    seen: set[str] = set()
    group: list[tuple[int, dict]] = []
    for number, row in rows:
        if all(_blank(v) for v in row.values()):
            continue
        key = _ikm_key(row)
        if group and (key is None or key != _ikm_key(group[0][1])):
            yield _record_from_group(group, seen)
            group = []
        group.append((number, row))
    if group:
        yield _record_from_group(group, seen)


def _ikm_key(row: dict) -> str | None:
    value = row.get("ikm_id")
    if _blank(value):
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def _record_from_group(group: list[tuple[int, dict]], seen: set[str]) -> dict:
    first_row = group[0][0]
    record: dict[str, Any] = {"_row": first_row, "produk": []}
    for column in IKM_COLUMNS:
        value = next((r.get(column) for _n, r in group if not _blank(r.get(column))), None)
        record["id" if column == "ikm_id" else column] = value
    key = _ikm_key(group[0][1])
    record["_continued"] = key in seen
    if key:
        seen.add(key)
    for number, row in group:
        if all(_blank(row.get(c)) for c in PRODUCT_COLUMNS):
            continue  # a row with only IKM columns: an IKM without products
        record["produk"].append(
            {
                "_row": number,
                "id": row.get("produk_id"),
                "nama": row.get("nama_produk"),
                "deskripsi": row.get("deskripsi"),
                "kategori": row.get("kategori"),
                "harga": row.get("harga"),
                "satuan": row.get("satuan"),
                "stok": row.get("stok"),
                "berat_gram": row.get("berat_gram"),
                "foto": split_photo_urls(row.get("foto_url")),
            }
        )
    return record


# --- the other way: a marketplace product as the directory wants it ------------


def push_payload(
    *,
    name: str,
    description: str,
    sector: str,
    price: int,
    stock: int,
    unit: str | None,
    weight_grams: int | None,
    photo_urls: list[str],
    url: str,
) -> dict:
    """The body of PUT /produk/{id} and POST /ikm/{id}/produk (ESMART.md "Push")."""
    return {
        "nama": name,
        "deskripsi": description or "",
        "kategori": sector,
        "harga": price,
        "stok": stock,
        "satuan": unit,
        "berat_gram": weight_grams,
        "foto": photo_urls,
        "url": url,
    }


def content_hash(payload: dict) -> str:
    """Stable across runs and processes: the same payload always has the same hash."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def value_hash(value: Any) -> str:
    """The hash of one synced field's value, the base of the three-way merge."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
