from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime


class Expo(db.Model):
    __tablename__ = "expos"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    exhibitors: Mapped[list["Exhibitor"]] = relationship(
        back_populates="expo", lazy="raise_on_sql", order_by="Exhibitor.rank",
        cascade="all, delete-orphan",
    )


class Exhibitor(db.Model):
    __tablename__ = "exhibitors"
    __table_args__ = (UniqueConstraint("expo_id", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expo_id: Mapped[int] = mapped_column(ForeignKey("expos.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    booth: Mapped[str] = mapped_column(String(20), default="")
    zone: Mapped[str] = mapped_column(String(40), default="")
    rank: Mapped[int] = mapped_column(Integer, default=0)

    expo: Mapped[Expo] = relationship(back_populates="exhibitors", lazy="raise_on_sql")
    store = relationship("Store", lazy="raise_on_sql")


class FeaturedStore(db.Model):
    """The agency's featured vendors on the home page, in order."""

    __tablename__ = "featured_stores"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    store = relationship("Store", lazy="raise_on_sql")
