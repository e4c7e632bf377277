from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

# What an expo is at a moment (expo.services.expo_state): before it opens, open, closed.
EXPO_STATES = ("upcoming", "live", "ended")
# What a session of the programme is (its label: expo.programme.KIND_LABELS).
SESSION_KINDS = ("opening", "talk", "demo", "launch", "handover", "other")


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
    # the booth page (/expo/<slug>/booths/<booth>), set by the store's members
    banner: Mapped[str | None] = mapped_column(String(255))  # media path of the booth's banner
    tagline: Mapped[str] = mapped_column(String(160), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")  # YouTube or Facebook
    # opening hours by ISO weekday ("1".."7") -> ["08:00", "20:00"], WIB; a day absent is closed
    hours: Mapped[dict] = mapped_column(JSON, default=dict)

    expo: Mapped[Expo] = relationship(back_populates="exhibitors", lazy="raise_on_sql")
    store = relationship("Store", lazy="raise_on_sql")


class ExhibitorPin(db.Model):
    """A product the store pins to its booth, shown first (``position``)."""

    __tablename__ = "exhibitor_pins"
    __page_cache__ = "catalog"  # the booth page (marketplace/pagecache_rules.py)

    exhibitor_id: Mapped[int] = mapped_column(ForeignKey("exhibitors.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ExpoSession(db.Model):
    """One session of an expo's programme: an opening, a talk show, a cooking demo, a launch, a
    handover. Held in a ``zone`` of the hall or at a booth (``exhibitor_id``), or neither (online
    only); ``video_url`` is the live stream, then the recording."""

    __tablename__ = "expo_sessions"
    __page_cache__ = "catalog"  # the hall's "Sedang berlangsung", the agenda, booth pages
    __table_args__ = (
        CheckConstraint("kind IN ('opening','talk','demo','launch','handover','other')", name="kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_expo_sessions_expo_starts", "expo_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expo_id: Mapped[int] = mapped_column(ForeignKey("expos.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="talk")
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    speaker: Mapped[str] = mapped_column(String(160), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(40), default="")  # an ExpoZone.slug of the expo, or ""
    exhibitor_id: Mapped[int | None] = mapped_column(ForeignKey("exhibitors.id", ondelete="SET NULL"), index=True)
    video_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    expo: Mapped[Expo] = relationship(lazy="raise_on_sql")
    exhibitor: Mapped[Exhibitor | None] = relationship(lazy="raise_on_sql")


class FeaturedStore(db.Model):
    """The agency's featured vendors on the home page, in order."""

    __tablename__ = "featured_stores"
    __page_cache__ = "catalog"  # the home page (marketplace/pagecache_rules.py)

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    store = relationship("Store", lazy="raise_on_sql")
