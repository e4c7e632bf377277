"""What the core and the shipping plugins say to each other (``docs/PLUGINS.md``).

The core asks every enabled plugin's ``shipping_rates(parcels)`` once per request with every
store's parcel, so a plugin that calls a network API can quote the stores in parallel. A plugin
answers with :class:`Rate` rows tagged with the parcel's ``key``; rates the plugin could not get
(its API down, slow or refusing) it reports by raising :class:`RatesUnavailable`, and the core
offers the other plugins' rates and says so. ``kind`` tells a live quote ("live") from a table
that always answers ("table"): for the same parcel, courier and service a live rate wins.

``shipping_tracking(courier, waybill)`` answers a :class:`Tracking` or None (not this plugin's
courier or waybill); ``shipping_book(order)`` books a courier pickup for a shipped-by-courier
order and answers a :class:`Booking`, or None when the plugin does not book that courier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

LIVE = "live"
TABLE = "table"

# tracking statuses, from the courier's words to ours
TRACKING_STATUSES = ("pending", "picked_up", "in_transit", "delivered", "returned", "cancelled", "unknown")


class RatesUnavailable(Exception):
    """A plugin could not quote now (API down, slow, refusing); the message is for the log."""


class BookingFailed(Exception):
    """A plugin could not book the pickup; ``str(exc)`` is shown to the seller."""


@dataclass(frozen=True)
class ParcelItem:
    name: str
    quantity: int
    value: int  # rupiah for one
    weight_grams: int  # for one
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


@dataclass(frozen=True)
class Parcel:
    """One store's part of a cart, to be sent from the store's district to the buyer's."""

    key: str  # the store's slug: rates answer per key
    store_id: int
    origin: str  # Kemendagri district code, "33.76.01"
    destination: str  # Kemendagri district code of the buyer's address
    weight_grams: int
    value: int  # rupiah of the goods
    couriers: tuple[str, ...] = ()  # courier codes the store ships with ("jne", "jnt"); () none
    origin_postal_code: str | None = None
    destination_postal_code: str | None = None
    items: tuple[ParcelItem, ...] = ()


@dataclass(frozen=True)
class Rate:
    parcel_key: str
    courier: str  # a code of marketplace.shipping.couriers.COURIERS
    service: str  # the courier's service code, lower case ("reg", "yes", "ez")
    service_name: str  # as shown ("JNE REG")
    price: int  # rupiah
    etd_min_days: int
    etd_max_days: int
    source: str  # the plugin's name
    kind: str = TABLE  # LIVE or TABLE


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime  # aware, UTC
    status: str  # one of TRACKING_STATUSES
    description: str
    location: str = ""


@dataclass
class Tracking:
    courier: str
    waybill: str
    status: str  # one of TRACKING_STATUSES, the latest
    events: list[TrackingEvent] = field(default_factory=list)  # oldest first
    link: str | None = None  # the courier's or plugin's public tracking page
    source: str = ""  # the plugin's name


@dataclass(frozen=True)
class Booking:
    courier: str
    service: str
    waybill: str  # may be "" while the courier has not assigned one yet
    reference: str  # the plugin's own id of the booking (the aggregator's order id)
    source: str  # the plugin's name
    link: str | None = None
