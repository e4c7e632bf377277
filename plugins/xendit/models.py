"""The Xendit plugin's tables: the payment request of each payment, refunds asked for, events applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.payments.provider_events import ProviderEvent
from marketplace.types import UTCDateTime


class XenditPayment(db.Model):
    """The Payment Request of one payment and what the shopper needs to pay it (QR string,
    VA number, e-wallet links), so the pay page never asks Xendit."""

    __tablename__ = "xendit_payments"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), unique=True)
    request_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(20))  # qris, virtual_account, ewallet
    channel: Mapped[str] = mapped_column(String(30))  # QRIS, a bank code, an e-wallet
    qr_string: Mapped[str | None] = mapped_column(Text)
    va_number: Mapped[str | None] = mapped_column(String(40))
    web_url: Mapped[str | None] = mapped_column(Text)
    mobile_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class XenditRefund(db.Model):
    """A refund we asked Xendit for; its outcome comes by notification (refund.succeeded/failed)."""

    __tablename__ = "xendit_refunds"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class XenditEvent(ProviderEvent, db.Model):
    """A notification applied (once: its webhook-id is unique)."""

    __tablename__ = "xendit_events"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
