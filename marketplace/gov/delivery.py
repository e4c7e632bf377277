"""Delivery and payment of a government order.

The seller accepts or declines the Surat Pesanan and sends the goods, the PPK receives them
(BAST) or reports a shortfall, the seller invoices, the bendahara records the payment and the
store is credited. Each step goes through marketplace/gov/machine.py (check, then move): the
status is written with a compare-and-set, so a step taken twice at once happens once. Input is
checked before anything is written; the caller commits (or rolls back on an error).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select

from marketplace.clock import now, to_jakarta
from marketplace.documents import pdf
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.gov import holding, limits, machine, paperwork
from marketplace.gov.models import GovDocument, GovOrder, GovOrderLine
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah, wib
from marketplace.ledger.gov_postings import credit_gov_order
from marketplace.shipping import couriers
from marketplace.shipping.fulfilment import resolve_courier

log = logging.getLogger(__name__)

SHIPPING_METHODS = ("pickup", "local", "courier")
REFERENCE_LENGTH = (3, 80)
REASON_LENGTH = 1000


def accept(order: GovOrder, actor) -> GovOrder:
    """The seller accepts the Surat Pesanan: approved → accepted."""
    machine.check(order, "accept", actor)
    machine.move(order, "accept", actor, "accepted")
    order.accepted_at = now()
    return order


def decline(order: GovOrder, actor, reason: str) -> GovOrder:
    """The seller declines the Surat Pesanan: approved → declined; stock goes back."""
    machine.check(order, "decline", actor)
    reason = limits.reason(reason)
    machine.move(order, "decline", actor, "declined", note=reason)
    order.closed_at, order.close_reason = now(), reason
    holding.release_all(order)
    return order


def offered_methods(order: GovOrder) -> dict:
    """The store's shipping settings as far as an office may use them: which of pickup, local
    delivery and couriers it offers, and the courier codes (cash on delivery never applies)."""
    from marketplace.shipping.offer_settings import get_settings
    from marketplace.stores.models import Store

    store = db.session.get(Store, order.store_id) if order.store_id is not None else None
    if store is None:
        return {"pickup": False, "local": False, "courier": False, "couriers": []}
    settings = get_settings(store)
    codes = sorted(settings["couriers"]["services"]) if settings["couriers"]["enabled"] else []
    return {
        "pickup": bool(settings["pickup"]["enabled"]),
        "local": bool(settings["local"]["enabled"]),
        "courier": bool(codes),
        "couriers": codes,
    }


def ship(
    order: GovOrder, actor, *, method: str, courier: str | None = None, tracking_number: str | None = None
) -> GovOrder:
    """The seller sends (courier, with its waybill) or brings (pickup/local) the goods, by one
    of the store's shipping methods, never COD: accepted or shortfall → shipped."""
    machine.check(order, "ship", actor)
    offered = offered_methods(order)
    if method not in SHIPPING_METHODS or not offered[method]:
        message = _("Pilih cara pengiriman yang ditawarkan toko ini.")
        raise ValidationError(message, fields={"method": message})
    code: str | None = None
    waybill: str | None = None
    if method == "courier":
        code, waybill = _checked_courier(courier, tracking_number, offered["couriers"])
    was_short = order.status == "shortfall"
    note = _("Kekurangan dikirim.") if was_short else ""
    machine.move(order, "ship", actor, "shipped", note=note, method=method, courier=code, tracking_number=waybill)
    order.shipped_at = now()
    order.shipping_method, order.courier, order.tracking_number = method, code, waybill
    return order


def _checked_courier(courier: str | None, waybill: str | None, offered: list[str]) -> tuple[str, str]:
    """The courier's code and the normalised waybill, checked as marketplace/shipping/fulfilment.py
    checks a shop order's (the same couriers and formats)."""
    code = resolve_courier(courier)
    if code is None or code not in offered:
        message = _(
            "Kurir tidak dikenal. Pilih salah satu: %(names)s.",
            names=", ".join(couriers.name_of(c) for c in offered),
        )
        raise ValidationError(message, fields={"courier": message})
    normalised = couriers.normalise_waybill(waybill or "")
    if not normalised:
        message = _("Isi nomor resi pengiriman.")
        raise ValidationError(message, fields={"tracking_number": message})
    if not couriers.waybill_ok(code, normalised):
        found = couriers.COURIERS[code]
        message = _(
            "Nomor resi %(courier)s tidak sesuai formatnya, contoh: %(example)s.",
            courier=found.name,
            example=found.waybill_example,
        )
        raise ValidationError(message, fields={"tracking_number": message})
    return code, normalised


