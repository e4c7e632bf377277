from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import internals
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

ORDER_STATUSES = ("pending_payment", "paid", "processing", "shipped", "completed", "cancelled", "refunded")
OPEN_STATUSES = ("pending_payment", "paid", "processing", "shipped")
STATUS_LABELS = {
    "pending_payment": _l("Menunggu pembayaran"),
    "paid": _l("Dibayar"),
    "processing": _l("Diproses penjual"),
    "shipped": _l("Dikirim"),
    "completed": _l("Selesai"),
    "cancelled": _l("Dibatalkan"),
    "refunded": _l("Dana dikembalikan"),
}


class Order(db.Model):
    """What one store must deliver from one checkout. Names and prices are
    snapshots taken at checkout; later catalogue edits do not change them.

    ORM events do not fire for its insert nor for the update of its number:
    the checkout writes them through marketplace/rows.py, without the unit of
    work. Later changes go through the session as usual."""

    __tablename__ = "orders"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending_payment','paid','processing','shipped','completed','cancelled','refunded')",
            name="status",
        ),
        CheckConstraint("subtotal >= 0 AND extras_total >= 0 AND shipping_cost >= 0", name="amounts_nonnegative"),
        CheckConstraint("total = subtotal + shipping_cost + extras_total", name="total_is_sum"),
        CheckConstraint(
            "shipping_method IS NULL OR shipping_method IN ('pickup','local','courier')", name="shipping_method"
        ),
        Index("ix_orders_store_queue", "store_id", "status", "placed_at"),
        Index("ix_orders_user_placed", "user_id", "placed_at"),
        Index("ix_orders_expiry", "status", "expires_at"),
        Index("ix_orders_tracking", "status", "shipment_checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    checkout_id: Mapped[int | None] = mapped_column(ForeignKey("checkouts.id", ondelete="SET NULL"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"))
    store_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    payment_method: Mapped[str] = mapped_column(String(40))
    pay_on_delivery: Mapped[bool] = mapped_column(Boolean, default=False)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    extras_total: Mapped[int] = mapped_column(BigInteger, default=0)
    # ongkir the buyer paid for this order (0: free, pickup, or an order from before shipping)
    shipping_cost: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    total: Mapped[int] = mapped_column(BigInteger)
    # the marketplace commission at the time of sale, in basis points (snapshotted at checkout)
    commission_bps: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ship_name: Mapped[str] = mapped_column(String(120))
    ship_phone: Mapped[str] = mapped_column(String(20))
    ship_address: Mapped[str] = mapped_column(String(500))
    ship_city: Mapped[str] = mapped_column(String(80))
    ship_postal_code: Mapped[str] = mapped_column(String(5))
    # the option the buyer chose at checkout (marketplace/shipping/options.py); NULL on older orders
    shipping_method: Mapped[str | None] = mapped_column(String(10))
    shipping_courier: Mapped[str | None] = mapped_column(String(20))
    shipping_service: Mapped[str | None] = mapped_column(String(30))
    shipping_label: Mapped[str | None] = mapped_column(String(160))  # as shown: "JNE REG"
    shipping_etd: Mapped[str | None] = mapped_column(String(20))  # days, "2-3"
    shipping_source: Mapped[str | None] = mapped_column(String(40))  # the plugin's name, or "store"
    ship_region_code: Mapped[str | None] = mapped_column(String(20))  # Kemendagri district code
    ship_province: Mapped[str | None] = mapped_column(String(80))
    ship_district: Mapped[str | None] = mapped_column(String(80))
    ship_village: Mapped[str | None] = mapped_column(String(80))
    courier: Mapped[str | None] = mapped_column(String(60))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    # a pickup booked through a shipping plugin: its own id of the booking (marketplace/shipping)
    shipment_reference: Mapped[str | None] = mapped_column(String(120))
    # the parcel's latest tracking status (quotes.TRACKING_STATUSES) and when a plugin was last asked
    shipment_status: Mapped[str | None] = mapped_column(String(20))
    shipment_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a courier reported delivery
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    store = relationship("Store", lazy="raise_on_sql")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="raise_on_sql", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    extras: Mapped[list[OrderExtra]] = relationship(
        lazy="raise_on_sql", order_by="OrderExtra.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        lazy="raise_on_sql", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}>"


class OrderLine(db.Model):
    """One bought variant of an order, its name and price snapshotted. ORM events do not
    fire for its insert: the checkout writes it through marketplace/rows.py."""

    __tablename__ = "order_lines"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint("line_total >= 0", name="line_total_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"), index=True)
    product_name: Mapped[str] = mapped_column(String(160))
    variant_name: Mapped[str] = mapped_column(String(120))
    sku: Mapped[str] = mapped_column(String(64))
    unit_price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total: Mapped[int] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise_on_sql")


