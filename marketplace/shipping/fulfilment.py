"""Shipping an order: the seller names the courier and its waybill, or books a courier pickup
through a shipping plugin, or (pickup at the shop, the store's own local delivery) hands the
goods over without a courier. Every page and the API ship through here; the move itself is
marketplace.orders.lifecycle.transition.

Courier names: a code of marketplace.shipping.couriers ("jne") or a name that maps to one,
case, spaces and punctuation ignored ("JNE", "J&T", "J&T Express", "SiCepat", "POS Indonesia",
"GoSend", "Gojek", "Grab"). The API's old free-text ``courier`` keeps working that way; a
request without a courier ships with the courier the buyer chose, and only an order without
one (from before couriers were chosen at checkout) ships its waybill unchecked, as before.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from marketplace import plugin_api
from marketplace.errors import Conflict, PermissionDenied, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import allowed_moves, capacities, transition
from marketplace.orders.models import Order, needs_waybill
from marketplace.shipping import couriers
from marketplace.shipping.quotes import Booking, BookingFailed

log = logging.getLogger(__name__)

# other names sellers type for a courier, squeezed (see _squeeze)
ALIASES = {
    "jt": "jnt",
    "jntexpress": "jnt",
    "jet": "jnt",
    "posindonesia": "pos",
    "posid": "pos",
    "gosend": "gojek",
    "gojek": "gojek",
    "grabexpress": "grab",
    "grabsend": "grab",
}
PICKUP_SOURCE = "pickup"  # mark_delivered's source when the buyer collected the order


class NoBooking(Conflict):
    """No enabled shipping plugin books this order's courier."""

    code = "booking_unavailable"


class NotBooked(Conflict):
    """The plugin refused or failed the booking; its message is for the seller."""

    code = "booking_failed"


def _squeeze(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def resolve_courier(text: str | None) -> str | None:
    """The courier code ``text`` names (a code or a courier's name), or None."""
    key = _squeeze(text or "")
    if not key:
        return None
    for courier in couriers.COURIERS.values():
        if key in (courier.code, _squeeze(courier.name)):
            return courier.code
    return ALIASES.get(key)


def chosen_courier(order: Order) -> str | None:
    """The courier the buyer chose at checkout (None before couriers were chosen there)."""
    code = getattr(order, "shipping_courier", None)
    return code if couriers.get(code) else None


def ship(order: Order, actor, *, courier: str | None, waybill: str | None, strict: bool = True) -> Order:
    """Mark ``order`` shipped by ``courier`` (a code or a name) with ``waybill``, checked against
    the courier's format. A pickup or local-delivery order needs neither (given, they are
    checked the same way). ``strict`` (the page) needs the courier; otherwise (the API) it is the
    buyer's when left out, and an order without one ships its waybill unchecked, as it did
    before couriers were codes. ValidationError names the field (``courier``, ``tracking_number``)."""
    if not needs_waybill(order) and not (courier or "").strip() and not (waybill or "").strip():
        return transition(order, "shipped", actor)  # ready for pickup, or on its way with the store's people
    code = _courier_code(order, courier, strict)
    waybill = couriers.normalise_waybill(waybill or "") if code else (waybill or "").strip()
    if not waybill:
        message = _("Isi nomor resi pengiriman.")
        raise ValidationError(message, fields={"tracking_number": message})
    if code and not couriers.waybill_ok(code, waybill):
        courier_ = couriers.COURIERS[code]
        message = _(
            "Nomor resi %(courier)s tidak sesuai formatnya, contoh: %(example)s.",
            courier=courier_.name,
            example=courier_.waybill_example,
        )
        raise ValidationError(message, fields={"tracking_number": message})
    return transition(order, "shipped", actor, courier=code or None, tracking_number=waybill)


def _courier_code(order: Order, courier: str | None, strict: bool) -> str | None:
    if courier and courier.strip():
        code = resolve_courier(courier)
        if code is None:
            message = _(
                "Kurir tidak dikenal. Pilih salah satu: %(names)s.",
                names=", ".join(c.name for c in couriers.COURIERS.values()),
            )
            raise ValidationError(message, fields={"courier": message})
        return code
    if strict:  # the page's list starts at the buyer's courier: an empty choice is the seller's
        message = _("Pilih kurir pengiriman.")
        raise ValidationError(message, fields={"courier": message})
    return chosen_courier(order)


def picked_up(order: Order, actor) -> bool:
    """The buyer collected a pickup order at the store: its delivery is recorded (the order
    clock then completes it). False when a delivery was recorded already."""
    if getattr(order, "shipping_method", None) != "pickup":
        raise Conflict(_("Pesanan %(number)s bukan pesanan ambil sendiri.", number=order.number))
    if "seller" not in capacities(order, actor):
        raise PermissionDenied(_("Hanya toko penjualnya yang mencatat pesanan sudah diambil."))
    return orders.mark_delivered(order, source=PICKUP_SOURCE)


# --- booking a pickup --------------------------------------------------------------------


def can_book(order: Order) -> bool:
    """Whether to offer "book a courier pickup": a courier order waiting to ship, and an
    enabled plugin that books pickups."""
    return order.status == "processing" and needs_waybill(order) and plugin_api.implemented("shipping_book")


@dataclass(frozen=True)
class _Answer:
    plugin: str
    booking: Booking


def _ask_to_book(order: Order) -> _Answer:
    for plugin, call in plugin_api.each_call("shipping_book", order=order):
        try:
            answer = call()
        except BookingFailed as exc:
            log.info("plugin %s refused to book order %s: %s", plugin, order.number, exc)
            raise NotBooked(str(exc) or _("Pemesanan penjemputan ditolak.")) from exc
        except Exception as exc:  # a plugin's bug is not the seller's; the order stays as it was
            log.exception("plugin %s failed to book order %s", plugin, order.number)
            raise NotBooked(_("Pemesanan penjemputan gagal. Coba lagi nanti atau isi resi sendiri.")) from exc
        if answer is not None:
            return _Answer(plugin, answer)
    raise NoBooking(_("Tidak ada layanan yang bisa memesan penjemputan kurir ini. Isi kurir dan nomor resinya."))


def book_pickup(order: Order, actor) -> Order:
    """Book the courier pickup through the first enabled plugin that answers, then mark the
    order shipped with the booking's courier, waybill and reference. NotBooked (the plugin's
    BookingFailed message, for the seller) or NoBooking leave the order as it was."""
    if "shipped" not in allowed_moves(order, actor):
        raise Conflict(_("Pesanan %(number)s tidak bisa dikirim sekarang.", number=order.number))
    answer = _ask_to_book(order)
    booking = answer.booking
    code = resolve_courier(booking.courier)
    try:
        return transition(
            order,
            "shipped",
            actor,
            courier=code or booking.courier,
            tracking_number=couriers.normalise_waybill(booking.waybill) or None,
            shipment_reference=booking.reference or f"{answer.plugin}:{order.number}",
        )
    except ServiceError:
        log.error("booking %s by %s for order %s could not be recorded", booking.reference, answer.plugin, order.number)
        raise


def waybill_assigned(order: Order, waybill: str) -> bool:
    """A shipping plugin learnt the waybill of a pickup it booked without one (a webhook): the
    order gets it, so the buyer's page links to the courier and the tracking job follows it.
    False, and nothing written, when the order has a waybill already or was not booked."""
    waybill = couriers.normalise_waybill(waybill)[:80]
    if not waybill or order.tracking_number or not order.shipment_reference:
        return False
    order.tracking_number = waybill
    db.session.flush()
    return True
