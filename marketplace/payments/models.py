from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

PAYMENT_STATUSES = ("pending", "paid", "cancelled", "refunded", "partially_refunded")


class Payment(db.Model):
    """The money of one checkout, in one currency, through one method.

    ``amount`` is fixed at checkout. Each order's share is later either
    captured (paid) or voided (cancelled unpaid); refunds come out of what was
    captured. The database keeps the sums consistent.

    ORM events do not fire for its insert: the checkout writes it through
    marketplace/rows.py, without the unit of work."""

    __tablename__ = "payments"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('pending','paid','cancelled','refunded','partially_refunded')", name="status"),
        CheckConstraint("amount >= 0", name="amount_nonnegative"),
        CheckConstraint(
            "captured_amount >= 0 AND voided_amount >= 0 AND refunded_amount >= 0", name="sums_nonnegative"
        ),
        CheckConstraint("captured_amount + voided_amount <= amount", name="settled_within_amount"),
        CheckConstraint("refunded_amount <= captured_amount", name="refunds_within_captured"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int | None] = mapped_column(ForeignKey("checkouts.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    method: Mapped[str] = mapped_column(String(40))
    # the bank or wallet picked from the method's channels (None: the method has none)
    channel: Mapped[str | None] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(40))
    provider_reference: Mapped[str | None] = mapped_column(String(255), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    amount: Mapped[int] = mapped_column(BigInteger)
    captured_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    voided_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    @property
    def amount_due(self) -> int:
        return self.amount - self.captured_amount - self.voided_amount


# the seller ledger's tables belong to the same money history
from marketplace.ledger import models as _ledger_models  # noqa: E402,F401
from marketplace.payments import bank_refund_models as _bank_refunds  # noqa: E402,F401
