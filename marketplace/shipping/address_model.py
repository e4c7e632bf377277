"""The table of the shopper's address book (the rules are in ``addresses.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime


class Address(db.Model):
    """One address of a user's book. The codes repeat what the district code already says (its
    first five and two characters) so a query can filter by province or city without parsing;
    the CHECKs keep them in step."""

    __tablename__ = "addresses"
    __page_cache__ = "nothing"  # no cached page shows a shopper's address (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("length(postal_code) = 5", name="postal_code"),
        CheckConstraint("province_code = substr(district_code, 1, 2)", name="province_of_district"),
        CheckConstraint("regency_code = substr(district_code, 1, 5)", name="regency_of_district"),
        CheckConstraint(
            "village_code IS NULL OR substr(village_code, 1, 8) = district_code", name="village_in_district"
        ),
        # one default per user, kept by the database as well
        Index(
            "uq_addresses_default_user_id",
            "user_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))  # E.164
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    district_code: Mapped[str] = mapped_column(String(8))
    village_code: Mapped[str | None] = mapped_column(String(13))
    street: Mapped[str] = mapped_column(String(500))
    postal_code: Mapped[str] = mapped_column(String(5))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
