"""The tables of the visitor figures: today's tallies, the day's salt, and the daily roll-up."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

# What a beacon (or the cart) counts: a view of the expo hall, of a booth, of a product page,
# a tap on a store's WhatsApp button, an add to cart.
VISIT_KINDS = ("hall", "booth", "product", "whatsapp", "cart")
_KINDS_SQL = "kind IN ('hall','booth','product','whatsapp','cart')"


class VisitTally(db.Model):
    """Hits of one visitor (a daily-salted hash) on one thing on one day, before the roll-up.

    ``expo_id`` and ``store_id`` are 0 where they do not apply (a product page outside an
    expo has no expo; the hall has no store): plain numbers, not keys, so the unique index
    holds without NULLs and a figure outlives a deleted booth. Rows older than yesterday are
    deleted by the roll-up, and with them the hashes."""

    __tablename__ = "visit_tallies"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint(_KINDS_SQL, name="kind"),
        Index("uq_visit_tallies_key", "day", "kind", "expo_id", "store_id", "visitor", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # the Jakarta day
    kind: Mapped[str] = mapped_column(String(10))
    expo_id: Mapped[int] = mapped_column(Integer, default=0)
    store_id: Mapped[int] = mapped_column(Integer, default=0)
    visitor: Mapped[str] = mapped_column(String(32))  # the salted hash, hex
    hits: Mapped[int] = mapped_column(Integer, default=1)


class VisitDaily(db.Model):
    """One day's figure for one thing: ``hits`` (views, taps, adds) and ``visitors`` (unique)."""

    __tablename__ = "visit_daily"
    __page_cache__ = "nothing"  # reports read it, uncached (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint(_KINDS_SQL, name="kind"),
        Index("uq_visit_daily_key", "day", "kind", "expo_id", "store_id", unique=True),
        Index("ix_visit_daily_store_day", "store_id", "day"),
        Index("ix_visit_daily_expo_day", "expo_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    expo_id: Mapped[int] = mapped_column(Integer, default=0)
    store_id: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class VisitSalt(db.Model):
    """The salt of one day's visitor hashes (random; deleted with that day's tallies)."""

    __tablename__ = "visit_salts"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
