"""A complaint (komplain) about an order, its lines, photos and timeline."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

REASONS = {
    "barang_rusak": _l("Barang rusak"),
    "tidak_sesuai": _l("Barang tidak sesuai pesanan"),
    "kurang": _l("Jumlah barang kurang"),
    "tidak_sampai": _l("Barang tidak sampai"),
    "lainnya": _l("Lainnya"),
}
# awaiting_seller → (full/partial refund, disagree) → awaiting_shopper | escalated | awaiting_return | resolved
STATUSES = {
    "awaiting_seller": _l("Menunggu jawaban penjual"),
    "awaiting_shopper": _l("Menunggu tanggapan pembeli"),
    "escalated": _l("Diteruskan ke Dinas"),
    "awaiting_return": _l("Menunggu barang dikirim kembali"),
    "returning": _l("Barang dalam pengiriman kembali"),
    "resolved": _l("Selesai, dana dikembalikan"),
    "rejected": _l("Ditolak"),
    "closed": _l("Ditutup"),
}
OPEN_STATUSES = ("awaiting_seller", "awaiting_shopper", "escalated", "awaiting_return", "returning")
CLOSED_STATUSES = ("resolved", "rejected", "closed")
ACTIONS = {
    "opened": _l("Komplain diajukan"),
    "offer_full": _l("Penjual menawarkan pengembalian dana penuh"),
    "offer_partial": _l("Penjual menawarkan pengembalian dana sebagian"),
    "disagreed": _l("Penjual tidak setuju"),
    "accepted": _l("Pembeli menerima tawaran"),
    "escalated": _l("Diteruskan ke Dinas"),
    "decided_refund": _l("Dinas memutuskan pengembalian dana"),
    "decided_reject": _l("Dinas menolak komplain"),
    "return_shipped": _l("Pembeli mengirim barang kembali"),
    "return_received": _l("Penjual menerima barang kembali"),
    "refunded": _l("Dana dikembalikan"),
    "closed": _l("Komplain ditutup"),
}


class Complaint(db.Model):
    """One complaint about an order. ``open_order_id`` is the order's id while the complaint is
    open and NULL once closed: its unique constraint keeps one open complaint per order."""

    __tablename__ = "complaints"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint(
            "status IN ('awaiting_seller','awaiting_shopper','escalated','awaiting_return','returning',"
            "'resolved','rejected','closed')",
            name="status",
        ),
        CheckConstraint("offer_amount IS NULL OR offer_amount > 0", name="offer_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    open_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="awaiting_seller", index=True)
    # the answer on the table: "full" or "partial" (with offer_amount), by the seller or the agency
    offer: Mapped[str | None] = mapped_column(String(10))
    offer_amount: Mapped[int | None] = mapped_column(BigInteger)
    return_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    seller_note: Mapped[str | None] = mapped_column(Text)
    agency_note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    return_courier: Mapped[str | None] = mapped_column(String(60))
    return_tracking: Mapped[str | None] = mapped_column(String(80))
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # the current step's deadline
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[ComplaintLine]] = relationship(
        lazy="raise_on_sql", order_by="ComplaintLine.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[ComplaintPhoto]] = relationship(
        lazy="raise_on_sql", order_by="ComplaintPhoto.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[ComplaintEvent]] = relationship(
        lazy="raise_on_sql", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ComplaintLine(db.Model):
    """A line of the order the complaint is about: how many units, and the goods' value claimed."""

    __tablename__ = "complaint_lines"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refund_amount >= 0 AND refund_amount <= amount", name="refund_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    product_name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)  # rupiah of goods complained about (refundable at opening)
    refund_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # what the outcome gave back


class ComplaintPhoto(db.Model):
    __tablename__ = "complaint_photos"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ComplaintEvent(db.Model):
    """The complaint's timeline as its parties see it (the audit log has every step too)."""

    __tablename__ = "complaint_events"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(10))  # shopper, seller, agency, system
    action: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
