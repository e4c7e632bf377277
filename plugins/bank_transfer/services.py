"""Bank-transfer rules: what to transfer, the proof, and finance's decision.

The shopper transfers the payment's amount plus a unique code of 1..999 rupiah
(``BANK_TRANSFER_UNIQUE_CODE``) so finance can match the transfer on the bank
statement; the code is the marketplace's and never reaches a store's ledger.
Confirming records the payment's amount through ``apply_payment`` (orders become
paid; a transfer that came after its orders expired takes the core's late-payment
path); rejecting tells the shopper why, and they may upload again until
the deadline, after which the orders expire and the stock goes back.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, audit_text
from marketplace.accounts.services import require_confirmed_email
from marketplace.agency.assist import is_officer
from marketplace.agency.services import require_agency
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.media import save_image
from marketplace.orders import services as orders
from marketplace.payments.models import Payment
from marketplace.stores import interest
from plugins.bank_transfer.models import BankTransfer

DEMO_ACCOUNT = "BRI 0123-01-000123-30-1 a.n. Disnakerin Kota Tegal (DEMO)"

audit_text.register(  # what these rows say in the agency's audit log
    {
        "bank_transfer.proof": _l("%(actor)s mengunggah bukti transfer %(subject)s"),
        "bank_transfer.confirmed": _l("%(actor)s mengonfirmasi transfer %(subject)s"),
        "bank_transfer.rejected": _l("%(actor)s menolak transfer %(subject)s"),
    }
)


def accounts(app=None) -> list[str]:
    """The marketplace's bank accounts (BANK_TRANSFER_ACCOUNTS, ``;``-separated); a demo one in development."""
    app = app or current_app
    raw = app.config.get("BANK_TRANSFER_ACCOUNTS") or ""
    found = [part.strip() for part in str(raw).split(";") if part.strip()]
    if not found and app.config.get("MARKETPLACE_ENV") == "development" and not app.config.get("TESTING"):
        found = [DEMO_ACCOUNT]
    return found


def window() -> timedelta:
    return timedelta(hours=int(current_app.config.get("BANK_TRANSFER_WINDOW_HOURS") or 24))


def _unique_code(amount: int) -> int:
    """1..999, not used by another open transfer of the same amount (0 when codes are off)."""
    if not current_app.config.get("BANK_TRANSFER_UNIQUE_CODE", True):
        return 0
    taken = set(
        db.session.scalars(
            select(BankTransfer.unique_code).where(
                BankTransfer.transfer_amount - BankTransfer.unique_code == amount,
                BankTransfer.status.in_(("awaiting_proof", "submitted")),
            )
        )
    )
    for _attempt in range(20):
        code = secrets.randbelow(999) + 1
        if code not in taken:
            return code
    return code


def create_for(payment: Payment) -> BankTransfer:
    code = _unique_code(payment.amount)
    transfer = BankTransfer(
        payment_id=payment.id,
        unique_code=code,
        transfer_amount=payment.amount + code,
        deadline=payment.expires_at or now() + window(),
    )
    db.session.add(transfer)
    db.session.flush()
    return transfer


def for_payment(payment_id: int) -> BankTransfer:
    transfer = db.session.scalar(select(BankTransfer).where(BankTransfer.payment_id == payment_id))
    if transfer is None:
        raise NotFound(_("Transfer tidak ditemukan."))
    return transfer


def for_shopper(user, payment_id: int) -> tuple[BankTransfer, Payment]:
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.user_id != user.id:
        raise NotFound(_("Transfer tidak ditemukan."))
    return for_payment(payment_id), payment


def submit_proof(transfer: BankTransfer, payment: Payment, user, stream, sender_name: str = "") -> BankTransfer:
    """The shopper's proof of transfer (an image); allowed until the deadline, again after a rejection."""
    if payment.status != "pending" or transfer.status not in ("awaiting_proof", "rejected", "submitted"):
        raise Conflict(_("Pembayaran ini tidak menunggu bukti transfer lagi."))
    if transfer.deadline <= now():
        raise Conflict(_("Batas waktu transfer sudah lewat; pesanan dibatalkan otomatis."))
    if stream is None:
        raise ValidationError(fields={"proof": _("Pilih foto bukti transfer.")})
    require_confirmed_email(user)
    stored = save_image(stream, "transfer-proofs", field="proof")
    transfer.proof_path = stored.path
    transfer.sender_name = (sender_name or "").strip()[:120] or None
    transfer.status, transfer.submitted_at, transfer.reject_reason = "submitted", now(), None
    audit.record(user, "bank_transfer.proof", "payment", payment.id)
    db.session.flush()
    return transfer


