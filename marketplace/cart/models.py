from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

MAX_LINE_QUANTITY = 999


class Cart(db.Model):
    """A signed-in shopper's cart (``user_id``) or an anonymous visitor's (``token``, kept in the session)."""

    __tablename__ = "carts"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("user_id IS NOT NULL OR token IS NOT NULL", name="owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart", lazy="raise_on_sql", cascade="all, delete-orphan", order_by="CartItem.id"
    )


class CartItem(db.Model):
    __tablename__ = "cart_items"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id"),
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_LINE_QUANTITY}", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    cart: Mapped[Cart] = relationship(back_populates="items", lazy="raise_on_sql")
