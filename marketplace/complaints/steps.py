"""Every move of a complaint after it was opened: the seller's answer, the shopper's reply to
an offer, the agency's decision, the goods' return, and the clock's deadlines.

Each move is a compare-and-set on the complaint's status (a concurrent move makes it 409,
never a double one), writes the timeline and an audit row, and mails the parties.

    awaiting_seller --full--------------------> resolved (refund) | awaiting_return
                    --partial-----------------> awaiting_shopper --accept--> resolved | awaiting_return
                                                                 --escalate-> escalated
                    --disagree / silence------> escalated --refund--> resolved | awaiting_return
                                                          --reject--> rejected
    awaiting_return --return tracking--> returning --received / silence--> resolved (refund)
    awaiting_return --silence--> closed (no refund)
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import update

from marketplace import audit
from marketplace.agency.services import require_agency
from marketplace.clock import now
from marketplace.complaints import notifications, outcome
from marketplace.complaints.models import STATUSES, Complaint
from marketplace.complaints.services import add_event, due_in, order_of, response_days
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import whole_number
from marketplace.orders.lifecycle import ConcurrentChange
from marketplace.stores import interest


class ComplaintChanged(ConcurrentChange):
    code = "concurrent_change"


def _expect(complaint: Complaint, expected: str) -> None:
    """:raise Conflict: the complaint is not ``expected``, or that step's deadline has passed
    (the order clock moves it on)."""
    if complaint.status != expected:
        raise Conflict(
            _('Komplain #%(id)d berstatus "%(status)s".', id=complaint.id, status=STATUSES[complaint.status])
        )
    if complaint.due_at is not None and now() > complaint.due_at:
        raise Conflict(_("Batas waktu langkah ini sudah lewat."))


def _move(complaint: Complaint, expected: str, new: str) -> None:
    """Move the complaint from ``expected`` to ``new``, or Conflict when someone moved it between
    our read and our write."""
    result = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.status == expected)
        .values(status=new, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ComplaintChanged(_("Komplain ini baru saja diubah. Muat ulang halaman lalu coba lagi."))
    complaint.status = new


def _note(data: dict, required: bool) -> str:
    note = data.get("note")
    note = note.strip() if isinstance(note, str) else ""
    if required and len(note) < 10:
        raise ValidationError(fields={"note": _("Tuliskan alasannya (paling sedikit 10 karakter).")})
    if len(note) > 2000:
        raise ValidationError(fields={"note": _("Paling banyak 2.000 karakter.")})
    return note


def _amount(data: dict, complaint: Complaint, required: bool) -> int | None:
    raw = data.get("amount")
    if raw in (None, "") and not required:
        return None
    if isinstance(raw, str):
        raw = raw.strip().replace(".", "")
    ceiling = outcome.claimed(complaint)
    if raw in (None, ""):
        raise ValidationError(fields={"amount": _("Isi nominal pengembalian dana.")})
    try:
        return whole_number(raw, "amount", maximum=ceiling)
    except ValidationError:
        raise ValidationError(
            fields={
                "amount": _(
                    "Nominal harus antara Rp 1 dan Rp %(max)s (nilai barang yang dikomplain).",
                    max=f"{ceiling:,}".replace(",", "."),
                )
            }
        ) from None


def _record(complaint: Complaint, actor, role: str, action: str, amount: int | None = None, note: str = "") -> None:
    order = order_of(complaint)
    add_event(complaint, actor, role, action, amount, note)
    audit.record(
        actor, f"complaint.{action}", "complaint", complaint.id, store_id=complaint.store_id,
        status=complaint.status, amount=amount, note=note or None,
    )  # fmt: skip
    notifications.step(complaint, order, action, actor)


def _refund_or_return(complaint: Complaint, actor, role: str) -> None:
    """An agreed refund: wait for the goods when it asks for them, else refund now."""
    if complaint.return_needed:
        _move(complaint, complaint.status, "awaiting_return")
        complaint.due_at = due_in(response_days())
        return
    _refund(complaint, actor, role)


def _refund(complaint: Complaint, actor, role: str) -> None:
    _move(complaint, complaint.status, "resolved")  # one refund, whoever else is trying
    order = order_of(complaint)
    given = outcome.settle(complaint, order, actor)
    _record(complaint, actor, role, "refunded", given)


# --- the seller ------------------------------------------------------------------------------

ANSWERS = ("full", "partial", "disagree")


def respond(user, complaint: Complaint, data: dict) -> Complaint:
    """The store answers (``complaint`` found with ``for_seller``): ``decision`` full, partial
    (``amount``) or disagree (``note``), ``return_needed`` for a refund. :raise Conflict: not
    waiting for the seller, or past the deadline (the clock escalates it)"""
    decision = data.get("decision")
    if decision not in ANSWERS:
        raise ValidationError(fields={"decision": _("Pilih jawaban: kembalikan penuh, sebagian, atau tidak setuju.")})
    _expect(complaint, "awaiting_seller")
    note = _note(data, required=decision == "disagree")
    amount = _amount(data, complaint, required=True) if decision == "partial" else None
    complaint.seller_note = note or None
    if decision == "disagree":
        _move(complaint, "awaiting_seller", "escalated")
        complaint.due_at = None
        _record(complaint, user, "seller", "disagreed", note=note)
        return complaint
    complaint.offer, complaint.offer_amount = decision, amount
    complaint.return_needed = data.get("return_needed") is True
    if decision == "partial":
        _move(complaint, "awaiting_seller", "awaiting_shopper")
        complaint.due_at = due_in(response_days())
        _record(complaint, user, "seller", "offer_partial", amount, note)
        return complaint
    _record(complaint, user, "seller", "offer_full", outcome.claimed(complaint), note)
    _refund_or_return(complaint, user, "seller")
    return complaint


def confirm_return(user, complaint: Complaint) -> Complaint:
    """The store received the goods back (``complaint`` found with ``for_seller``): refund."""
    _expect(complaint, "returning")
    _record(complaint, user, "seller", "return_received")
    _refund(complaint, user, "seller")
    return complaint


# --- the shopper -----------------------------------------------------------------------------


def accept(user, complaint: Complaint) -> Complaint:
    """The shopper accepts the seller's partial offer (``complaint`` found with ``for_shopper``)."""
    _expect(complaint, "awaiting_shopper")
    _record(complaint, user, "shopper", "accepted", complaint.offer_amount)
    _refund_or_return(complaint, user, "shopper")
    return complaint


