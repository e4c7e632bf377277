"""The shipping options of a cart, per store, for one destination: what the checkout offers
and what it charges.

    quote_cart(view, destination) -> StoreQuotes
    choose(view, destination, chosen, prices=None) -> {store id: Option}

A store's options come from its offer (:func:`marketplace.shipping.offers.offers_for`, one
statement for every store): pickup, its own local delivery (only to the districts it prices;
free above its ``free_above`` on the store's goods) and the courier rates that the enabled
plugins answer to ONE ``shipping_rates`` call carrying every store's parcel (a plugin calling
an API quotes them in parallel). Only the services the store chose are kept; for the same
courier and service a live rate wins over a table rate. A store with a line of unknown weight
gets no courier options. A plugin that raises costs its rates, never the checkout: the other
plugins' rates are offered with a notice.

Option ids are stable strings the client sends back: ``"pickup"``, ``"local"``,
``"courier:<courier>:<service>"``. :func:`choose` quotes again, so the price charged is the
server's: ShippingChanged (409) when it differs from the price the client saw.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from marketplace import plugin_api
from marketplace.errors import Conflict, ValidationError
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah
from marketplace.shipping import couriers as courier_catalogue
from marketplace.shipping.offers import StoreOffer, offers_for
from marketplace.shipping.quotes import LIVE, Parcel, ParcelItem, Rate, RatesUnavailable

log = logging.getLogger(__name__)
PICKUP, LOCAL, COURIER = "pickup", "local", "courier"
STORE = "store"  # the source and kind of the options a store sets itself


class ShippingChanged(Conflict):
    """A price the client saw is not the price now. A JSON client gets the new price per store
    slug in the error's ``prices``; each store's field says it in words."""

    code = "shipping_changed"

    def __init__(self, prices: dict[str, int]):
        super().__init__(
            _(
                "Ongkos kirim berubah sejak Anda melihatnya. Periksa harga baru sebelum membayar; "
                "belum ada yang dipesan."
            ),
            fields={
                f"shipping.prices.{slug}": _("Ongkir sekarang %(price)s.", price=rupiah(price))
                for slug, price in prices.items()
            },
        )
        self.details = {"prices": dict(prices)}


@dataclass(frozen=True)
class Destination:
    """Where the buyer wants the goods: a Kemendagri district (None: not known, e.g. the old
    free-text address, which only pickup can serve) and its postal code."""

    district_code: str | None
    postal_code: str | None = None
    label: str = ""  # "Kebayoran Baru" for "Ongkir ke Kebayoran Baru"


@dataclass(frozen=True)
class Option:
    id: str
    method: str  # PICKUP, LOCAL or COURIER
    courier: str | None
    service: str | None
    label: str  # as shown: "JNE REG", "Ambil sendiri di toko", "Diantar penjual"
    price: int
    etd_min: int
    etd_max: int
    source: str  # the plugin's name, or "store"
    kind: str  # "store", or the rate's kind (live, table)
    cod: bool  # the store takes cash on delivery with this option

    @property
    def etd_days(self) -> str:
        """Days as text: "2-3", "1"; "0" is the same day."""
        if self.etd_max <= self.etd_min:
            return str(self.etd_min)
        return f"{self.etd_min}-{self.etd_max}"


@dataclass
class StoreQuote:
    store_id: int
    store_slug: str
    store_name: str
    subtotal: int
    offer: StoreOffer | None
    options: list[Option] = field(default_factory=list)
    weightless: bool = False  # a line has no weight: no courier can take it

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def cheapest(self) -> Option | None:
        return min(self.options, key=lambda o: (o.price, o.etd_max), default=None)


@dataclass
class StoreQuotes:
    stores: list[StoreQuote]
    notices: list[str] = field(default_factory=list)

    def by_slug(self, slug: str) -> StoreQuote | None:
        return next((s for s in self.stores if s.store_slug == slug), None)


# --- quoting ---------------------------------------------------------------------------------


def quote_cart(view, destination: Destination) -> StoreQuotes:
    """Every store group's options to ``destination``, sorted (see the module's docstring)."""
    offers = offers_for([group.store_id for group in view.groups])
    parcels = [p for p in (_parcel(group, offers.get(group.store_id), destination) for group in view.groups) if p]
    rates, notices = ask_rates(parcels)
    quotes = []
    for group in view.groups:
        offer = offers.get(group.store_id)
        quote = StoreQuote(group.store_id, group.store_slug, group.store_name, group.subtotal, offer)
        quote.weightless = any(not line.facts.weight_grams for line in group.lines)
        quote.options = sorted(
            store_options(offer, group.subtotal, destination)
            + courier_options(offer, [r for r in rates if r.parcel_key == group.store_slug]),
            key=lambda o: (o.method == COURIER, o.price, o.etd_max, o.label),
        )
        quotes.append(quote)
    return StoreQuotes(quotes, notices)


def _parcel(group, offer: StoreOffer | None, destination: Destination) -> Parcel | None:
    """The store's parcel for the couriers; None when no courier can take it."""
    if offer is None or not offer.courier_codes or not destination.district_code or not offer.origin:
        return None
    if any(not line.facts.weight_grams for line in group.lines):
        return None
    items = tuple(_parcel_item(line) for line in group.lines)
    return Parcel(
        key=group.store_slug,
        store_id=group.store_id,
        origin=offer.origin,
        destination=destination.district_code,
        weight_grams=sum(item.weight_grams * item.quantity for item in items),
        value=group.subtotal,
        couriers=offer.courier_codes,
        origin_postal_code=offer.origin_postal_code,
        destination_postal_code=destination.postal_code,
        items=items,
    )


