"""The bank-statement import's tables: each upload, and each credit row read from one.

A credit row is stored once by its fingerprint (account, date, amount, description and
its occurrence among identical rows of the file), so uploading the same or an overlapping
statement again finds nothing new and confirms nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

BANK_FORMATS = ("bca", "mandiri", "generic")
ROW_STATUSES = ("confirmed", "ambiguous", "unmatched", "ignored")


class BankStatement(db.Model):
    """One upload of a statement file: who, when, which layout, and what came of it."""

    __tablename__ = "bank_statements"
    __page_cache__ = "nothing"  # finance pages only (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("bank_format IN ('bca','mandiri','generic')", name="bank_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    bank_format: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    account: Mapped[str] = mapped_column(String(40), default="")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    credits: Mapped[int] = mapped_column(Integer, default=0)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    ambiguous: Mapped[int] = mapped_column(Integer, default=0)
    unmatched: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    bad_rows: Mapped[int] = mapped_column(Integer, default=0)
    # the first bad rows, JSON [{"line", "message"}], shown again on the statement's page
    errors_json: Mapped[str] = mapped_column(Text, default="[]")


class StatementRow(db.Model):
    """A credit on the statement and what it became: a confirmed transfer, a row awaiting
    finance's decision (ambiguous), no transfer found (unmatched), or ignored by finance."""

    __tablename__ = "bank_statement_rows"
    __page_cache__ = "nothing"
    __table_args__ = (
        CheckConstraint("status IN ('confirmed','ambiguous','unmatched','ignored')", name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_bank_statement_rows_statement", "statement_id", "status"),
        # one statement row at most confirms a transfer
        Index(
            "uq_bank_statement_rows_confirmed_transfer",
            "transfer_id",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    line: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(500), default="")
    account: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("bank_transfers.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