class OrderExtra(db.Model):
    """A paid add-on chosen at checkout (from a plugin's checkout_extras), priced for this order.
    ORM events do not fire for its insert: the checkout writes it through marketplace/rows.py."""

    __tablename__ = "order_extras"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    extra_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))
    amount: Mapped[int] = mapped_column(BigInteger)
    # whose money it is ("store": the order's store, or a ledger account such as "insurer:jasindo")
    # and the ledger kind it is credited as ("extra", "premium"), snapshotted at checkout
    payee: Mapped[str] = mapped_column(String(60), default="store", server_default="store")
    ledger_kind: Mapped[str] = mapped_column(String(20), default="extra", server_default="extra")


class OrderEvent(db.Model):
    """The order's history as its buyer and seller see it (the audit log has the rest). ORM
    events do not fire for the first one, written by the checkout through marketplace/rows.py."""

    __tablename__ = "order_events"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class OrderRefund(db.Model):
    """Money given back to the buyer of an order, through its payment method
    (marketplace/orders/refunds.py). ``source`` names what asked for it ("cancel",
    "status:refunded", "complaint:12") and is unique per order: asking twice refunds once."""

    __tablename__ = "order_refunds"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        UniqueConstraint("order_id", "source"),
        CheckConstraint(
            "goods_amount >= 0 AND extras_amount >= 0 AND shipping_amount >= 0", name="amounts_nonnegative"
        ),
        CheckConstraint("amount = goods_amount + extras_amount + shipping_amount AND amount > 0", name="amount_is_sum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(60))
    amount: Mapped[int] = mapped_column(BigInteger)
    goods_amount: Mapped[int] = mapped_column(BigInteger)
    extras_amount: Mapped[int] = mapped_column(BigInteger)
    shipping_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # ongkir given back
    reason: Mapped[str] = mapped_column(Text, default="")
    payment_reference: Mapped[str | None] = mapped_column(String(120))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    lines: Mapped[list[OrderRefundLine]] = relationship(
        lazy="raise_on_sql", order_by="OrderRefundLine.id", cascade="all, delete-orphan"
    )


class OrderRefundLine(db.Model):
    """What one refund gave back of one order line's goods or of one extra (rupiah)."""

    __tablename__ = "order_refund_lines"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "(order_line_id IS NULL AND order_extra_id IS NOT NULL) OR "
            "(order_line_id IS NOT NULL AND order_extra_id IS NULL)",
            name="line_or_extra",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("order_refunds.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    order_extra_id: Mapped[int | None] = mapped_column(ForeignKey("order_extras.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


# --- how an order travels --------------------------------------------------------------------

HANDED_OVER_METHODS = ("pickup", "local")  # the buyer collects it, or the store's own people bring it


def needs_waybill(order: Order) -> bool:
    """Whether shipping ``order`` means a courier's waybill: not for pickup at the shop or the
    store's own local delivery (the buyer's choice at checkout; orders from before it: courier)."""
    return getattr(order, "shipping_method", None) not in HANDED_OVER_METHODS


# --- an order's lines and extras, without a lazy load ----------------------------------------


def lines_of(order: Order) -> list[OrderLine]:
    """``order.lines`` when they are in hand (a checkout's new order: no statement), else read."""
    return _in_hand_or_read(order, "lines", OrderLine)


def extras_of(order: Order) -> list[OrderExtra]:
    """``order.extras`` when they are in hand (a checkout's new order: no statement), else read."""
    return _in_hand_or_read(order, "extras", OrderExtra)


def _in_hand_or_read(order: Order, name: str, model) -> list:
    in_hand = internals.value_in_hand(order, name)  # loaded or set, without a (raise_on_sql) load
    if in_hand is not None:
        return list(in_hand)
    return list(db.session.scalars(select(model).where(model.order_id == order.id).order_by(model.id)))
