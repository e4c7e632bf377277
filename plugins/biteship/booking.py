"""Booking a courier pickup: POST /v1/orders for a shipped-by-courier order, recorded in
biteship_shipments so the webhook finds the order by Biteship's id.

What the request needs: the store as shipper and origin (name, WhatsApp, address and postal
code), the buyer as destination (the order's ship_* snapshot), the courier and service the
buyer chose, and the lines as items. Line weights come from the order's lines when checkout
records them (``weight_grams``); otherwise one kilogram a line is declared.
"""

from __future__ import annotations

import importlib
import logging
import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.shipping import couriers
from marketplace.shipping.quotes import Booking, BookingFailed

from .api import COURIER_CODES, BiteshipError, Connection, call
from .models import BiteshipShipment

log = logging.getLogger(__name__)
DEFAULT_LINE_GRAMS = 1000


def chosen_courier(order) -> tuple[str | None, str | None]:
    courier = getattr(order, "shipping_courier", None) or order.courier
    service = getattr(order, "shipping_service", None) or "reg"
    return (courier or "").lower() or None, (service or "").lower() or None


def origin_postal_code(store) -> str | None:
    """The store's origin postal code: from its shipping settings (marketplace.shipping.offers,
    when the core has them), else a five-digit postal code written at the end of its address."""
    try:
        offers = importlib.import_module("marketplace.shipping.offers")
    except ImportError:
        offers = None
    if offers is not None and hasattr(offers, "offers_for"):
        offer = offers.offers_for([store.id]).get(store.id)
        if offer is not None and getattr(offer, "origin_postal_code", None):
            return str(offer.origin_postal_code)
    found = re.search(r"\b(\d{5})\s*$", store.address or "")
    return found.group(1) if found else None


def _origin(store) -> dict:
    postal = origin_postal_code(store)
    if not postal:
        raise BookingFailed(_("Kode pos asal toko belum diisi; lengkapi pengaturan pengiriman toko."))
    return {
        "shipper_contact_name": store.name,
        "shipper_contact_phone": store.whatsapp or "",
        "shipper_organization": store.name,
        "origin_contact_name": store.name,
        "origin_contact_phone": store.whatsapp or "",
        "origin_address": store.address or store.city,
        "origin_postal_code": int(postal),
    }


def _destination(order) -> dict:
    postal = (order.ship_postal_code or "").strip()
    if not re.fullmatch(r"\d{5}", postal):
        raise BookingFailed(_("Kode pos alamat pembeli tidak lengkap; isi kurir dan nomor resinya sendiri."))
    parts = [order.ship_address, getattr(order, "ship_district", None), order.ship_city]
    parts.append(getattr(order, "ship_province", None))
    return {
        "destination_contact_name": order.ship_name,
        "destination_contact_phone": order.ship_phone,
        "destination_address": ", ".join(p for p in parts if p),
        "destination_postal_code": int(postal),
    }


def request_body(order, store, lines) -> dict:
    courier, service = chosen_courier(order)
    items = [
        {
            "name": f"{line.product_name} {line.variant_name}".strip()[:100],
            "value": line.unit_price,
            "quantity": line.quantity,
            "weight": getattr(line, "weight_grams", None) or DEFAULT_LINE_GRAMS,
        }
        for line in lines
    ]
    return {
        **_origin(store),
        **_destination(order),
        "courier_company": courier,
        "courier_type": service,
        "delivery_type": "now",
        "reference_id": order.number,
        "order_note": order.number,
        "items": items,
    }


def book(conn: Connection, order) -> Booking | None:
    """Book the order's courier (None: not a courier Biteship books). :raise BookingFailed:"""
    from marketplace.orders.models import OrderLine
    from marketplace.stores.models import Store

    courier, service = chosen_courier(order)
    if courier not in COURIER_CODES or not couriers.get(courier):
        return None
    existing = db.session.scalar(select(BiteshipShipment).where(BiteshipShipment.order_id == order.id))
    if existing is not None:  # booked already (a retried request): the same booking again
        return _booking(existing)
    store = db.session.get(Store, order.store_id) if order.store_id else None
    if store is None:
        raise BookingFailed(_("Toko pesanan ini tidak ditemukan."))
    lines = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    try:
        answer = call(conn, "POST", "/v1/orders", request_body(order, store, lines), timeout=max(conn.timeout, 10))
    except BiteshipError as exc:
        log.warning("biteship: booking %s failed: %s", order.number, exc)
        raise BookingFailed(_("Biteship menolak pemesanan kurir: %(reason)s", reason=str(exc))) from exc
    row = _record(order, answer, courier, service or "reg")
    return _booking(row)


def _record(order, answer: dict, courier: str, service: str) -> BiteshipShipment:
    shipped = answer.get("courier") or {}
    row = BiteshipShipment(
        order_id=order.id,
        biteship_id=str(answer.get("id") or ""),
        courier=str(shipped.get("company") or courier),
        service=str(shipped.get("type") or service),
        waybill=shipped.get("waybill_id") or None,
        tracking_id=shipped.get("tracking_id") or None,
        status=str(answer.get("status") or "confirmed")[:30],
    )
    if not row.biteship_id:
        raise BookingFailed(_("Biteship tidak memberi nomor pemesanan; coba lagi."))
    db.session.add(row)
    db.session.flush()
    return row


def _booking(row: BiteshipShipment) -> Booking:
    return Booking(
        courier=row.courier,
        service=row.service,
        waybill=row.waybill or "",
        reference=row.biteship_id,
        source="biteship",
        link=couriers.tracking_link(row.courier, row.waybill),
    )
