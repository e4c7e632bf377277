"""A store's shipping settings as the seller (or the agency assisting) reads and writes them.

One shape for the API and the seller page::

    {"origin": {"district_code", "postal_code", "address", "label"},
     "pickup": {"enabled", "place", "address", "hours", "instructions", "cod"},
     "local": {"enabled", "prices": [{"district_code", "name", "price"}], "free_above",
               "etd_days": [min, max], "cod"},
     "couriers": {"enabled", "services": {"jne": ["reg", "yes"]}, "cod"},
     "configured": bool}

``update_settings`` takes any of the four sections; a section left out, or a key left out of
a section, keeps its value (``local.prices``, when given, is the whole list). Bad input raises
one ValidationError naming every bad field: ``origin_district_code``, ``origin_postal_code``,
``pickup.address``, ``local.prices.<district code>``, ``local.free_above``, ``couriers.jne`` ...
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from marketplace import audit
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.shipping import couriers as courier_catalogue
from marketplace.shipping.offer_input import Errors, clean_origin, clean_prices, clean_section
from marketplace.shipping.offers import decode_services, region_label
from marketplace.shipping.store_models import StoreLocalRate, StoreShipping
from marketplace.stores.models import Store


def _row(store: Store) -> StoreShipping | None:
    return db.session.get(StoreShipping, store.id)


def _prices(store: Store) -> dict[str, int]:
    rows = db.session.execute(
        select(StoreLocalRate.district_code, StoreLocalRate.price).where(StoreLocalRate.store_id == store.id)
    )
    return dict(rows.tuples().all())


def get_settings(store: Store) -> dict:
    """The store's settings in the shape above (the defaults, ``configured`` False, when never saved)."""
    existing = _row(store)
    return _as_json(existing or _blank(store), _prices(store) if existing else {}, existing is not None)


def _blank(store: Store) -> StoreShipping:
    """What the settings are before the first save: pickup at the shop, as offers.default_offer."""
    return StoreShipping(
        store_id=store.id,
        origin_address=store.address or "",
        pickup_enabled=True,
        pickup_place="shop",
        pickup_address=", ".join(p for p in ((store.address or "").strip(), (store.city or "").strip()) if p),
        pickup_hours="",
        pickup_instructions="",
        pickup_cod=True,
        local_enabled=False,
        local_free_above=None,
        local_etd_min=0,
        local_etd_max=1,
        local_cod=True,
        couriers_enabled=False,
        courier_services="{}",
        courier_cod=False,
    )


def _as_json(row: StoreShipping, prices: dict[str, int], configured: bool) -> dict:
    from marketplace.shipping import regions

    return {
        "origin": {
            "district_code": row.origin_district_code,
            "postal_code": row.origin_postal_code,
            "address": row.origin_address,
            "label": region_label(row.origin_district_code),
        },
        "pickup": {
            "enabled": row.pickup_enabled,
            "place": row.pickup_place,
            "address": row.pickup_address,
            "hours": row.pickup_hours,
            "instructions": row.pickup_instructions,
            "cod": row.pickup_cod,
        },
        "local": {
            "enabled": row.local_enabled,
            "prices": [
                {"district_code": code, "name": getattr(regions.get(code), "name", code), "price": price}
                for code, price in sorted(prices.items())
            ],
            "free_above": row.local_free_above,
            "etd_days": [row.local_etd_min, row.local_etd_max],
            "cod": row.local_cod,
        },
        "couriers": {
            "enabled": row.couriers_enabled,
            "services": decode_services(row.courier_services),
            "cod": row.courier_cod,
        },
        "configured": configured,
    }


def update_settings(store: Store, raw: Any, actor) -> dict:
    """Validate ``raw`` (the shape above, any sections), save it and audit it; the new settings.
    :raise ValidationError: naming every bad field; nothing is written."""
    if not isinstance(raw, dict):
        raise ValidationError(fields={"body": _("Harus objek JSON.")})
    existing = _row(store)
    row = existing or _blank(store)
    current = _as_json(row, _prices(store) if existing else {}, existing is not None)
    errors = Errors()
    values = _merged(current, raw, errors)
    errors.raise_if_any()
    try:
        with db.session.begin_nested():  # two first saves at once: one wins, the other is told
            if existing is None:
                db.session.add(row)
            _apply(row, values)
            _replace_prices(store, values["local"]["prices"])
    except IntegrityError as exc:
        raise Conflict(_("Pengaturan pengiriman baru saja diubah di tempat lain; muat ulang lalu coba lagi.")) from exc
    audit.record(actor, "store.shipping_updated", "store", store.id, store_id=store.id, sections=sorted(raw))
    return _as_json(row, values["local"]["prices"], True)


