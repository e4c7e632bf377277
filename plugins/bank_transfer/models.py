"""The bank-transfer plugin's table: one transfer to expect per payment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

# the statement import's tables live beside this one; importing them here puts them in the
# metadata wherever the plugin's models are loaded (migrations/env.py loads ``models`` only)
from plugins.bank_transfer.statement_models import BankStatement, StatementRow

__all__ = ["TRANSFER_STATUSES", "BankStatement", "BankTransfer", "StatementRow"]

TRANSFER_STATUSES = ("awaiting_proof", "submitted", "confirmed", "rejected")


class BankTransfer(db.Model):
    """What the shopper must transfer (the payment's amount plus the unique code), by when, and the proof."""

    __tablename__ = "bank_transfers"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('awaiting_proof','submitted','confirmed','rejected')", name="status"),
        CheckConstraint("unique_code >= 0 AND unique_code <= 999", name="unique_code_range"),
        Index("ix_bank_transfers_status", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), unique=True)
    unique_code: Mapped[int] = mapped_column(Integer, default=0)
    transfer_amount: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="awaiting_proof")
    proof_path: Mapped[str | None] = mapped_column(String(255))
    sender_name: Mapped[str | None] = mapped_column(String(120))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
