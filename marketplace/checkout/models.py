from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime


class Checkout(db.Model):
    """One submitted checkout. ``(user_id, idempotency_key)`` is unique: the same
    submission arriving twice finds this row and answers with its orders.

    ORM events do not fire for it: the checkout inserts it and sets its total
    through marketplace/rows.py, without the unit of work."""

    __tablename__ = "checkouts"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        CheckConstraint("total >= 0", name="total_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    payment_method: Mapped[str] = mapped_column(String(40))
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    # how the shopper pays, as the payment method answered at checkout
    redirect_url: Mapped[str | None] = mapped_column(String(500))
    instructions: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
