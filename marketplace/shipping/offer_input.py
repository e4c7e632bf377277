"""Cleaning a store's shipping settings from JSON or the seller's form, each bad field named
(``offer_settings`` applies them). Every function takes the saved section and what was sent,
and answers the merged section; errors are collected, so every bad field is named at once."""

from __future__ import annotations

import copy
import re
from typing import Any

from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.inputs import digits
from marketplace.shipping import couriers as courier_catalogue
from marketplace.shipping.store_models import PICKUP_PLACES

POSTAL_RE = re.compile(r"^\d{5}$")
MAX_LOCAL_PRICE = 5_000_000  # rupiah: far above any delivery within one city
MAX_FREE_ABOVE = 1_000_000_000
MAX_ETD_DAYS = 30

TEXTS = {  # section → key → longest text
    "pickup": {"place": 10, "address": 255, "hours": 120, "instructions": 1000},
    "origin": {"address": 255},
}
BOOLEANS = {"pickup": ("enabled", "cod"), "local": ("enabled", "cod"), "couriers": ("enabled", "cod")}


class Errors(dict):
    """Field name → message; the first message a field gets is kept."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(fields=dict(self))


def whole(value: Any, lowest: int, highest: int) -> int | None:
    """A whole number from JSON or a form ("15.000", "Rp 15.000"); None when it is not one or out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.replace("Rp", "").replace(".", "").strip()
        if not digits(text):
            return None
        value = int(text)
    if isinstance(value, int) and lowest <= value <= highest:
        return value
    return None


def _text(value: Any, field: str, longest: int, errors: Errors) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Harus teks."))
        return None
    text = value.strip()
    if len(text) > longest:
        errors.add(field, _("Maksimal %(n)d karakter.", n=longest))
        return None
    return text


def clean_origin(current: dict, raw: Any, errors: Errors) -> dict:
    """The origin: a Kemendagri district code, an optional 5-digit postal code, the street."""
    out = {k: current[k] for k in ("district_code", "postal_code", "address")}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        errors.add("origin", _("Harus objek JSON."))
        return out
    if "district_code" in raw:
        out["district_code"] = _district(raw["district_code"], errors)
    if "postal_code" in raw:
        postal = raw["postal_code"]
        postal = str(postal).strip() if isinstance(postal, str) else postal
        if postal in (None, ""):
            out["postal_code"] = None
        elif isinstance(postal, str) and POSTAL_RE.match(postal):
            out["postal_code"] = postal
        else:
            errors.add("origin_postal_code", _("Kode pos terdiri dari 5 angka."))
    if "address" in raw:
        address = _text(raw["address"], "origin_address", TEXTS["origin"]["address"], errors)
        out["address"] = out["address"] if address is None else address
    return out


def _district(value: Any, errors: Errors) -> str | None:
    from marketplace.shipping import regions

    if value in (None, ""):
        return None
    if isinstance(value, str) and regions.is_district(value.strip()):
        return value.strip()
    errors.add("origin_district_code", _("Pilih kecamatan dari daftar."))
    return None


def clean_section(name: str, current: dict, raw: Any, errors: Errors) -> dict:
    """``pickup``, ``local`` or ``couriers``: the saved section with what ``raw`` changes."""
    out = copy.deepcopy(current)
    if raw is None:
        return out
    if not isinstance(raw, dict):
        errors.add(name, _("Harus objek JSON."))
        return out
    for key in BOOLEANS[name]:
        if key in raw:
            if isinstance(raw[key], bool):
                out[key] = raw[key]
            else:
                errors.add(f"{name}.{key}", _("Pilih true atau false."))
    {"pickup": _pickup, "local": _local, "couriers": _couriers}[name](out, raw, errors)
    return out


def _pickup(out: dict, raw: dict, errors: Errors) -> None:
    for key, longest in TEXTS["pickup"].items():
        if key in raw:
            text = _text(raw[key], f"pickup.{key}", longest, errors)
            out[key] = out[key] if text is None else text
    if out["place"] not in PICKUP_PLACES:
        errors.add("pickup.place", _("Pilih di toko atau di stand pameran."))
    if out["enabled"] and not out["address"]:
        errors.add("pickup.address", _("Tulis alamat toko atau nomor stand tempat barang diambil."))


