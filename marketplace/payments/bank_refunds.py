"""Refunds owed to a shopper's bank account: the rules.

    owe(payment, amount, *, key, order_id=None, reason="") -> BankRefund   (once per key)
    enter_account(user, refund_id, bank, account_number, holder_name) -> BankRefund
    mark_sent(actor, refund_id, bank_reference, paid_on=None) -> BankRefund

A method whose money cannot go back the way it came (``refunds_to_bank_account``) and a
refund the provider gave up on after accepting it (``payments.services.refund_failed``) end
here: the payment already counts the money as refunded, and this row is what the marketplace
still has to transfer. The shopper says where (bank, account number, holder name; until finance
sent it, they may correct it), finance transfers and records the bank reference once. Only the
shopper and finance see the whole account number; everyone else sees ``banks.mask``.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update

from marketplace import audit, inputs
from marketplace.agency.services import require_agency
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.mail import queue_mail
from marketplace.payments import banks
from marketplace.payments.bank_refund_models import BankRefund
from marketplace.payments.models import Payment
from marketplace.urls import absolute_url

STATUS_LABELS = {
    "awaiting_account": _l("Menunggu rekening Anda"),
    "owed": _l("Akan ditransfer"),
    "sent": _l("Sudah ditransfer"),
}


# --- owing ---------------------------------------------------------------------------------


def owe(payment: Payment, amount: int, *, key: str, order_id: int | None = None, reason: str = "") -> BankRefund:
    """Record ``amount`` of ``payment`` as owed to its shopper's bank account, once per ``key``
    (asking again returns the first row); the shopper is asked for the account by e-mail."""
    existing = db.session.scalar(select(BankRefund).where(BankRefund.key == key))
    if existing is not None:
        return existing
    row = BankRefund(
        key=key[:160],
        payment_id=payment.id,
        order_id=order_id,
        user_id=payment.user_id,
        amount=amount,
        status="awaiting_account",
        reason=(reason or "")[:1000],
    )
    db.session.add(row)
    db.session.flush()
    audit.record(None, "bank_refund.owed", "payment", payment.id, refund_id=row.id, amount=amount, key=row.key)
    _tell_shopper(row, "payments/mail/bank_refund_account.txt", _l("Dana Anda akan dikembalikan: isi rekening bank"))
    return row


def _tell_shopper(row: BankRefund, template: str, subject) -> None:
    from marketplace.accounts.models import User

    shopper = db.session.get(User, row.user_id) if row.user_id else None
    if shopper is not None:
        queue_mail(
            shopper.email,
            subject,
            template,
            shopper.locale,
            user=shopper,
            refund=row,
            bank=banks.get(row.bank),
            masked=banks.mask(row.account_number),
            url=absolute_url("bank_refunds.mine"),
        )


# --- the shopper ---------------------------------------------------------------------------


def of_user(user) -> list[BankRefund]:
    """The user's own refunds owed to a bank account, newest first."""
    return list(
        db.session.scalars(
            select(BankRefund).where(BankRefund.user_id == user.id).order_by(BankRefund.id.desc()).limit(200)
        )
    )


def of_order(order_id: int) -> list[BankRefund]:
    return list(db.session.scalars(select(BankRefund).where(BankRefund.order_id == order_id).order_by(BankRefund.id)))


def get_for_user(user, refund_id: int) -> BankRefund:
    """The user's own refund; NotFound for anyone else's, so nobody learns another's exists."""
    row = db.session.get(BankRefund, refund_id)
    if row is None or user is None or row.user_id != user.id:
        raise NotFound(_("Pengembalian dana tidak ditemukan."))
    return row