def _parcel_item(line) -> ParcelItem:
    facts = line.facts
    size = facts.dimensions or (None, None, None)
    return ParcelItem(
        name=facts.product_name[:100],
        quantity=line.quantity,
        value=facts.price,
        weight_grams=int(facts.weight_grams or 0),
        length_cm=size[0],
        width_cm=size[1],
        height_cm=size[2],
    )


def ask_rates(parcels: list[Parcel]) -> tuple[list[Rate], list[str]]:
    """Every plugin's rates for the parcels, in one hook call; a notice when a plugin failed."""
    if not parcels:
        return [], []
    answers, failures = plugin_api.gather_each("shipping_rates", parcels=parcels)
    for plugin_name, exc in failures:
        if isinstance(exc, RatesUnavailable):
            log.warning("shipping plugin %s has no rates now: %s", plugin_name, exc)
        else:
            log.error("shipping plugin %s failed to quote", plugin_name, exc_info=exc)
    rates = [r for r in answers if isinstance(r, Rate) and _sane(r)]
    notices = [_("Tarif kurir langsung sedang tidak tersedia; harga di bawah dari tabel tarif.")] if failures else []
    return rates, notices


def _sane(rate: Rate) -> bool:
    ok = isinstance(rate.price, int) and not isinstance(rate.price, bool) and rate.price >= 0
    if not ok:
        log.error("shipping plugin %s answered a bad price %r", rate.source, rate.price)
    return ok


def store_options(offer: StoreOffer | None, subtotal: int, destination: Destination) -> list[Option]:
    if offer is None:
        return []
    options = []
    if offer.pickup:
        place = offer.pickup.address if offer.pickup.place == "booth" and offer.pickup.address else None
        label = _("Ambil sendiri di %(place)s", place=place) if place else _("Ambil sendiri di toko")
        options.append(Option(PICKUP, PICKUP, None, None, label[:160], 0, 0, 0, STORE, STORE, offer.pickup.cod))
    price = (
        offer.local.price_for(destination.district_code, subtotal)
        if offer.local and destination.district_code
        else None
    )
    if offer.local and price is not None:
        low, high = offer.local.etd_days
        options.append(
            Option(LOCAL, LOCAL, None, None, _("Diantar penjual"), price, low, high, STORE, STORE, offer.local.cod)
        )
    return options


