from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

STORE_STATUSES = ("pending", "approved", "rejected", "suspended")


class Store(db.Model):
    __tablename__ = "stores"
    __page_cache__ = "catalog"  # storefronts and listings show it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('pending','approved','rejected','suspended')", name="status"),
        # the city facet's labels (catalog/facets.py, _city_names), read from the index alone
        Index("ix_stores_city_names", "status", text("lower(city)"), "city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    nib: Mapped[str | None] = mapped_column(String(20), index=True)
    city: Mapped[str] = mapped_column(String(80), default="", index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    sector: Mapped[str] = mapped_column(String(40), index=True)
    whatsapp: Mapped[str | None] = mapped_column(String(20))  # E.164
    logo: Mapped[str | None] = mapped_column(String(255))  # media path of the image
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    allow_agency_assist: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    owner = relationship("User", lazy="raise_on_sql")
    members: Mapped[list[StoreMember]] = relationship(
        back_populates="store", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    @property
    def is_selling(self) -> bool:
        return self.status == "approved"

    def __repr__(self) -> str:
        return f"<Store {self.slug} {self.status}>"


class StoreMember(db.Model):
    __tablename__ = "store_members"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (UniqueConstraint("store_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="staff")  # owner | staff
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    store: Mapped[Store] = relationship(back_populates="members", lazy="raise_on_sql")
    user = relationship("User", lazy="raise_on_sql")


class StoreInvite(db.Model):
    """An e-mailed invitation to join a store as staff (or to claim it as owner)."""

    __tablename__ = "store_invites"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="staff")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship(lazy="raise_on_sql")


class StorePresence(db.Model):
    """When one of the store's members last used the seller pages: the booth's "online now".
    Its own table, written at most once a minute per store, so presence never touches the
    store's row (and never invalidates a cached page)."""

    __tablename__ = "store_presence"
    __page_cache__ = "nothing"  # booth pages read it with a short expiry, not by invalidation

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