def _whole(value) -> int | None:
    """An int, or the digits of one ("12", "-1"); None for anything else (1.5, True, "dua")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    digits = text.removeprefix("-")
    # twelve digits at most before int(): a 5,000-digit count is a message, not a ValueError
    return int(text) if digits.isdigit() and digits.isascii() and len(digits) <= 12 else None


def _counted(lines: list[GovOrderLine], received: dict | None) -> dict[int, int]:
    """Line id → what the PPK counted in total so far; a line left out of ``received`` (or
    everything, when it is None) arrived in full."""
    counts = {line.id: line.quantity for line in lines}
    if received is None:
        return counts
    by_id = {line.id: line for line in lines}
    errors: dict[str, str] = {}
    for raw_id, raw_count in received.items():
        line_id, count = _whole(raw_id), _whole(raw_count)
        if line_id is None or count is None:
            errors[f"received.{raw_id}"] = _("Isi jumlah dengan angka.")
            continue
        line = by_id.get(line_id)
        if line is None:
            errors[f"received.{raw_id}"] = _("Baris ini bukan bagian dari pesanan ini.")
        elif not 0 <= count <= line.quantity:
            errors[f"received.{line_id}"] = _(
                "Jumlah diterima antara 0 dan %(quantity)s %(unit)s.", quantity=line.quantity, unit=line.unit
            )
        else:
            counts[line_id] = count
    if errors:
        raise ValidationError(_("Periksa jumlah barang yang diterima."), fields=errors)
    return counts


def receive(order: GovOrder, actor, *, received: dict[int, int] | None = None, note: str = "") -> GovOrder:
    """The PPK counts what arrived (line id → quantity counted in total so far; a line left out,
    or every line when None, arrived in full). All there: the BAST PDF is made and signed,
    shipped → received. Short: shipped → shortfall, with the lines and the note (required);
    the seller must send the rest first."""
    machine.check(order, "receive", actor)
    lines = holding.lines_of(order)
    counts = _counted(lines, received)
    note = (note or "").strip()
    if len(note) > REASON_LENGTH:
        message = _("Catatan paling panjang %(count)s karakter.", count=REASON_LENGTH)
        raise ValidationError(message, fields={"note": message})
    short = [line for line in lines if counts[line.id] < line.quantity]
    if short:
        if not note:
            message = _("Tuliskan catatan kekurangan barang untuk penjual.")
            raise ValidationError(message, fields={"note": message})
        listed = "; ".join(
            _(
                "%(name)s: diterima %(count)s dari %(quantity)s %(unit)s",
                name=line.product_name,
                count=counts[line.id],
                quantity=line.quantity,
                unit=line.unit,
            )
            for line in short
        )
        machine.move(order, "receive", actor, "shortfall", note=f"{listed}. {note}", short=len(short))
    else:
        machine.move(order, "receive", actor, "received", note=note)
        order.received_at, order.received_by_id = now(), actor.id
    for line in lines:
        line.received_quantity = counts[line.id]
    if not short:
        db.session.flush()  # the BAST lists what was counted
        paperwork.issue(order, "bast", actor)
    return order


def issue_invoice(order: GovOrder, actor) -> tuple[GovDocument, GovDocument]:
    """The seller issues its invoice and kuitansi PDFs after the BAST: received → invoiced."""
    machine.check(order, "invoice", actor)
    machine.move(order, "invoice", actor, "invoiced")
    order.invoiced_at = now()
    return paperwork.issue(order, "invoice", actor), paperwork.issue(order, "kuitansi", actor)


def record_payment(order: GovOrder, actor, *, paid_on: date, reference: str, amount: int) -> GovOrder:
    """The bendahara records the payment (date, SP2D or payment reference, amount = the
    invoice's total) after the BAST and the invoice: invoiced → paid, and the store is credited
    in the ledger less the government commission snapshotted at approval."""
    machine.check(order, "pay", actor)
    reference = " ".join((reference or "").split())
    errors: dict[str, str] = {}
    today = to_jakarta(now()).date()
    signed = to_jakarta(order.received_at).date() if order.received_at is not None else None
    if isinstance(paid_on, datetime):
        paid_on = to_jakarta(paid_on).date()
    if not isinstance(paid_on, date):
        errors["paid_on"] = _("Isi tanggal pembayaran.")
    elif paid_on > today:
        errors["paid_on"] = _("Tanggal pembayaran tidak boleh di masa depan.")
    elif signed is not None and paid_on < signed:
        errors["paid_on"] = _(
            "Tanggal pembayaran tidak boleh sebelum tanggal BAST (%(date)s).",
            date=wib(signed, "date"),
        )
    low, high = REFERENCE_LENGTH
    if not low <= len(reference) <= high or not reference.isprintable():
        errors["reference"] = _(
            "Nomor SP2D atau referensi pembayaran %(low)s–%(high)s karakter yang terbaca.", low=low, high=high
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount != order.total:
        errors["amount"] = _("Jumlah dibayar harus sama dengan tagihan: %(total)s.", total=rupiah(order.total))
    if errors:
        raise ValidationError(next(iter(errors.values())), fields=errors)
    machine.move(order, "pay", actor, "paid", note=reference, reference=reference, amount=amount)
    order.payment_date, order.payment_reference, order.payment_amount = paid_on, reference, amount
    order.paid_at, order.paid_by_id = now(), actor.id
    credit_gov_order(order)
    return order


def document_pdf(document: GovDocument) -> bytes:
    """The stored bytes of a document, checked against its SHA-256 (never served altered)."""
    content = db.session.scalar(select(GovDocument.content).where(GovDocument.id == document.id))
    if content is None or pdf.sha256_of(bytes(content)) != document.sha256:
        log.error("government document %s (%s) does not match its SHA-256; not served", document.id, document.number)
        raise Conflict(
            _("Dokumen %(number)s tidak cocok dengan sidik digitalnya; hubungi admin.", number=document.number)
        )
    return bytes(content)