def _merged(current: dict, raw: dict, errors: Errors) -> dict:
    """Every section cleaned: what ``raw`` gives over what is saved, then the rules across sections."""
    unknown = set(raw) - {"origin", "pickup", "local", "couriers", "configured"}
    for name in sorted(unknown):
        errors.add(name, _("Bagian tidak dikenal."))
    out = {name: clean_section(name, current[name], raw.get(name), errors) for name in ("pickup", "local", "couriers")}
    out["origin"] = clean_origin(current["origin"], raw.get("origin"), errors)
    given_prices = isinstance(raw.get("local"), dict) and "prices" in raw["local"]
    saved = {p["district_code"]: p["price"] for p in current["local"]["prices"]}
    if _city_of(out["origin"]["district_code"]) != _city_of(current["origin"]["district_code"]):
        saved = {}  # the saved prices were for the districts of the store's former city
    prices = out["local"]["prices"] if given_prices else saved
    out["local"]["prices"] = clean_prices(prices, out["origin"]["district_code"], out["local"]["enabled"], errors)
    _needs_origin(out, errors)
    return out


def _city_of(district: str | None) -> str | None:
    return district.rsplit(".", 1)[0] if district else None


def _needs_origin(values: dict, errors: Errors) -> None:
    if values["origin"]["district_code"] is None and (values["local"]["enabled"] or values["couriers"]["enabled"]):
        errors.add("origin_district_code", _("Pilih kecamatan asal pengiriman untuk kurir atau antar sendiri."))
    if not (values["pickup"]["enabled"] or values["local"]["enabled"] or values["couriers"]["enabled"]):
        errors.add("methods", _("Aktifkan setidaknya satu cara pengiriman."))


def _apply(row: StoreShipping, values: dict) -> None:
    origin, pickup, local, couriers = values["origin"], values["pickup"], values["local"], values["couriers"]
    row.origin_district_code = origin["district_code"]
    row.origin_postal_code = origin["postal_code"]
    row.origin_address = origin["address"]
    row.pickup_enabled, row.pickup_place = pickup["enabled"], pickup["place"]
    row.pickup_address, row.pickup_hours = pickup["address"], pickup["hours"]
    row.pickup_instructions, row.pickup_cod = pickup["instructions"], pickup["cod"]
    row.local_enabled, row.local_free_above, row.local_cod = local["enabled"], local["free_above"], local["cod"]
    row.local_etd_min, row.local_etd_max = local["etd_days"]
    row.couriers_enabled, row.courier_cod = couriers["enabled"], couriers["cod"]
    row.courier_services = json.dumps(couriers["services"], sort_keys=True)


def _replace_prices(store: Store, prices: dict[str, int]) -> None:
    db.session.execute(delete(StoreLocalRate).where(StoreLocalRate.store_id == store.id))
    db.session.add_all(StoreLocalRate(store_id=store.id, district_code=c, price=p) for c, p in prices.items())


def courier_choices() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(code, name, [(service code, name)]) of every courier, for the seller's checkboxes."""
    return [(c.code, c.name, list(c.services.items())) for c in courier_catalogue.COURIERS.values()]


def local_districts(district: str | None) -> list[tuple[str, str]]:
    """(code, name) of the districts of ``district``'s own regency or city: where local delivery may go."""
    from marketplace.shipping import regions

    if not (isinstance(district, str) and regions.is_district(district)):
        return []
    return [(d.code, d.name) for d in regions.children(district.rsplit(".", 1)[0])]


def city_regency(store: Store) -> str | None:
    """The regency or city named like the store's profile city ("Kota Tegal"), if one is."""
    from marketplace.shipping import regions

    city = (store.city or "").strip()
    if not city:
        return None
    found = regions.search(city, level="regency", limit=1)
    return found[0].code if found else None
