"""The shopper's address book: structured Indonesian addresses by Kemendagri region codes.

A shopper keeps up to :data:`MAX_ADDRESSES`; exactly one is the default (the first becomes it,
deleting it promotes the next), which the checkout pre-fills and the product page quotes ongkir
for. Checkout stores a copy of an address on each order (:func:`snapshot`), never a reference,
so editing or deleting an address leaves past orders as they were.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import update as sa_update

from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import PhoneError, normalise_phone
from marketplace.i18n import gettext as _
from marketplace.shipping import regions
from marketplace.shipping.address_model import Address

__all__ = [
    "MAX_ADDRESSES",
    "Address",
    "create",
    "default_for",
    "delete",
    "get_for",
    "list_for",
    "mark_used",
    "use_for_checkout",
    "region_names",
    "set_default",
    "snapshot",
    "update",
    "validate",
]

MAX_ADDRESSES = 20
POSTAL_RE = re.compile(r"^[1-9][0-9]{4}$")
CODE_FIELDS = ("province_code", "regency_code", "district_code", "village_code")
TEXT_LIMITS = {"label": 40, "recipient": 120, "street": 500}
MIN_STREET = 10


# --- validation -----------------------------------------------------------------------


def _text(raw: dict, name: str, errors: dict[str, str], required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            errors[name] = _("Wajib diisi.")
        return None
    if not isinstance(value, str):
        errors[name] = _("Harus teks.")
        return None
    value = " ".join(value.split())
    if not value and required:
        errors[name] = _("Wajib diisi.")
    elif len(value) > TEXT_LIMITS[name]:
        errors[name] = _("Maksimal %(n)d karakter.", n=TEXT_LIMITS[name])
    return value or None


def _code(raw: dict, name: str, errors: dict[str, str]) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors[name] = _("Harus teks.")
        return None
    return value.strip() or None


def _regions(raw: dict, errors: dict[str, str]) -> dict[str, str | None]:
    """The four codes, consistent with each other: the district is required (or found from the
    village), the province and regency follow from it and, when given, must agree."""
    given = {name: _code(raw, name, errors) for name in CODE_FIELDS}
    village = given["village_code"]
    district = given["district_code"] or (village[:8] if village and village.count(".") == 3 else None)
    if not regions.is_district(district):
        if "district_code" not in errors:
            errors["district_code"] = _("Pilih kecamatan.") if not district else _("Kecamatan tidak dikenal.")
        return given
    assert district is not None
    out: dict[str, str | None] = {
        "province_code": district[:2],
        "regency_code": district[:5],
        "district_code": district,
        "village_code": None,
    }
    for name, wrong in (
        ("province_code", _("Provinsi tidak sesuai dengan kecamatan.")),
        ("regency_code", _("Kabupaten/kota tidak sesuai dengan kecamatan.")),
    ):
        if given[name] and given[name] != out[name]:
            errors[name] = wrong
    if village:
        found = regions.get(village)
        if found is None or found.level != "village":
            errors["village_code"] = _("Kelurahan/desa tidak dikenal.")
        elif found.parent != district:
            errors["village_code"] = _("Kelurahan/desa tidak berada di kecamatan ini.")
        else:
            out["village_code"] = village
    return out


def validate(raw: Any) -> dict:
    """The address fields, cleaned: ``label`` (optional), ``recipient``, ``phone`` (E.164),
    the four region codes (``district_code`` required, the others filled from it), ``street``,
    ``postal_code``. ``name`` is taken for ``recipient`` too (the checkout's older field).
    ValidationError naming each bad field."""
    raw = raw if isinstance(raw, dict) else {}
    if raw.get("recipient") in (None, "") and raw.get("name") not in (None, ""):
        raw = {**raw, "recipient": raw["name"]}
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "label": _text(raw, "label", errors, required=False),
        "recipient": _text(raw, "recipient", errors),
    }
    phone = raw.get("phone")
    try:
        out["phone"] = normalise_phone(phone if isinstance(phone, str) else "")
    except PhoneError:
        errors["phone"] = _("Nomor telepon tidak valid. Contoh: 0812-3456-7890.")
    out.update(_regions(raw, errors))
    out["street"] = _text(raw, "street", errors)
    if out["street"] and len(out["street"]) < MIN_STREET and "street" not in errors:
        errors["street"] = _("Tulis alamat lengkap: jalan, nomor, RT/RW.")
    postal = raw.get("postal_code")
    out["postal_code"] = str(postal).strip() if isinstance(postal, (str, int)) and not isinstance(postal, bool) else ""
    if not POSTAL_RE.match(out["postal_code"]):
        errors["postal_code"] = _("Kode pos terdiri dari 5 angka.")
    if errors:
        raise ValidationError(fields=errors)
    return out


# --- reading --------------------------------------------------------------------------


def _ordered():
    return select(Address).order_by(
        Address.is_default.desc(),
        Address.last_used_at.is_(None),
        Address.last_used_at.desc(),
        Address.created_at.desc(),
        Address.id.desc(),
    )


def list_for(user) -> list[Address]:
    """The user's addresses: the default first, then the last used, then the newest."""
    return list(db.session.scalars(_ordered().where(Address.user_id == user.id)))


def get_for(user, address_id: Any) -> Address:
    """One of the user's addresses; NotFound for anyone else's (or none)."""
    if not isinstance(address_id, int) or isinstance(address_id, bool) or not 0 < address_id < 2**31:
        raise NotFound(_("Alamat tidak ditemukan."))
    address = db.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user.id))
    if address is None:
        raise NotFound(_("Alamat tidak ditemukan."))
    return address