def _finance(actor) -> None:
    """Finance is the agency's (officers and admins): the one agency guard."""
    require_agency(actor)


def confirm(transfer: BankTransfer, actor, **audit_details) -> list:
    """Finance saw the money on the statement: the payment is paid, its orders go to the sellers.
    ``audit_details`` go into the audit row (a statement import names the statement and line)."""
    _finance(actor)
    if transfer.status == "confirmed":
        raise Conflict(_("Transfer ini sudah dikonfirmasi."))
    payment = db.session.get_one(Payment, transfer.payment_id)
    if payment.status not in ("pending", "cancelled") or payment.captured_amount:
        raise Conflict(_("Pembayaran transfer ini sudah dicatat (status %(s)s).", s=payment.status))
    _not_own_payment(actor, payment)
    # the shopper transferred the whole amount: orders that expired or were cancelled meanwhile
    # take the core's late-payment path (revived when their stock is free, else refunded by bank)
    paid = orders.apply_payment(
        payment.id, payment.amount, payment.currency, provider_reference=f"bank-transfer-{transfer.id}"
    )
    transfer.status, transfer.reviewed_by, transfer.reviewed_at = "confirmed", actor.id, now()
    audit.record(
        actor,
        "bank_transfer.confirmed",
        "payment",
        payment.id,
        amount=payment.captured_amount,
        transfer_amount=transfer.transfer_amount,
        **audit_details,
    )
    db.session.flush()
    return paid


def _not_own_payment(actor, payment: Payment) -> None:
    """Finance does not confirm its own payment, nor one to a store it owns or works for."""
    from marketplace.orders.models import Order

    store_ids = set(db.session.scalars(select(Order.store_id).where(Order.payment_id == payment.id)))
    if payment.user_id == actor.id or interest.member_store_ids(actor) & store_ids:
        raise interest.ConflictOfInterest(
            _(
                "Transfer ini untuk pesanan Anda sendiri atau toko tempat Anda menjadi "
                "anggota; konfirmasinya dilakukan petugas keuangan lain."
            )
        )


def reject(transfer: BankTransfer, actor, reason: str) -> BankTransfer:
    """The transfer was not found or does not match: the shopper sees ``reason`` and may upload again."""
    _finance(actor)
    reason = (reason or "").strip()[:1000]
    if not reason:
        raise ValidationError(fields={"reason": _("Tuliskan alasan penolakan untuk pembeli.")})
    if transfer.status != "submitted":
        raise Conflict(_("Hanya transfer yang menunggu pemeriksaan yang bisa ditolak."))
    transfer.status, transfer.reject_reason = "rejected", reason
    transfer.reviewed_by, transfer.reviewed_at = actor.id, now()
    audit.record(actor, "bank_transfer.rejected", "payment", transfer.payment_id, reason=reason)
    db.session.flush()
    return transfer


def queue(status: str = "submitted", limit: int = 100) -> list[tuple[BankTransfer, Payment]]:
    rows = db.session.execute(
        select(BankTransfer, Payment)
        .join(Payment, Payment.id == BankTransfer.payment_id)
        .where(BankTransfer.status == status)
        .order_by(BankTransfer.submitted_at, BankTransfer.id)
        .limit(limit)
    )
    return [(t, p) for t, p in rows]


def proof_path(transfer_id: int, user) -> str:
    """The stored proof image of a transfer, for finance and for the shopper who sent it; NotFound
    for anyone else, so nobody learns that another's transfer exists."""
    transfer = get(transfer_id)
    payment = db.session.get(Payment, transfer.payment_id)
    allowed = is_officer(user) or (payment is not None and payment.user_id == user.id)
    if not transfer.proof_path or not allowed:
        raise NotFound(_("Transfer tidak ditemukan."))
    return transfer.proof_path


def get(transfer_id: int) -> BankTransfer:
    transfer = db.session.get(BankTransfer, transfer_id)
    if transfer is None:
        raise NotFound(_("Transfer tidak ditemukan."))
    return transfer
