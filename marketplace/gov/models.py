"""Offices, their officials, what stores offer them, and their purchases.

A purchase (:class:`GovPurchase`) is what the pejabat pengadaan submits from a cart: the
procurement plan code (Kode RUP), the budget account and where and when to deliver. It has one
:class:`GovOrder` per store, which travels alone (STATUSES in marketplace/gov/flow.py); its lines
snapshot names and prices as orders do. Documents (Surat Pesanan, addenda, BAST, invoice,
kuitansi) are stored once, with their SHA-256, and never rewritten.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

POSITIONS = ("pp", "ppk", "bendahara")  # pejabat pengadaan, pejabat pembuat komitmen, bendahara
GOV_ORDER_STATUSES = (
    "submitted",  # waiting for the PPK (or a seller's quote)
    "negotiating",  # the seller answered with a price or lead time; the pejabat pengadaan decides
    "approved",  # the PPK approved: stock reserved, Surat Pesanan made; the seller accepts
    "accepted",  # the seller accepted and prepares
    "shipped",  # sent or brought; the PPK receives
    "shortfall",  # the PPK found lines short; the seller sends the rest
    "received",  # BAST signed
    "invoiced",  # the seller issued its invoice and kuitansi
    "paid",  # the bendahara recorded the payment; the store is credited
    "rejected",  # the PPK refused it (before approval)
    "withdrawn",  # the pejabat pengadaan withdrew it (before approval)
    "declined",  # the seller declined the Surat Pesanan
    "cancelled",  # the PPK cancelled an approved order before it was sent
)
DOCUMENT_KINDS = ("sp", "sp_addendum", "bast", "invoice", "kuitansi")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class GovOffice(db.Model):
    """A perangkat daerah registered by the agency."""

    __tablename__ = "gov_offices"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)  # kode satker
    name: Mapped[str] = mapped_column(String(200))
    npwp: Mapped[str] = mapped_column(String(20))  # 15 or 16 digits, stored as digits
    address: Mapped[str] = mapped_column(String(500))
    city: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class GovOfficial(db.Model):
    """A user's position in an office; one position per user, so the one who prepares a
    purchase is never the one who approves or pays it."""

    __tablename__ = "gov_officials"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint(_in("position", POSITIONS), name="position"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("gov_offices.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str] = mapped_column(String(10))
    nip: Mapped[str | None] = mapped_column(String(30))  # the civil servant number, on signatures
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    office: Mapped[GovOffice] = relationship(lazy="joined")


class GovOffer(db.Model):
    """A product a store offers to offices, with the unit it sells in, the smallest quantity
    and the days it needs; the price is the variant's."""

    __tablename__ = "gov_offers"
    __page_cache__ = "catalog"  # listings mark offered products "untuk instansi" for offices
    __table_args__ = (
        CheckConstraint("min_quantity >= 1", name="min_quantity_positive"),
        CheckConstraint("lead_days >= 0", name="lead_days_nonnegative"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(30))
    min_quantity: Mapped[int] = mapped_column(Integer, default=1)
    lead_days: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class GovPurchase(db.Model):
    """What the pejabat pengadaan submitted from one cart; one GovOrder per store."""

    __tablename__ = "gov_purchases"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("gov_offices.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rup_code: Mapped[str] = mapped_column(String(40))  # Kode RUP (SiRUP)
    budget_code: Mapped[str] = mapped_column(String(80))  # kode rekening / akun belanja
    delivery_date: Mapped[date] = mapped_column(Date)
    delivery_place: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    office: Mapped[GovOffice] = relationship(lazy="raise_on_sql")
    orders: Mapped[list[GovOrder]] = relationship(
        back_populates="purchase", lazy="raise_on_sql", order_by="GovOrder.id", cascade="all, delete-orphan"
    )


class GovOrder(db.Model):
    """One store's part of a purchase; after approval, its Surat Pesanan."""

    __tablename__ = "gov_orders"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint(_in("status", GOV_ORDER_STATUSES), name="status"),
        CheckConstraint("subtotal >= 0 AND shipping_cost >= 0", name="amounts_nonnegative"),
        CheckConstraint("total = subtotal + shipping_cost", name="total_is_sum"),
        CheckConstraint("lead_days >= 0", name="lead_days_nonnegative"),
        CheckConstraint(
            "shipping_method IS NULL OR shipping_method IN ('pickup','local','courier')", name="shipping_method"
        ),
        Index("ix_gov_orders_store_status", "store_id", "status"),
        Index("ix_gov_orders_office_status", "office_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("gov_purchases.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("gov_offices.id", ondelete="RESTRICT"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"))
    store_name: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(30), unique=True)  # the Surat Pesanan's number
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    subtotal: Mapped[int] = mapped_column(BigInteger)
    shipping_cost: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger)
    lead_days: Mapped[int] = mapped_column(Integer, default=0)
    # when this store delivers: the purchase's date at first, moved for this order alone by an
    # addendum (every Surat Pesanan is its own contract)
    delivery_date: Mapped[date] = mapped_column(Date)
    # the agency's commission on government orders, snapshotted at approval (basis points)
    commission_bps: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # rejected, withdrawn, declined, cancelled
    close_reason: Mapped[str | None] = mapped_column(Text)
    shipping_method: Mapped[str | None] = mapped_column(String(10))
    courier: Mapped[str | None] = mapped_column(String(60))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    # the bendahara's record of the payment (SP2D or another payment reference)
    payment_date: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(80))
    payment_amount: Mapped[int | None] = mapped_column(BigInteger)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    purchase: Mapped[GovPurchase] = relationship(back_populates="orders", lazy="raise_on_sql")
    lines: Mapped[list[GovOrderLine]] = relationship(
        back_populates="order", lazy="raise_on_sql", order_by="GovOrderLine.id", cascade="all, delete-orphan"
    )


class GovOrderLine(db.Model):
    """One variant of a GovOrder, its name, unit and price snapshotted."""

    __tablename__ = "gov_order_lines"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint("line_total = unit_price * quantity", name="line_total_is_product"),
        CheckConstraint(
            "received_quantity IS NULL OR (received_quantity >= 0 AND received_quantity <= quantity)",
            name="received_within_quantity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("gov_orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"), index=True)
    product_name: Mapped[str] = mapped_column(String(160))
    variant_name: Mapped[str] = mapped_column(String(120))
    sku: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(30))
    unit_price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[int] = mapped_column(BigInteger)
    # what the PPK counted at the last receipt (None: not received yet)
    received_quantity: Mapped[int | None] = mapped_column(Integer)

    order: Mapped[GovOrder] = relationship(back_populates="lines", lazy="raise_on_sql")


class GovQuote(db.Model):
    """A seller's answer to a submitted order: new unit prices (``prices``: JSON of line id →
    rupiah), a lead time or ongkir; the pejabat pengadaan accepts or withdraws the order."""

    __tablename__ = "gov_quotes"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint(_in("status", ("open", "accepted", "withdrawn")), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("gov_orders.id", ondelete="CASCADE"), index=True)
    prices: Mapped[str] = mapped_column(Text, default="{}")
    lead_days: Mapped[int | None] = mapped_column(Integer)
    shipping_cost: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GovDocument(db.Model):
    """A PDF made once and kept as made: its bytes, their SHA-256 and the token of its public
    verification page (marketplace/documents). An addendum points at what it amends."""

    __tablename__ = "gov_documents"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("gov_orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # the total the document states
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("gov_documents.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class GovEvent(db.Model):
    """A GovOrder's history as its office and seller see it: who did what, when."""

    __tablename__ = "gov_events"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("gov_orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))  # "approved", "quote", "addendum", "shortfall" ...
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
