"""gen_* helpers for shipping at checkout: a Tegal store that ships, a shopper's address.

Everything goes through the services a seller and a shopper use (offer_settings, addresses).
"""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.shipping import addresses, offer_settings

TEGAL_BARAT, TEGAL_TIMUR, MARGADANA = "33.76.01", "33.76.02", "33.76.04"
KEBAYORAN_BARU = "31.74.07"


def ship_from_tegal(
    store,
    *,
    local: dict[str, int] | None = None,
    free_above: int | None = None,
    couriers: dict[str, list[str]] | None = None,
    pickup_cod: bool = True,
    local_cod: bool = True,
    courier_cod: bool = False,
    pickup: bool = True,
):
    """Set ``store`` up to ship from Tegal Barat: pickup at its booth, its own delivery at
    ``local`` (district → price; Tegal Timur 8.000 and Margadana 12.000 by default) and
    ``couriers`` (JNE REG/YES and J&T EZ by default)."""
    local = {TEGAL_TIMUR: 8000, MARGADANA: 12000} if local is None else local
    couriers = {"jne": ["reg", "yes"], "jnt": ["ez"]} if couriers is None else couriers
    settings = {
        "origin": {"district_code": TEGAL_BARAT, "postal_code": "52111", "address": "Jl. Kapten Sudibyo 12"},
        "pickup": {
            "enabled": pickup,
            "place": "booth",
            "address": "Stand B-12",
            "hours": "08.00-17.00",
            "cod": pickup_cod,
        },
        "local": {
            "enabled": bool(local),
            "prices": [{"district_code": code, "price": price} for code, price in local.items()],
            "free_above": free_above,
            "etd_days": [0, 1],
            "cod": local_cod,
        },
        "couriers": {"enabled": bool(couriers), "services": couriers, "cod": courier_cod},
    }
    offer_settings.update_settings(store, settings, None)
    db.session.commit()


def gen_address(user, district: str = TEGAL_TIMUR, postal_code: str = "52124", **fields):
    """An address in the user's book (the first becomes the default)."""
    address = addresses.create(
        user,
        {
            "recipient": fields.pop("recipient", "Siti Aminah"),
            "phone": "0812-3456-7890",
            "district_code": district,
            "street": "Jl. Gajah Mada No. 5, RT 01/RW 02",
            "postal_code": postal_code,
            **fields,
        },
    )
    db.session.commit()
    return address


def address_fields(district: str = KEBAYORAN_BARU, postal_code: str = "12110") -> dict:
    """The address fields of a checkout request (no address book)."""
    return {
        "name": "Rina Wulandari",
        "phone": "0813-1111-2222",
        "street": "Jl. Senopati No. 10, RT 03/RW 04",
        "district_code": district,
        "postal_code": postal_code,
    }
