from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

# What an expo is at a moment (expo.services.expo_state): before it opens, open, closed.
EXPO_STATES = ("upcoming", "live", "ended")


class Expo(db.Model):
    __tablename__ = "expos"
    __page_cache__ = "catalog"  # the expo hall and the home page (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    banner: Mapped[str | None] = mapped_column(String(255))  # media path of the banner image
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    exhibitors: Mapped[list[Exhibitor]] = relationship(
        back_populates="expo",
        lazy="raise_on_sql",
        order_by="Exhibitor.rank",
        cascade="all, delete-orphan",
    )
    zones: Mapped[list[ExpoZone]] = relationship(
        back_populates="expo",
        lazy="raise_on_sql",
        order_by="[ExpoZone.position, ExpoZone.id]",
        cascade="all, delete-orphan",
    )


class ExpoZone(db.Model):
    """A hall of the expo (Kuliner, Kriya ...): exhibitors name it by ``slug``, the hall shows it by ``position``."""

    __tablename__ = "expo_zones"
    __page_cache__ = "catalog"  # the expo hall (marketplace/pagecache_rules.py)
    __table_args__ = (UniqueConstraint("expo_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expo_id: Mapped[int] = mapped_column(ForeignKey("expos.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    expo: Mapped[Expo] = relationship(back_populates="zones", lazy="raise_on_sql")


class Exhibitor(db.Model):
    __tablename__ = "exhibitors"
    __page_cache__ = "catalog"  # the expo hall, the "Peserta Expo" badges (marketplace/pagecache_rules.py)
    __table_args__ = (UniqueConstraint("expo_id", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expo_id: Mapped[int] = mapped_column(ForeignKey("expos.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    booth: Mapped[str] = mapped_column(String(20), default="")
    zone: Mapped[str] = mapped_column(String(40), default="")  # an ExpoZone.slug of the expo (or a sector slug)
    rank: Mapped[int] = mapped_column(Integer, default=0)

    expo: Mapped[Expo] = relationship(back_populates="exhibitors", lazy="raise_on_sql")
    store = relationship("Store", lazy="raise_on_sql")


class FeaturedStore(db.Model):
    """The agency's featured vendors on the home page, in order."""

    __tablename__ = "featured_stores"
    __page_cache__ = "catalog"  # the home page (marketplace/pagecache_rules.py)

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    store = relationship("Store", lazy="raise_on_sql")
