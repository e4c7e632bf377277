"""Ledger rows, payouts, settlements and remittances. Every party has an account
(``store:<id>``, ``marketplace``, ``insurer:<code>``) whose balance is the sum of its
rows; there is no balance column.

Every row has a unique ``key`` naming the fact it records (``sale:<order id>``,
``commission:<order id>``, ``refund:<order id>:<refund id>``, ``payout:<payout id>``...),
so the same fact can never be written twice, whichever path tries.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

LEDGER_KINDS = (
    "sale",
    "shipping",
    "extra",
    "commission",
    "premium",
    "cod_cash",
    "refund",
    "settlement",
    "remittance",
    "payout",
    "adjustment",
)
EXTRA_KINDS = ("extra", "premium", "shipping")  # what a checkout extra may be credited as
MARKETPLACE = "marketplace"
KIND_LABELS = {
    "sale": _l("Penjualan"),
    "shipping": _l("Ongkos kirim"),
    "extra": _l("Layanan tambahan"),
    "commission": _l("Komisi"),
    "premium": _l("Premi proteksi"),
    "cod_cash": _l("Uang COD di tangan penjual"),
    "refund": _l("Pengembalian dana"),
    "settlement": _l("Setoran ke pasar"),
    "remittance": _l("Setoran ke asuransi"),
    "payout": _l("Pencairan"),
    "adjustment": _l("Penyesuaian"),
}


def store_account(store_id: int) -> str:
    return f"store:{store_id}"


def insurer_account(code: str) -> str:
    return f"insurer:{code}"


class LedgerEntry(db.Model):
    """One signed movement of a party's money (credit > 0, debit < 0), in whole rupiah.
    ``store_id`` is set on the rows of a store's account only."""

    __tablename__ = "ledger_entries"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("kind IN (" + ",".join(f"'{k}'" for k in LEDGER_KINDS) + ")", name="kind"),
        Index("ix_ledger_entries_store_created", "store_id", "created_at"),
        Index("ix_ledger_entries_account_created", "account", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    account: Mapped[str] = mapped_column(String(60))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="RESTRICT"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    commission_bps: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Transfer:
    """The columns of a transfer finance records (a payout, a settlement, a remittance): a
    positive amount, the bank's reference, the day paid, a note and who recorded it. Each model
    still declares its own ``__page_cache__`` (read from the class itself)."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    bank_reference: Mapped[str] = mapped_column(String(120))
    paid_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


PAYOUT_STATES = ("pending", "succeeded", "failed")
FILE_RAIL = "file"  # a payout run without a rail: a bank bulk-transfer file finance uploads


class Payout(Transfer, db.Model):
    """Money the marketplace transferred to a store: recorded by finance (agency or admin) once
    sent (``status`` succeeded, ``rail`` empty), or made by a payout run (``rail``: the rail's
    id or ``file``), pending until the rail or finance says it arrived or failed.

    A run's payout carries ``idempotency_key`` = ``store:<store id>:upto:<last ledger row id>``:
    two runs paying the same balance at once write the same key, and the database keeps one.
    ``bank_reference`` is the rail's (or the bank's) reference once known; the account
    columns snapshot where the money was sent."""

    __tablename__ = "payouts"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="succeeded", server_default="succeeded", index=True)
    rail: Mapped[str] = mapped_column(String(40), default="", server_default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True, index=True)
    batch: Mapped[str | None] = mapped_column(String(40), index=True)  # the run that wrote it
    account_bank: Mapped[str | None] = mapped_column(String(20))
    account_number: Mapped[str | None] = mapped_column(String(20))
    account_holder: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # why it failed
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def reference(self) -> str:
        """The rail's reference of the transfer (``PayoutRail.status`` reads it); "" until known."""
        return self.bank_reference


class StorePayoutAccount(db.Model):
    """Where a store's payouts go: set by its owner, verified by the agency. Any change of
    bank, number or holder returns it to ``unverified``; only verified accounts are paid.
    ``bank_holder`` and ``checked_at`` keep the bank's last answer (a rail's account check)."""

    __tablename__ = "store_payout_accounts"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("status IN ('unverified','verified')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), unique=True)
    bank: Mapped[str] = mapped_column(String(20))  # a code of marketplace.payments.banks
    account_number: Mapped[str] = mapped_column(String(20))  # digits only
    holder_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default="unverified")
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bank_holder: Mapped[str] = mapped_column(String(120), default="")
    bank_answer: Mapped[str] = mapped_column(String(300), default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Settlement(Transfer, db.Model):
    """Money a store paid the marketplace for what it owes (commission, cash collected for
    others on cash-on-delivery orders), recorded by finance."""

    __tablename__ = "ledger_settlements"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="RESTRICT"), index=True)


class Remittance(Transfer, db.Model):
    """Premiums of one month the marketplace transferred to an insurer, recorded by finance."""

    __tablename__ = "ledger_remittances"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    account: Mapped[str] = mapped_column(String(60), index=True)  # insurer:<code>
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM (WIB) of the premiums remitted
