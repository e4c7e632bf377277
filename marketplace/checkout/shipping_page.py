"""The checkout page's shipping part (HTTP side): which address the form names, the options to
show per store, and the ``shipping`` request the service takes from the posted form.

The form posts ``address_id`` (an address-book entry, or ``new``), the new address's fields
(``name``, ``phone``, ``address`` — the street —, ``postal_code`` and the region picker's
codes), and per store ``ship_<store slug>`` = ``<option id>|<price seen>``. A post without a
district nor an address-book entry is the older free-text address (``city`` included), which
the service serves with each store's pickup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from marketplace.checkout.shipping import destination_of
from marketplace.errors import ServiceError
from marketplace.shipping import addresses, picker, regions
from marketplace.shipping import options as shipping_options
from marketplace.shipping.options import Destination, StoreQuotes

NEW = "new"


@dataclass
class ShippingPage:
    """What the template shows: the address book, the one chosen, each store's options with the
    one chosen, and the ongkir and total they make."""

    book: list = field(default_factory=list)
    address_id: str = NEW
    picker: object = None
    quotes: StoreQuotes | None = None
    chosen: dict[str, str] = field(default_factory=dict)  # slug → option id
    errors: dict[str, str] = field(default_factory=dict)  # slug → message (no option, bad choice)

    def option_of(self, slug: str):
        quote = self.quotes.by_slug(slug) if self.quotes else None
        return quote.option(self.chosen.get(slug, "")) if quote else None

    def ongkir(self, slug: str) -> int:
        option = self.option_of(slug)
        return option.price if option else 0

    @property
    def ongkir_total(self) -> int:
        return sum(self.ongkir(quote.store_slug) for quote in (self.quotes.stores if self.quotes else []))

    @property
    def cod_stores(self) -> list[str]:
        """Names of the stores whose chosen option takes cash on delivery."""
        stores = self.quotes.stores if self.quotes else []
        return [q.store_name for q in stores if (o := self.option_of(q.store_slug)) is not None and o.cod]


def _choice(form: Mapping, slug: str) -> tuple[str | None, int | None]:
    """(option id, price seen) of ``ship_<slug>``, or (None, None)."""
    raw = form.get(f"ship_{slug}")
    if not isinstance(raw, str) or not raw:
        return None, None
    option_id, _sep, price = raw.rpartition("|")
    if not option_id:
        return raw, None
    return option_id, int(price) if price.isdigit() and len(price) < 12 else None


def chosen_address(user, form: Mapping, book: list) -> str:
    """The address-book id the form names (posted, else the default or last used), or ``new``."""
    posted = form.get("address_id")
    if isinstance(posted, str) and posted:
        return posted
    if "name" in form or "address" in form:  # a post of the older form names no entry
        return NEW
    return str(book[0].id) if book else NEW


def destination(user, form: Mapping, address_id: str, book: list) -> Destination:
    """Where the options are quoted to: the chosen entry, or the new address's district."""
    if address_id != NEW:
        entry = next((a for a in book if str(a.id) == address_id), None)
        return destination_of(entry) if entry is not None else Destination(None)
    district = picker.values(form).get("district_code")
    if district and regions.is_district(district):
        postal = form.get("postal_code")
        return Destination(district, postal if isinstance(postal, str) else None)
    return Destination(None)


def build(user, view, form: Mapping) -> ShippingPage:
    """The shipping part of the page for the cart ``view`` and what the form holds."""
    book = addresses.list_for(user)
    page = ShippingPage(book=book, address_id=chosen_address(user, form, book))
    page.picker = picker.state(form) if page.address_id == NEW else picker.state({})
    if view.empty:
        return page
    page.quotes = shipping_options.quote_cart(view, destination(user, form, page.address_id, book))
    for quote in page.quotes.stores:
        wanted, _price = _choice(form, quote.store_slug)
        option = quote.option(wanted) if wanted else None
        option = option or quote.cheapest
        if option is not None:
            page.chosen[quote.store_slug] = option.id
        else:
            page.errors[quote.store_slug] = shipping_options.no_option_message(quote)
    return page


def request_of(form: Mapping) -> dict:
    """The service's ``shipping`` from the posted form (see the module's docstring)."""
    slugs = [name[len("ship_") :] for name in form if isinstance(name, str) and name.startswith("ship_")]
    choices = {slug: _choice(form, slug) for slug in slugs}
    shipping: dict = {}
    options = {slug: option_id for slug, (option_id, _p) in choices.items() if option_id}
    if options:
        shipping["options"] = options
        shipping["prices"] = {slug: price for slug, (_o, price) in choices.items() if price is not None}
    address_id = form.get("address_id")
    if isinstance(address_id, str) and address_id.isdigit() and len(address_id) < 10:
        return shipping | {"address_id": int(address_id)}
    text = {name: form.get(name, "") for name in ("name", "phone", "postal_code")}
    codes = picker.values(form)
    if codes.get("district_code") or codes.get("village_code"):
        return shipping | text | {"street": form.get("address", ""), **codes}
    return shipping | text | {"address": form.get("address", ""), "city": form.get("city", "")}


FORM_NAMES = {"street": "address", "recipient": "name"}  # the service's field → the form's


def field_errors(exc: ServiceError) -> tuple[dict[str, str], dict[str, str]]:
    """(per store slug, per address field of the form) messages of a shipping error."""
    stores, fields = {}, {}
    for name, message in exc.fields.items():
        if name.startswith(("shipping.options.", "shipping.prices.")):
            stores[name.split(".", 2)[2]] = message if isinstance(message, str) else exc.message
        elif name.startswith("shipping."):
            short = name.split(".", 1)[1]
            fields[FORM_NAMES.get(short, short)] = message
    return stores, fields