def enter_account(user, refund_id: int, bank_code, account_number, holder_name) -> BankRefund:
    """The shopper says where the money goes (or corrects it) until finance has sent it."""
    row = get_for_user(user, refund_id)
    code, number, holder = banks.checked_account(bank_code, account_number, holder_name)
    result = db.session.execute(
        update(BankRefund)
        .where(BankRefund.id == row.id, BankRefund.status.in_(("awaiting_account", "owed")))
        .values(
            bank=code,
            account_number=number,
            holder_name=holder,
            status="owed",
            account_entered_at=now(),
            updated_at=now(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    if cast(CursorResult, result).rowcount != 1:
        raise Conflict(_("Dana ini sudah ditransfer; rekening tidak bisa diubah lagi."))
    audit.record(user, "bank_refund.account", "bank_refund", row.id, bank=code, account=banks.mask(number))
    return row


# --- finance -------------------------------------------------------------------------------


def queue(actor, status: str | None = None, limit: int = 200) -> list[BankRefund]:
    """Finance's list: every refund owed to a bank account (``status`` to narrow), oldest first."""
    require_agency(actor)
    query = select(BankRefund)
    if status in STATUS_LABELS:
        query = query.where(BankRefund.status == status)
    return list(db.session.scalars(query.order_by(BankRefund.created_at, BankRefund.id).limit(limit)))


def get_any(actor, refund_id: int) -> BankRefund:
    """Any refund, for finance; NotFound when there is none."""
    require_agency(actor)
    row = db.session.get(BankRefund, refund_id)
    if row is None:
        raise NotFound(_("Pengembalian dana tidak ditemukan."))
    return row


def _checked_sent(bank_reference, paid_on) -> tuple[str, date]:
    errors = {}
    reference = (bank_reference if isinstance(bank_reference, str) else "").strip()
    if not reference or len(reference) > 120:
        errors["bank_reference"] = _("Isi nomor referensi transfer bank.")
    today = to_jakarta(now()).date()
    try:
        day = inputs.check_year(paid_on, "paid_on") if paid_on is not None else today
        if day > today:
            errors["paid_on"] = _("Tanggal transfer tidak boleh di masa depan.")
    except ValidationError as exc:
        errors.update(exc.fields)
        day = today
    if errors:
        raise ValidationError(fields=errors)
    return reference, day


def mark_sent(actor, refund_id: int, bank_reference, paid_on: date | None = None) -> BankRefund:
    """Finance transferred the money: recorded once, never before the shopper gave the account,
    never by the shopper it is owed to. Conflict when it was already marked or has no account."""
    require_agency(actor)
    reference, day = _checked_sent(bank_reference, paid_on)
    row = db.session.get(BankRefund, refund_id)
    if row is None:
        raise NotFound(_("Pengembalian dana tidak ditemukan."))
    if row.user_id == actor.id:
        raise Conflict(_("Dana ini dikembalikan kepada Anda sendiri; petugas keuangan lain yang mencatatnya."))
    result = db.session.execute(
        update(BankRefund)
        .where(BankRefund.id == row.id, BankRefund.status == "owed")
        .values(status="sent", sent_reference=reference, sent_on=day, sent_by=actor.id, sent_at=now(), updated_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    if cast(CursorResult, result).rowcount != 1:
        if row.status == "sent":
            raise Conflict(_("Pengembalian dana ini sudah ditandai terkirim."))
        raise Conflict(_("Pembeli belum mengisi rekening tujuan; dana belum bisa dikirim."))
    audit.record(
        actor, "bank_refund.sent", "bank_refund", row.id, amount=row.amount, bank_reference=reference, paid_on=str(day)
    )
    _tell_shopper(row, "payments/mail/bank_refund_sent.txt", _l("Dana Anda sudah ditransfer"))
    return row


# --- showing -------------------------------------------------------------------------------


def as_json(row: BankRefund, *, full_account: bool, order_number: str | None = None) -> dict:
    """A refund for the API: the whole account number for its shopper and finance only."""
    number = row.account_number
    return {
        "id": row.id,
        "order": order_number,
        "payment_id": row.payment_id,
        "amount": row.amount,
        "status": row.status,
        "bank": row.bank,
        "bank_name": banks.get(row.bank).name if banks.get(row.bank) else None,
        "account_number": (number if full_account else banks.mask(number)) if number else None,
        "holder_name": row.holder_name,
        "sent_reference": row.sent_reference,
        "sent_on": row.sent_on.isoformat() if row.sent_on else None,
        "created_at": row.created_at.isoformat(),
    }
