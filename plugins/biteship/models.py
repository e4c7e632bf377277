"""Tables of the Biteship plugin: the orders booked with Biteship and the webhook events
received (each applied once). Core tables are never altered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime


class BiteshipShipment(db.Model):
    """One booking: our order and Biteship's order id, courier, waybill and last status."""

    __tablename__ = "biteship_shipments"
    __page_cache__ = "nothing"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    biteship_id: Mapped[str] = mapped_column(String(64), unique=True)
    courier: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(20))
    waybill: Mapped[str | None] = mapped_column(String(80), index=True)
    tracking_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(30), default="confirmed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class BiteshipEvent(db.Model):
    """A webhook event, stored by its key (order, event, status, time) so a resend is applied once."""

    __tablename__ = "biteship_events"
    __page_cache__ = "nothing"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    payload: Mapped[str] = mapped_column(Text, default="")
