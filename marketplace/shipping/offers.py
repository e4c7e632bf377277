"""What each store offers for shipping, as checkout reads it (``offers_for``), and the
seller's settings of it (``get_settings``, ``update_settings``, in :mod:`offer_settings`).

A store that never set its shipping up is offered for pickup at its shop (its profile's
address and city, cash on delivery allowed): the stores that sold before shipping existed
keep selling, as they did, with the buyer collecting or arranging delivery with the seller.
It has no origin, so no courier can quote it and it has no local delivery; ``configured``
is False so pages can nudge the seller. A store that saved its settings gets exactly them:
all three methods off means it cannot ship, and checkout says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Select, bindparam, select

from marketplace.extensions import db
from marketplace.shipping import couriers as courier_catalogue
from marketplace.shipping.store_models import StoreLocalRate, StoreShipping
from marketplace.stores.models import Store


@dataclass(frozen=True)
class PickupOffer:
    place: str  # "shop" or "booth"
    address: str  # the street, or the booth ("Stand A-12, GOR Wisanggeni")
    hours: str  # as the seller wrote it, "Senin–Sabtu 08.00–17.00"
    instructions: str
    cod: bool


@dataclass(frozen=True)
class LocalOffer:
    prices: dict[str, int]  # district code → flat price in rupiah (0: free)
    free_above: int | None  # a goods total from which the delivery is free
    etd_days: tuple[int, int]  # (min, max); (0, 0): the same day
    cod: bool

    def price_for(self, district_code: str, goods_value: int) -> int | None:
        """The price to ``district_code`` for goods worth ``goods_value``; None: not delivered there."""
        price = self.prices.get(district_code)
        if price is None:
            return None
        return 0 if self.free_above is not None and goods_value >= self.free_above else price


@dataclass(frozen=True)
class StoreOffer:
    store_id: int
    origin: str | None  # Kemendagri district code; None: not set (no courier can quote)
    origin_postal_code: str | None
    origin_label: str  # "Tegal Barat, Kota Tegal, Jawa Tengah"; "" when not set
    pickup: PickupOffer | None
    local: LocalOffer | None
    couriers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # {"jne": ("reg", "yes")}
    courier_cod: bool = False
    configured: bool = True  # False: the default of a store that never saved its settings

    @property
    def courier_codes(self) -> tuple[str, ...]:
        """For ``Parcel.couriers``: the couriers a plugin may quote for this store."""
        return tuple(self.couriers) if self.origin else ()

    @property
    def ships(self) -> bool:
        """Whether the store offers any way at all (checkout still checks the address)."""
        return bool(self.pickup or self.local or self.courier_codes)


def offers_for(store_ids: Iterable[int]) -> dict[int, StoreOffer]:
    """Each store's offer, by id, in one statement whatever their number (unknown ids left out)."""
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    rows = db.session.execute(_offers_of(), {"ids": ids}).all()
    settings: dict[int, tuple[str, str, StoreShipping | None]] = {}
    prices: dict[int, dict[str, int]] = {}
    for store_id, address, city, row, district, price in rows:
        settings[store_id] = (address, city, row)
        if district is not None:
            prices.setdefault(store_id, {})[district] = price
    return {sid: _offer(sid, address, city, row, prices.get(sid, {})) for sid, (address, city, row) in settings.items()}


@cache
def _offers_of() -> Select:
    """Built once per process (every product page asks): a statement object remembers its
    SQLAlchemy cache key, a new one is built and traversed again on each request."""
    return (
        select(Store.id, Store.address, Store.city, StoreShipping, StoreLocalRate.district_code, StoreLocalRate.price)
        .outerjoin(StoreShipping, StoreShipping.store_id == Store.id)
        .outerjoin(StoreLocalRate, StoreLocalRate.store_id == Store.id)
        .where(Store.id.in_(bindparam("ids", expanding=True)))
    )


def _offer(store_id: int, address: str, city: str, row: StoreShipping | None, prices: dict[str, int]) -> StoreOffer:
    if row is None:
        return default_offer(store_id, address, city)
    pickup = None
    if row.pickup_enabled:
        pickup = PickupOffer(
            row.pickup_place, row.pickup_address, row.pickup_hours, row.pickup_instructions, row.pickup_cod
        )
    local = None
    if row.local_enabled and prices:
        local = LocalOffer(dict(prices), row.local_free_above, (row.local_etd_min, row.local_etd_max), row.local_cod)
    services = decode_services(row.courier_services) if row.couriers_enabled else {}
    return StoreOffer(
        store_id=store_id,
        origin=row.origin_district_code,
        origin_postal_code=row.origin_postal_code,
        origin_label=region_label(row.origin_district_code),
        pickup=pickup,
        local=local,
        couriers={code: tuple(s) for code, s in services.items() if s},
        courier_cod=row.courier_cod,
    )


def default_offer(store_id: int, address: str, city: str) -> StoreOffer:
    """The offer of a store that never saved its shipping settings (see the module's docstring)."""
    where = ", ".join(part for part in ((address or "").strip(), (city or "").strip()) if part)
    return StoreOffer(
        store_id=store_id,
        origin=None,
        origin_postal_code=None,
        origin_label="",
        pickup=PickupOffer("shop", where, "", "", True),
        local=None,
        configured=False,
    )


def decode_services(text: str | None) -> dict[str, list[str]]:
    """The stored courier services, keeping only couriers and services the catalogue knows
    (one retired from couriers.py disappears from the offer instead of breaking it)."""
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    out: dict[str, list[str]] = {}
    for code, services in raw.items():
        courier = courier_catalogue.get(code)
        if courier and isinstance(services, list):
            out[code] = [s for s in services if s in courier.services]
    return out


def region_label(code: str | None) -> str:
    """ "Tegal Barat, Kota Tegal, Jawa Tengah" for a district code; the code itself when unknown."""
    if not code:
        return ""
    from marketplace.shipping import regions

    names = []
    region = regions.get(code)
    while region is not None:
        names.append(region.name)
        region = regions.get(region.parent) if region.parent else None
    return ", ".join(names) or code