def _local(out: dict, raw: dict, errors: Errors) -> None:
    if "prices" in raw:
        out["prices"] = raw["prices"]  # checked against the origin by clean_prices
    if "free_above" in raw:
        value = raw["free_above"]
        free = None if value in (None, "") else whole(value, 1, MAX_FREE_ABOVE)
        if free is None and value not in (None, ""):
            errors.add("local.free_above", _("Isi jumlah belanja dalam rupiah, atau kosongkan."))
        else:
            out["free_above"] = free
    if "etd_days" in raw:
        days = raw["etd_days"]
        pair = [whole(d, 0, MAX_ETD_DAYS) for d in days] if isinstance(days, list) and len(days) == 2 else []
        low, high = pair if len(pair) == 2 else (None, None)
        if low is None or high is None or low > high:
            errors.add("local.etd_days", _("Isi perkiraan 0 sampai %(n)d hari, yang tercepat dulu.", n=MAX_ETD_DAYS))
        else:
            out["etd_days"] = [low, high]


def _couriers(out: dict, raw: dict, errors: Errors) -> None:
    if "services" in raw:
        services = raw["services"]
        if not isinstance(services, dict):
            errors.add("couriers.services", _("Harus objek: kurir → daftar layanan."))
        else:
            out["services"] = _services(services, errors)
    if out["enabled"] and not any(out["services"].values()):
        errors.add("couriers.services", _("Pilih setidaknya satu layanan kurir."))


def _services(raw: dict, errors: Errors) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, chosen in raw.items():
        courier = courier_catalogue.get(code)
        if courier is None:
            errors.add(f"couriers.{code}", _("Kurir tidak dikenal."))
        elif not isinstance(chosen, list) or not all(isinstance(s, str) and s in courier.services for s in chosen):
            errors.add(f"couriers.{code}", _("Layanan %(courier)s tidak dikenal.", courier=courier.name))
        elif chosen:
            out[code] = sorted(set(chosen), key=list(courier.services).index)
    return out


def clean_prices(raw: Any, origin: str | None, enabled: bool, errors: Errors) -> dict[str, int]:
    """Flat prices per district, ``[{"district_code", "price"}]`` or ``{code: price}``; each a
    district of the origin's own regency or city."""
    pairs = _price_pairs(raw, errors)
    if pairs is None:
        return {}
    out: dict[str, int] = {}
    for code, price in pairs:
        field = f"local.prices.{code}"
        value = whole(price, 0, MAX_LOCAL_PRICE)
        if value is None:
            errors.add(field, _("Isi ongkir dalam rupiah, 0 sampai %(n)s.", n=f"{MAX_LOCAL_PRICE:,}".replace(",", ".")))
        elif not _in_own_city(code, origin):
            errors.add(field, _("Hanya kecamatan di kabupaten/kota asal toko."))
        else:
            out[code] = value
    if enabled and not out and not any(k.startswith("local.prices") for k in errors):
        errors.add("local.prices", _("Isi ongkir untuk setidaknya satu kecamatan."))
    return out


def _price_pairs(raw: Any, errors: Errors) -> list[tuple[str, Any]] | None:
    if isinstance(raw, dict):
        return [(str(code), price) for code, price in raw.items()]
    if not isinstance(raw, list):
        errors.add("local.prices", _("Harus daftar {district_code, price}."))
        return None
    pairs = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("district_code"), str):
            errors.add("local.prices", _("Harus daftar {district_code, price}."))
            return None
        pairs.append((item["district_code"], item.get("price")))
    return pairs


def _in_own_city(code: str, origin: str | None) -> bool:
    from marketplace.shipping import regions

    if not origin or not regions.is_district(code):
        return False
    return code.rsplit(".", 1)[0] == origin.rsplit(".", 1)[0]
