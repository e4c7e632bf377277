"""The Stripe plugin's tables: the session of each payment, and every webhook event applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.payments.provider_events import ProviderEvent
from marketplace.types import UTCDateTime


class StripeCheckout(db.Model):
    """The Checkout Session of one payment, and its PaymentIntent once paid (for refunds)."""

    __tablename__ = "stripe_checkouts"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), unique=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_intent: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class StripeRefund(db.Model):
    """A refund we asked Stripe for (matched by id when charge.refunded arrives)."""

    __tablename__ = "stripe_refunds"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class StripeEvent(ProviderEvent, db.Model):
    """A webhook event applied (once: the event id is unique)."""

    __tablename__ = "stripe_events"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
