"""What a store offers for shipping: its origin, pickup, its own local delivery and couriers.

One ``store_shipping`` row per store that set its shipping up (a store without one gets the
default of :mod:`marketplace.shipping.offers`), and one ``store_local_rates`` row per district
of the store's own regency or city that it delivers to itself, with its flat price.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

PICKUP_PLACES = ("shop", "booth")


class StoreShipping(db.Model):
    __tablename__ = "store_shipping"
    # product pages and storefronts may show how a store ships (marketplace/pagecache_rules.py)
    __page_cache__ = "catalog"
    __table_args__ = (
        CheckConstraint("pickup_place IN ('shop','booth')", name="pickup_place"),
        CheckConstraint("local_free_above IS NULL OR local_free_above > 0", name="free_above_positive"),
        CheckConstraint("local_etd_min >= 0 AND local_etd_max >= local_etd_min", name="local_etd"),
    )

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    origin_district_code: Mapped[str | None] = mapped_column(String(13))  # Kemendagri "33.76.01"
    origin_postal_code: Mapped[str | None] = mapped_column(String(5))
    origin_address: Mapped[str] = mapped_column(String(255), default="")  # the street

    pickup_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    pickup_place: Mapped[str] = mapped_column(String(10), default="shop")
    pickup_address: Mapped[str] = mapped_column(String(255), default="")  # or the booth, "Stand A-12"
    pickup_hours: Mapped[str] = mapped_column(String(120), default="")  # "Senin–Sabtu 08.00–17.00"
    pickup_instructions: Mapped[str] = mapped_column(Text, default="")
    pickup_cod: Mapped[bool] = mapped_column(Boolean, default=True)

    local_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    local_free_above: Mapped[int | None] = mapped_column(Integer)  # goods total from which it is free
    local_etd_min: Mapped[int] = mapped_column(Integer, default=0)  # days; 0: the same day
    local_etd_max: Mapped[int] = mapped_column(Integer, default=1)
    local_cod: Mapped[bool] = mapped_column(Boolean, default=True)

    couriers_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"jne": ["reg", "yes"], "jnt": ["ez"]}: codes of marketplace.shipping.couriers, as JSON text
    courier_services: Mapped[str] = mapped_column(Text, default="{}")
    courier_cod: Mapped[bool] = mapped_column(Boolean, default=False)

    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class StoreLocalRate(db.Model):
    """The flat price of the store's own delivery to one district of its regency or city."""

    __tablename__ = "store_local_rates"
    __page_cache__ = "catalog"  # a product page's "from Rp ..." (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("price >= 0", name="price_nonnegative"),)

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    price: Mapped[int] = mapped_column(Integer)