def escalate(user, complaint: Complaint, data: dict) -> Complaint:
    """The shopper refuses the partial offer and asks the agency to decide."""
    note = _note(data, required=False)
    _expect(complaint, "awaiting_shopper")
    _move(complaint, "awaiting_shopper", "escalated")
    complaint.due_at = None
    _record(complaint, user, "shopper", "escalated", note=note)
    return complaint


def ship_return(user, complaint: Complaint, data: dict) -> Complaint:
    """The shopper sent the goods back: ``courier`` and ``tracking_number`` (resi)."""
    courier = data.get("courier")
    tracking = data.get("tracking_number")
    courier = courier.strip() if isinstance(courier, str) else ""
    tracking = tracking.strip() if isinstance(tracking, str) else ""
    errors = {}
    if not 1 <= len(courier) <= 60:
        errors["courier"] = _("Isi nama kurir (paling banyak 60 karakter).")
    if not 1 <= len(tracking) <= 80:
        errors["tracking_number"] = _("Isi nomor resi pengiriman kembali (paling banyak 80 karakter).")
    if errors:
        raise ValidationError(fields=errors)
    _expect(complaint, "awaiting_return")
    _move(complaint, "awaiting_return", "returning")
    complaint.return_courier, complaint.return_tracking = courier, tracking
    complaint.due_at = due_in(int(current_app.config["COMPLAINT_RETURN_DAYS"]))
    _record(complaint, user, "shopper", "return_shipped", note=f"{courier} {tracking}")
    return complaint


# --- the agency ------------------------------------------------------------------------------

DECISIONS = ("refund", "reject")


def decide(user, complaint: Complaint, data: dict) -> Complaint:
    """An officer decides an escalated complaint: ``decision`` refund (``amount``: all claimed
    when empty; ``return_needed``) or reject (``note``)."""
    require_agency(user)
    interest.refuse_own_store(complaint.store_id, user)
    decision = data.get("decision")
    if decision not in DECISIONS:
        raise ValidationError(fields={"decision": _("Pilih keputusan: kembalikan dana atau tolak.")})
    note = _note(data, required=decision == "reject")
    amount = _amount(data, complaint, required=False) if decision == "refund" else None
    _expect(complaint, "escalated")
    complaint.agency_note, complaint.decided_by = note or None, user.id
    if decision == "reject":
        _move(complaint, "escalated", "rejected")
        outcome.close(complaint, "rejected")
        _record(complaint, user, "agency", "decided_reject", note=note)
        return complaint
    full = amount is None or amount >= outcome.claimed(complaint)
    complaint.offer, complaint.offer_amount = ("full", None) if full else ("partial", amount)
    complaint.return_needed = data.get("return_needed") is True
    _record(complaint, user, "agency", "decided_refund", amount or outcome.claimed(complaint), note)
    _refund_or_return(complaint, user, "agency")
    return complaint


# --- the clock -------------------------------------------------------------------------------


def advance(complaint: Complaint, at: datetime) -> bool:
    """What a passed deadline does (the order clock, as the system): the seller's silence
    escalates, the shopper's silence accepts the offer, goods not sent back close the complaint
    without a refund, a return the seller does not confirm is refunded. False when not due."""
    if complaint.due_at is None or complaint.due_at > at:
        return False
    status = complaint.status
    if status == "awaiting_seller":
        _move(complaint, status, "escalated")
        complaint.due_at = None
        _record(complaint, None, "system", "escalated", note=_("Penjual tidak menjawab sampai batas waktu."))
    elif status == "awaiting_shopper":
        _record(complaint, None, "system", "accepted", complaint.offer_amount, _("Pembeli tidak menanggapi."))
        _refund_or_return(complaint, None, "system")
    elif status == "awaiting_return":
        _move(complaint, status, "closed")
        outcome.close(complaint, "closed")
        _record(complaint, None, "system", "closed", note=_("Barang tidak dikirim kembali sampai batas waktu."))
    elif status == "returning":
        _refund(complaint, None, "system")
    else:
        return False
    return True