def courier_options(offer: StoreOffer | None, rates: list[Rate]) -> list[Option]:
    """The rates for the services the store chose, one per (courier, service), live first."""
    if offer is None:
        return []
    best: dict[tuple[str, str], Rate] = {}
    for rate in rates:
        if rate.service not in offer.couriers.get(rate.courier, ()):
            continue
        key = (rate.courier, rate.service)
        held = best.get(key)
        if (
            held is None
            or (rate.kind == LIVE and held.kind != LIVE)
            or (rate.kind == held.kind and rate.price < held.price)
        ):
            best[key] = rate
    return [
        Option(
            f"{COURIER}:{r.courier}:{r.service}",
            COURIER,
            r.courier,
            r.service,
            (r.service_name or _courier_label(r.courier, r.service))[:160],
            r.price,
            r.etd_min_days,
            max(r.etd_max_days, r.etd_min_days),
            r.source[:40],
            r.kind,
            offer.courier_cod,
        )
        for r in best.values()
    ]


def _courier_label(courier: str, service: str) -> str:
    known = courier_catalogue.COURIERS.get(courier)
    if known is None:
        return f"{courier.upper()} {service.upper()}"
    return f"{known.name} {known.services.get(service, service.upper())}"


# --- choosing --------------------------------------------------------------------------------


def choose(view, destination: Destination, chosen, prices=None) -> dict[int, Option]:
    """The option the buyer chose for each store, priced now. ValidationError (422) when a
    store's choice is missing or not offered; ShippingChanged (409) when ``prices`` (slug →
    rupiah the client saw) differ from now, with the new price per store in its fields."""
    quotes = quote_cart(view, destination)
    chosen = _clean_choices(chosen)
    errors: dict[str, str] = {}
    picked: dict[int, Option] = {}
    for quote in quotes.stores:
        option = _pick(quote, chosen.get(quote.store_slug), errors)
        if option is not None:
            picked[quote.store_id] = option
    if errors:
        raise ValidationError(_("Pilih cara pengiriman untuk setiap toko."), fields=errors)
    _check_prices(quotes, picked, prices)
    return picked


def _clean_choices(chosen) -> dict[str, str]:
    if chosen is None:
        return {}
    if not isinstance(chosen, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in chosen.items()):
        raise ValidationError(fields={"shipping.options": _("Pilihan pengiriman tidak valid.")})
    return chosen


def _pick(quote: StoreQuote, option_id: str | None, errors: dict[str, str]) -> Option | None:
    field_name = f"shipping.options.{quote.store_slug}"
    if not quote.options:
        errors[field_name] = no_option_message(quote)
        return None
    if not option_id:
        errors[field_name] = _("Pilih cara pengiriman untuk %(store)s.", store=quote.store_name)
        return None
    option = quote.option(option_id)
    if option is None:
        errors[field_name] = _(
            "Pengiriman itu tidak tersedia dari %(store)s ke alamat ini; pilih yang lain.", store=quote.store_name
        )
    return option


def no_option_message(quote: StoreQuote) -> str:
    if quote.weightless and quote.offer and quote.offer.courier_codes:
        return _(
            "%(store)s belum bisa mengirim ke alamat ini: berat barangnya belum diisi penjual, jadi hanya bisa "
            "diambil sendiri atau diantar penjual di kotanya.",
            store=quote.store_name,
        )
    return _("%(store)s tidak melayani pengiriman ke alamat ini.", store=quote.store_name)


def _check_prices(quotes: StoreQuotes, picked: dict[int, Option], prices) -> None:
    if not prices:
        return
    if not isinstance(prices, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in prices.values()
    ):
        raise ValidationError(fields={"shipping.prices": _("Harga ongkir yang dikirim tidak valid.")})
    changed: dict[str, int] = {}
    for quote in quotes.stores:
        seen = prices.get(quote.store_slug)
        option = picked[quote.store_id]
        if seen is not None and seen != option.price:
            changed[quote.store_slug] = option.price
    if changed:
        raise ShippingChanged(changed)
