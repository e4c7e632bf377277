"""Demo shipping: what each approved demo store offers, set as its seller would set it.

Every store ships from the district of its address: the stores of Kota Tegal from one of its
four districts (33.76.01–04), those of Kabupaten Tegal from theirs, so each store's own local
delivery covers its own regency or city, as the rules require. Pickup is at the store's expo
booth (at the shop when it has none), with the expo's hours; local delivery costs Rp 8.000 in
the store's own district and Rp 10.000–15.000 further, free from Rp 150.000; couriers: JNE REG
and YES, J&T EZ and SiCepat REG for everything but food (food goes by pickup and local
delivery; the drinks, dry and bottled, also by JNE YES). Idempotent: a store that has its
settings (the demo's or its seller's since) is left as it is.
"""

from __future__ import annotations

from marketplace.expo import services as expo_services
from marketplace.shipping import offer_settings, regions

KOTA_TEGAL = "33.76"
KABUPATEN_TEGAL = "33.28"
POSTAL_CODES = {"33.76.01": "52111", "33.76.02": "52121", "33.76.03": "52131", "33.76.04": "52141"}
ALL_COURIERS = {"jne": ["reg", "yes"], "jnt": ["ez"], "sicepat": ["reg"]}
COURIERS_BY_SECTOR = {"kuliner": {}, "minuman-herbal": {"jne": ["yes"]}}
LOCAL_PRICES = (8_000, 10_000, 12_500, 15_000)  # by steps from the store's own district
EXPO_HOURS = "Setiap hari selama expo, 09.00–21.00"


def load(summary, built: list) -> None:
    """Set up the shipping of every approved demo store that has none yet (``built``: demo.load's)."""
    for data, store in built:
        if data.status != "approved" or offer_settings.get_settings(store)["configured"]:
            continue
        offer_settings.update_settings(store, settings_for(data, store), None)
        summary.shipping += 1


def settings_for(data, store) -> dict:
    origin = origin_of(data.city, data.address)
    couriers = COURIERS_BY_SECTOR.get(data.sector, ALL_COURIERS)
    return {
        "origin": {"district_code": origin, "postal_code": POSTAL_CODES.get(origin), "address": data.address},
        "pickup": _pickup(store, data.address),
        "local": {
            "enabled": True,
            "prices": _local_prices(origin),
            "free_above": 150_000,
            "etd_days": [0, 1],
            "cod": True,
        },
        "couriers": {"enabled": bool(couriers), "services": couriers, "cod": False},
    }


def origin_of(city: str, address: str) -> str:
    """The district named in the address ("Tegal Timur", "Kec. Talang"), in the store's regency or city."""
    regency = KABUPATEN_TEGAL if city.startswith("Kabupaten") else KOTA_TEGAL
    districts = regions.children(regency)
    folded = address.lower()
    named = [d for d in districts if d.name.lower() in folded]
    return max(named, key=lambda d: len(d.name)).code if named else districts[0].code


def _pickup(store, address: str) -> dict:
    booths = [(expo, exhibitor) for expo, exhibitor in expo_services.exhibitions_of(store) if exhibitor.booth]
    if booths:
        expo, exhibitor = booths[0]
        return {
            "enabled": True,
            "place": "booth",
            "address": f"Stand {exhibitor.booth}, {expo.name}",
            "hours": EXPO_HOURS,
            "instructions": "Tunjukkan nomor pesanan kepada penjaga stand.",
            "cod": True,
        }
    return {"enabled": True, "place": "shop", "address": address, "hours": "Senin–Sabtu 08.00–17.00", "cod": True}


def _local_prices(origin: str) -> list[dict]:
    """Rp 8.000 in the store's own district, Rp 10.000 to 15.000 further (by distance in the code list);
    in a regency, the nearest few districts only."""
    districts = [d.code for d in regions.children(origin.rsplit(".", 1)[0])]
    here = districts.index(origin)
    nearest = sorted(districts, key=lambda code: abs(districts.index(code) - here))[:4]
    return [{"district_code": code, "price": LOCAL_PRICES[abs(districts.index(code) - here)]} for code in nearest]
