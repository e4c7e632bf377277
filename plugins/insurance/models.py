"""Tables of the insurance plugin. Core tables are never altered: policies
point at stores (and expos), claims at policies or order protections, and an
order protection at its order.

Product codes are unique across insurers (``warungku``, ``kiosku`` belong to
Jasindo, ``gerobakku`` to Askrindo in the seed data); every term — coverage
text, covered causes, sum insured, premium, period — is data the agency edits.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

POLICY_STATUSES = ("active", "expired", "cancelled")
CLAIM_STATUSES = ("filed", "approved", "rejected", "paid")
OPEN_CLAIM_STATUSES = ("filed", "approved")
STATUS_LABELS = {"filed": _l("Diajukan"), "approved": _l("Disetujui"), "rejected": _l("Ditolak"), "paid": _l("Dibayar")}
OBJECT_KINDS = ("shop", "kiosk", "cart")


class Insurer(db.Model):
    __tablename__ = "insurers"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # jasindo, askrindo (User.insurer_code)
    name: Mapped[str] = mapped_column(String(120))
    policy_prefix: Mapped[str] = mapped_column(String(8))  # JSD-2611-000123
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InsuranceProduct(db.Model):
    __tablename__ = "insurance_products"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("sum_insured > 0 AND premium >= 0", name="amounts"),
        CheckConstraint("period_months > 0", name="period_positive"),
        CheckConstraint("object_kind IN ('shop','kiosk','cart')", name="object_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    object_kind: Mapped[str] = mapped_column(String(10))
    coverage: Mapped[str] = mapped_column(Text, default="")
    causes: Mapped[str] = mapped_column(String(400), default="")  # comma-separated cause codes
    sum_insured: Mapped[int] = mapped_column(BigInteger)
    premium: Mapped[int] = mapped_column(BigInteger)
    period_months: Mapped[int] = mapped_column(Integer, default=12)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    insurer: Mapped[Insurer] = relationship(lazy="raise_on_sql")

    @property
    def cause_list(self) -> list[str]:
        return [c for c in (self.causes or "").split(",") if c]


class Policy(db.Model):
    """An aid policy granted to a store. One active policy per store and product
    (a partial unique index, so two racing grants cannot both win)."""

    __tablename__ = "insurance_policies"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('active','expired','cancelled')", name="status"),
        CheckConstraint("sum_insured > 0 AND premium >= 0", name="amounts"),
        CheckConstraint("ends_on >= starts_on", name="period"),
        Index(
            "uq_insurance_policies_active",
            "store_id",
            "product_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("insurance_products.id", ondelete="RESTRICT"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id", ondelete="RESTRICT"), index=True)
    expo_id: Mapped[int | None] = mapped_column(ForeignKey("expos.id", ondelete="SET NULL"), index=True)
    insured_kind: Mapped[str] = mapped_column(String(10))
    insured_address: Mapped[str] = mapped_column(String(255), default="")
    sum_insured: Mapped[int] = mapped_column(BigInteger)
    premium: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    product: Mapped[InsuranceProduct] = relationship(lazy="raise_on_sql")
    insurer: Mapped[Insurer] = relationship(lazy="raise_on_sql")
    store = relationship("Store", lazy="raise_on_sql")


class OrderProtection(db.Model):
    """The order protection a shopper bought at checkout, recorded per order."""

    __tablename__ = "insurance_order_protections"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("premium >= 0 AND goods_value >= 0", name="amounts"),
        CheckConstraint("status IN ('active','refunded')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id", ondelete="RESTRICT"), index=True)
    premium: Mapped[int] = mapped_column(BigInteger)
    rate_bps: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[int] = mapped_column(BigInteger)
    goods_value: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    insurer: Mapped[Insurer] = relationship(lazy="raise_on_sql")
    order = relationship("Order", lazy="raise_on_sql")


class Claim(db.Model):
    """A claim on an aid policy (by a member of the store) or on an order
    protection (by the shopper of the order): exactly one of the two."""

    __tablename__ = "insurance_claims"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('filed','approved','rejected','paid')", name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("paid_amount IS NULL OR (paid_amount > 0 AND paid_amount <= amount)", name="paid_amount"),
        CheckConstraint("(policy_id IS NULL) <> (protection_id IS NULL)", name="one_subject"),
        Index("ix_insurance_claims_queue", "insurer_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("insurance_policies.id", ondelete="CASCADE"), index=True)
    protection_id: Mapped[int | None] = mapped_column(
        ForeignKey("insurance_order_protections.id", ondelete="CASCADE"), index=True
    )
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id", ondelete="RESTRICT"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"), index=True)
    claimant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    incident_date: Mapped[date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="filed")
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    documents_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    policy: Mapped[Policy | None] = relationship(lazy="raise_on_sql")
    protection: Mapped[OrderProtection | None] = relationship(lazy="raise_on_sql")
    insurer: Mapped[Insurer] = relationship(lazy="raise_on_sql")
    photos: Mapped[list[ClaimPhoto]] = relationship(
        lazy="raise_on_sql", order_by="ClaimPhoto.id", cascade="all, delete-orphan"
    )


class ClaimPhoto(db.Model):
    __tablename__ = "insurance_claim_photos"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("insurance_claims.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
