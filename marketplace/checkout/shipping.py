"""Checkout's shipping step: where to, and which option per store, at what ongkir.

The request's ``shipping`` takes one of three shapes:

- ``{"address_id": 12, "options": {...}}``: an address of the shopper's address book;
- the address fields of the address book (``name``/``recipient``, ``phone``, ``street``,
  ``district_code``, optional ``village_code``, ``postal_code``) with ``"options"``;
- the older free-text address of CONTRACT.md (``name``, ``phone``, ``address``, ``city``,
  ``postal_code``), which names no district: only pickup can serve it.

``options`` maps each store's slug to an option id (marketplace/shipping/options.py), and
the optional ``prices`` the ongkir the client saw per store (a difference is a 409). Without
``options`` each store gets its cheapest option for that address — so scripts written for
the older shape keep checking out (pickup, for stores that offer it) — and a store that has
none is a 422 naming it. Cash on delivery needs the chosen option to allow it, per store.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.errors import NotFound, ValidationError
from marketplace.i18n import gettext as _
from marketplace.shipping import addresses
from marketplace.shipping import options as shipping_options
from marketplace.shipping.options import Destination, Option

ADDRESS_FIELDS = ("street", "district_code", "village_code")


@dataclass
class ShippingRequest:
    address: dict  # what the orders keep (addresses.snapshot)
    destination: Destination
    options: dict | None  # slug → option id as sent; None: the cheapest per store
    prices: dict | None  # slug → ongkir the client saw


def parse(user, raw, validate_legacy, checking_out: bool = False) -> ShippingRequest:
    """The checked request; ValidationError naming each bad ``shipping.*`` field.
    ``validate_legacy`` checks the older free-text address (checkout.services.validate_shipping);
    ``checking_out``: an address-book entry is marked used (in the same statement that reads it)."""
    raw = raw if isinstance(raw, dict) else {}
    chosen, prices = raw.get("options"), raw.get("prices")
    if raw.get("address_id") not in (None, ""):
        saved = _saved(user, raw["address_id"], checking_out)
        return ShippingRequest(addresses.snapshot(saved), destination_of(saved), chosen, prices)
    if any(raw.get(name) not in (None, "") for name in ADDRESS_FIELDS):
        try:
            data = addresses.validate(raw)
        except ValidationError as exc:
            raise ValidationError(exc.message, fields={f"shipping.{k}": v for k, v in exc.fields.items()}) from exc
        return ShippingRequest(addresses.snapshot(data), destination_of(data), chosen, prices)
    legacy = validate_legacy(raw)
    return ShippingRequest(legacy, Destination(None, legacy.get("postal_code")), chosen, prices)


def _saved(user, address_id, checking_out: bool) -> addresses.Address:
    try:
        if checking_out:
            return addresses.use_for_checkout(user, address_id)
        return addresses.get_for(user, address_id)
    except NotFound as exc:
        raise ValidationError(fields={"shipping.address_id": exc.message}) from exc


def destination_of(address) -> Destination:
    """The Destination of an address-book entry or of validated address fields."""
    get = address.get if isinstance(address, dict) else lambda name: getattr(address, name, None)
    district = get("district_code")
    names = addresses.region_names(district)
    return Destination(district, get("postal_code"), names.get("district") or "")


def choose(view, request: ShippingRequest, method) -> dict[int, Option]:
    """The option for each store of the cart, priced now, allowed with the payment method."""
    if request.options is not None:
        picked = shipping_options.choose(view, request.destination, request.options, request.prices)
    else:
        picked = _cheapest(view, request.destination, bool(getattr(method, "pay_on_delivery", False)))
    if getattr(method, "pay_on_delivery", False):
        check_cod(view, picked)
    return picked


def _cheapest(view, destination: Destination, cod: bool) -> dict[int, Option]:
    quotes = shipping_options.quote_cart(view, destination)
    picked: dict[int, Option] = {}
    errors: dict[str, str] = {}
    for quote in quotes.stores:
        usable = [o for o in quote.options if o.cod] if cod else quote.options
        option = min(usable, key=lambda o: (o.price, o.etd_max), default=None) or quote.cheapest
        if option is None:
            errors[f"shipping.options.{quote.store_slug}"] = shipping_options.no_option_message(quote)
        else:
            picked[quote.store_id] = option
    if errors:
        raise ValidationError(" ".join(errors.values()), fields=errors)
    return picked


def check_cod(view, picked: dict[int, Option]) -> None:
    """Cash on delivery only where the store allows it for the chosen option; 422 naming the store."""
    errors = {
        f"shipping.options.{group.store_slug}": _(
            "%(store)s tidak menerima bayar di tempat untuk %(option)s. Pilih cara bayar lain atau pengiriman lain.",
            store=group.store_name,
            option=str(picked[group.store_id].label),
        )
        for group in view.groups
        if group.store_id in picked and not picked[group.store_id].cod
    }
    if errors:
        raise ValidationError(" ".join(errors.values()), fields=errors)
