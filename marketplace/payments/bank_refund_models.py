"""Refunds owed to a shopper's bank account: money the method cannot send back the way it came.

One row per refund: ``key`` names the fact it records (``refund:<payment>:<refunded before>``
for a refund, ``failed:<payment>:<provider reference>`` for a refund the provider gave up on),
so recording it again finds the row instead of owing the money twice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

BANK_REFUND_STATUSES = ("awaiting_account", "owed", "sent")


class BankRefund(db.Model):
    """Rupiah owed to a shopper by bank transfer: awaiting_account (the shopper has not said where)
    → owed (finance may send it) → sent (finance recorded the bank reference, once)."""

    __tablename__ = "bank_refunds"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('awaiting_account','owed','sent')", name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "status = 'awaiting_account' OR (bank IS NOT NULL AND account_number IS NOT NULL)",
            name="account_before_owed",
        ),
        CheckConstraint("status <> 'sent' OR sent_reference IS NOT NULL", name="sent_has_reference"),
        Index("ix_bank_refunds_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="awaiting_account")
    reason: Mapped[str] = mapped_column(Text, default="")
    bank: Mapped[str | None] = mapped_column(String(20))
    account_number: Mapped[str | None] = mapped_column(String(30))
    holder_name: Mapped[str | None] = mapped_column(String(120))
    account_entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_reference: Mapped[str | None] = mapped_column(String(120))
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