def default_for(user) -> Address | None:
    """The user's default address, in one statement (the product page's ongkir estimate)."""
    if user is None or getattr(user, "id", None) is None:
        return None
    return db.session.scalar(select(Address).where(Address.user_id == user.id, Address.is_default.is_(True)).limit(1))


def region_names(district_code: str | None, village_code: str | None = None) -> dict[str, str | None]:
    """{"province","regency","district","village"}: the names of an address's regions."""
    names: dict[str, str | None] = {"province": None, "regency": None, "district": None, "village": None}
    for region in regions.path(village_code or district_code):
        names[region.level] = region.name
    return names


# --- writing --------------------------------------------------------------------------


def _count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Address).where(Address.user_id == user.id)) or 0


def create(user, raw: Any) -> Address:
    """A new address in the user's book; the first (or one sent with ``is_default``) becomes the
    default. Conflict beyond MAX_ADDRESSES. The caller commits."""
    values = validate(raw)
    wanted = raw.get("is_default", raw.get("default")) if isinstance(raw, dict) else None
    if wanted is not None and not isinstance(wanted, bool):
        raise ValidationError(fields={"is_default": _("Harus true atau false.")})
    count = _count(user)
    if count >= MAX_ADDRESSES:
        raise Conflict(
            _("Buku alamat sudah berisi %(n)d alamat. Hapus alamat yang tidak dipakai lagi.", n=MAX_ADDRESSES)
        )
    address = Address(user_id=user.id, **values)
    db.session.add(address)
    db.session.flush()
    if count == 0 or wanted is True:
        set_default(user, address.id)
    return address


def update(user, address_id: Any, raw: Any) -> Address:
    """Changes the fields ``raw`` names (a new district drops the old province, regency and village
    unless sent too); ``"is_default": true`` makes it the default. The caller commits."""
    address = get_for(user, address_id)
    raw = raw if isinstance(raw, dict) else {}
    make_default = _wants_default(raw, address)
    current: dict[str, Any] = {
        name: getattr(address, name) for name in ("label", "recipient", "phone", "street", "postal_code", *CODE_FIELDS)
    }
    if "district_code" in raw or "village_code" in raw:  # a move: what the new codes do not say is dropped
        current.update(dict.fromkeys(CODE_FIELDS))
    current.update({k: v for k, v in raw.items() if k != "name"})
    if "name" in raw and "recipient" not in raw:
        current["recipient"] = raw["name"]
    values = validate(current)
    for name, value in values.items():
        setattr(address, name, value)
    if make_default:
        set_default(user, address.id)
    db.session.flush()
    return address


def _wants_default(raw: dict, address: Address) -> bool:
    """Whether a change asks to make the address the default; an address stops being the default
    only when another one becomes it."""
    wanted = raw.get("is_default", raw.get("default"))
    if wanted is None:
        return False
    if not isinstance(wanted, bool):
        raise ValidationError(fields={"is_default": _("Harus true atau false.")})
    if not wanted and address.is_default:
        raise ValidationError(fields={"is_default": _("Jadikan alamat lain sebagai alamat utama.")})
    return wanted


def set_default(user, address_id: Any) -> Address:
    """Makes one of the user's addresses the default (the others stop being it)."""
    address = get_for(user, address_id)
    db.session.execute(
        sa_update(Address)
        .where(Address.user_id == user.id, Address.is_default.is_(True), Address.id != address.id)
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )
    address.is_default = True
    db.session.flush()
    return address


def delete(user, address_id: Any) -> None:
    """Removes one of the user's addresses; when it was the default, the next in the list becomes it."""
    address = get_for(user, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        following = db.session.scalar(_ordered().where(Address.user_id == user.id).limit(1))
        if following is not None:
            following.is_default = True
            db.session.flush()


def mark_used(address: Address) -> None:
    """Checkout shipped to it: it moves up the list (after the default). The caller commits."""
    address.last_used_at = now()


def use_for_checkout(user, address_id: Any) -> Address:
    """:func:`get_for` and :func:`mark_used` in one statement (UPDATE ... RETURNING), for the
    checkout's statement budget; the checkout's rollback takes the mark back. NotFound as get_for."""
    if not isinstance(address_id, int) or isinstance(address_id, bool) or not 0 < address_id < 2**31:
        raise NotFound(_("Alamat tidak ditemukan."))
    address = db.session.scalars(
        sa_update(Address)
        .where(Address.id == address_id, Address.user_id == user.id)
        .values(last_used_at=now())
        .returning(Address),
        execution_options={"synchronize_session": False},
    ).first()
    if address is None:
        raise NotFound(_("Alamat tidak ditemukan."))
    return address


# --- what an order keeps ---------------------------------------------------------------


def snapshot(address: Address | dict) -> dict:
    """What an order stores of an address (an Address or the dict :func:`validate` returns):
    {"name","phone","address","city","postal_code","region_code","province","district","village"};
    ``address`` is the street with the village, ``city`` the regency or city."""
    data = address if isinstance(address, dict) else {name: getattr(address, name) for name in _SNAPSHOT_FIELDS}
    names = region_names(data.get("district_code"), data.get("village_code"))
    street = data.get("street") or ""
    return {
        "name": data.get("recipient") or data.get("name") or "",
        "phone": data.get("phone") or "",
        "address": f"{street}, {names['village']}" if names["village"] else street,
        "city": names["regency"] or "",
        "postal_code": data.get("postal_code") or "",
        "region_code": data.get("district_code"),
        "province": names["province"],
        "district": names["district"],
        "village": names["village"],
    }


_SNAPSHOT_FIELDS = ("recipient", "phone", "street", "postal_code", "district_code", "village_code")
