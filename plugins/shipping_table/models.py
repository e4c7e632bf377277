"""The rate table: one row per owner, courier, service, origin and destination.

``store_id`` NULL is the marketplace's table; a store's own rows win over it for that
store. Codes are Kemendagri codes of a province ("31"), a regency ("31.74") or a district
("31.74.01"); ``origin_code`` NULL means any origin. Prices are rupiah for the first
kilogram and for each further kilogram (couriers round up per kilogram).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime


class TableRate(db.Model):
    __tablename__ = "shipping_table_rates"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("first_kg > 0 AND next_kg >= 0", name="prices"),
        CheckConstraint("etd_min_days >= 0 AND etd_max_days >= etd_min_days", name="etd"),
        # one row per lookup key; NULL owner and NULL origin compare equal through coalesce
        Index(
            "uq_shipping_table_rates_key",
            text("coalesce(store_id, 0)"),
            "courier",
            "service",
            text("coalesce(origin_code, '')"),
            "destination_code",
            unique=True,
        ),
        Index("ix_shipping_table_rates_lookup", "courier", "destination_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    courier: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(20))
    origin_code: Mapped[str | None] = mapped_column(String(13))
    destination_code: Mapped[str] = mapped_column(String(13))
    first_kg: Mapped[int] = mapped_column(BigInteger)
    next_kg: Mapped[int] = mapped_column(BigInteger)
    etd_min_days: Mapped[int] = mapped_column(Integer)
    etd_max_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
