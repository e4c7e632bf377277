"""The product page's ongkir estimate: the cheapest delivery of one unit of a product.

For a signed-in shopper with a default address it is quoted to that address ("Ongkir ke
Kebayoran Baru mulai Rp 9.000"); for a visitor — whose page may be served to anyone from the
page cache, so it must not depend on who asks — to the store's own district, the least a
delivery can cost ("Ongkir mulai Rp 8.000"). Pickup is free and said apart. Uses the same
offers and the same one ``shipping_rates`` call as checkout (marketplace/shipping/options.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.shipping.offers import offers_for
from marketplace.shipping.options import (
    COURIER,
    Destination,
    Option,
    ask_rates,
    courier_options,
    store_options,
)
from marketplace.shipping.quotes import Parcel, ParcelItem


@dataclass(frozen=True)
class Estimate:
    cheapest: Option | None  # the cheapest delivery (local or courier); None: none to there
    pickup: bool  # the store lets the buyer collect
    to: str  # the district quoted to ("Kebayoran Baru"); "" for a visitor's estimate


def for_product(product, price: int, destination: Destination | None) -> Estimate | None:
    """The estimate for one unit at ``price``; ``destination`` None: the visitor's (the store's own
    district). None when the store cannot say (no offer, or no origin for a visitor)."""
    offer = offers_for([product.store_id]).get(product.store_id)
    if offer is None:
        return None
    where = destination or (Destination(offer.origin, offer.origin_postal_code) if offer.origin else None)
    if where is None:
        return Estimate(None, offer.pickup is not None, "")
    options = [o for o in store_options(offer, price, where) if o.method != "pickup"]
    weight = getattr(product, "weight_grams", None)
    if weight and offer.courier_codes and where.district_code:
        parcel = Parcel(
            key=product.store.slug if product.store else str(product.store_id),
            store_id=product.store_id,
            origin=offer.origin or "",
            destination=where.district_code,
            weight_grams=int(weight),
            value=price,
            couriers=offer.courier_codes,
            origin_postal_code=offer.origin_postal_code,
            destination_postal_code=where.postal_code,
            items=(ParcelItem(product.name[:100], 1, price, int(weight)),),
        )
        rates, _notices = ask_rates([parcel])
        options += [o for o in courier_options(offer, rates) if o.method == COURIER]
    cheapest = min(options, key=lambda o: (o.price, o.etd_max), default=None)
    return Estimate(cheapest, offer.pickup is not None, where.label if destination else "")
