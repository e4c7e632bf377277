"""What couriers reported about an order's parcel: one row per tracking event.

The order itself keeps the latest status and when it was last asked (``orders.shipment_status``,
``orders.shipment_checked_at``); this table is the timeline the buyer and the seller see.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.types import UTCDateTime


class ShipmentEvent(db.Model):
    """One step of a parcel's journey as a shipping plugin reported it. Unique per order, time,
    status and description: asking the courier twice stores each step once."""

    __tablename__ = "shipment_events"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (UniqueConstraint("order_id", "at", "status", "description"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # one of quotes.TRACKING_STATUSES
    description: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(160), default="")
    source: Mapped[str] = mapped_column(String(40))  # the plugin's name
