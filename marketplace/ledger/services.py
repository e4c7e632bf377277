"""Ledger rules: read a store's balance and its rows, record a payout.

Decisions (docs/PAYMENTS.md):
- the commission rate is snapshotted on the order at checkout (``orders.commission_bps``,
  read from :func:`marketplace.site_settings.get_commission_bps`), so a later change of
  the rate never changes an order already sold;
- commission = goods (subtotal) × bps / 10000, rounded half up (:func:`commission_of`),
  never on extras or shipping;
- completion and refunds write the rows of every party: :mod:`marketplace.ledger.postings`;
- a payout debits the balance; it may not exceed the balance (never the cash a seller
  holds from cash on delivery: that cash is a debit on the store's balance).
Every row has a unique key, so each fact is written once.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select

from marketplace import audit, inputs
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.i18n import wib_iso
from marketplace.ledger import postings
from marketplace.ledger.models import KIND_LABELS, LedgerEntry, Payout, Transfer, store_account
from marketplace.ledger.postings import commission_of as commission_of
from marketplace.stores import interest
from marketplace.stores import services as stores
from marketplace.stores.models import Store

T = TypeVar("T", bound=Transfer)

log = logging.getLogger(__name__)


def store_for(user, slug: str | None):
    """The store whose ledger ``user`` reads: ``slug`` among theirs, or their only/first one; 404 otherwise."""
    mine = stores.stores_of(user)
    if slug:
        mine = [s for s in mine if s.slug == slug]
    if not mine:
        raise NotFound(_("Toko tidak ditemukan."))
    return mine[0]


def current_commission_bps() -> int:
    from marketplace import site_settings

    return site_settings.get_commission_bps()


def debit_refund(order, amount: int | None = None, reference: str = "") -> None:
    """A refund made outside Apik Market (a provider's dashboard) of a credited order: the
    store gives back ``amount`` (goods first) and the marketplace the commission on it."""
    amount = order.subtotal if amount is None else min(amount, order.subtotal)
    postings.debit_refund(order, reference or "external", goods=amount)


# --- reading --------------------------------------------------------------------------------


@dataclass
class Summary:
    earnings: int = 0  # sales credited
    commission: int = 0  # commission kept by the marketplace (net of returns)
    refunds: int = 0  # refunds debited
    payouts: int = 0  # paid out
    adjustments: int = 0
    shipping: int = 0  # shipping credited (issue #18)
    extras: int = 0  # the store's own extras (net of refunds)
    cod_cash: int = 0  # cash collected on delivery, held by the seller (net of cash handed back); <= 0
    settlements: int = 0  # paid by the store to the marketplace for what it owed
    entries: list = field(default_factory=list)

    @property
    def balance(self) -> int:
        return (
            self.earnings
            + self.shipping
            + self.extras
            - self.commission
            - self.refunds
            + self.cod_cash
            + self.settlements
            - self.payouts
            + self.adjustments
        )


def _sums(store_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        select(LedgerEntry.store_id, LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.store_id.in_(store_ids or [-1]))
        .group_by(LedgerEntry.store_id, LedgerEntry.kind)
    )
    return {(store_id, kind): int(total or 0) for store_id, kind, total in rows}


def summary(store_id: int, with_entries: bool = True) -> Summary:
    sums = _sums([store_id])
    result = Summary(
        earnings=sums.get((store_id, "sale"), 0),
        commission=-sums.get((store_id, "commission"), 0),
        refunds=-sums.get((store_id, "refund"), 0),
        payouts=-sums.get((store_id, "payout"), 0),
        adjustments=sums.get((store_id, "adjustment"), 0),
        shipping=sums.get((store_id, "shipping"), 0),
        extras=sums.get((store_id, "extra"), 0),
        cod_cash=sums.get((store_id, "cod_cash"), 0),
        settlements=sums.get((store_id, "settlement"), 0),
    )
    if with_entries:
        result.entries = list(
            db.session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.store_id == store_id)
                .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
            )
        )
    return result


def balance(store_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.store_id == store_id)
        )
        or 0
    )


def stores_with_balances() -> tuple[list[Store], dict[int, int]]:
    """The stores that have a ledger, by name, and every store's balance: what the finance page lists."""
    found = balances()
    listed = db.session.scalars(select(Store).where(Store.id.in_(list(found) or [-1])).order_by(Store.name))
    return list(listed), found


def payout_store(store_id) -> Store | None:
    """The store a payout form names; None for an id no store has (or no id column holds)."""
    return db.session.get(Store, store_id) if inputs.in_id_range(store_id) else None


def balances() -> dict[int, int]:
    """Every store's balance (store id → rupiah), for the finance page."""
    rows = db.session.execute(
        select(LedgerEntry.store_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.store_id.is_not(None))
        .group_by(LedgerEntry.store_id)
    )
    return {store_id: int(total or 0) for store_id, total in rows}


def order_numbers(entries) -> dict[int, str]:
    from marketplace.orders.models import Order

    ids = {e.order_id for e in entries if e.order_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Order.id, Order.number).where(Order.id.in_(ids))).tuples().all())


def summary_json(store, result: Summary) -> dict:
    numbers = order_numbers(result.entries)
    return {
        "store": store.slug,
        "earnings": result.earnings,
        "commission": result.commission,
        "refunds": result.refunds,
        "payouts": result.payouts,
        "shipping": result.shipping,
        "extras": result.extras,
        "cod_cash": result.cod_cash,
        "settlements": result.settlements,
        "balance": result.balance,
        "items": [
            {
                "at": e.created_at.isoformat(),
                "kind": e.kind,
                "account": e.account,
                "order": numbers.get(e.order_id),
                "amount": e.amount,
                "commission_bps": e.commission_bps,
                "note": e.note,
            }
            for e in result.entries
        ],
    }


def csv_export(store, result: Summary) -> str:
    numbers = order_numbers(result.entries)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["tanggal", "jenis", "pesanan", "jumlah", "komisi_bps", "catatan", "keterangan"])
    for e in reversed(result.entries):
        writer.writerow(
            [
                wib_iso(e.created_at),  # WIB with its offset: what the seller's clock said
                e.kind,
                numbers.get(e.order_id, ""),
                e.amount,
                "" if e.commission_bps is None else e.commission_bps,
                _csv_safe(e.note),
                str(KIND_LABELS.get(e.kind, e.kind)),
            ]
        )
    writer.writerow(["saldo", "", "", result.balance, "", store.slug, ""])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + text if text and text[0] in "=+-@\t\r" else (text or "")


# --- payouts --------------------------------------------------------------------------------


def record_payout(actor, store, amount, bank_reference: str, paid_on: date | None, note: str = "") -> Payout:
    """Finance transferred ``amount`` to ``store``: debit its balance (never below zero)."""
    amount, bank_reference = checked_transfer(amount, bank_reference, paid_on)
    refuse_own_store(actor, store)
    _check_balance_covers(store, amount)
    payout = add_transfer(Payout, actor, amount, bank_reference, paid_on, note, store_id=store.id)
    postings.add_once(
        f"payout:{payout.id}",
        account=store_account(store.id),
        payout_id=payout.id,
        kind="payout",
        amount=-amount,
        note=bank_reference,
    )
    audit.record(
        actor, "payout.recorded", "payout", payout.id, store_id=store.id, amount=amount, bank_reference=bank_reference
    )
    return payout


def add_transfer(
    model: Callable[..., T], actor, amount: int, bank_reference: str, paid_on: date | None, note, **keys
) -> T:
    """A new payout, settlement or remittance (``keys``: whose), flushed so it has its id: paid
    today (WIB) unless ``paid_on``, the note trimmed to 500 characters, recorded by ``actor``."""
    from marketplace.clock import now, to_jakarta

    record = model(
        **keys,
        amount=amount,
        bank_reference=bank_reference,
        paid_on=paid_on or to_jakarta(now()).date(),
        note=(note or "").strip()[:500],
        recorded_by=getattr(actor, "id", None),
    )
    db.session.add(record)
    db.session.flush()
    return record


def checked_transfer(amount, bank_reference: str, paid_on: date | None) -> tuple[int, str]:
    """A transfer's amount and bank reference, cleaned; every bad field at once as a ValidationError."""
    errors = {}
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        amount = 0
    if amount <= 0:
        errors["amount"] = _("Isi jumlah dalam rupiah, lebih dari nol.")
    bank_reference = (bank_reference or "").strip()
    if not bank_reference or len(bank_reference) > 120:
        errors["bank_reference"] = _("Isi nomor referensi transfer bank.")
    try:
        if paid_on is not None:
            inputs.check_year(paid_on, "paid_on")
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    return amount, bank_reference


def refuse_own_store(actor, store) -> None:
    """Finance does not pay out (nor record the settlement of) a store it owns or works for."""
    if interest.is_member(store.id, actor):
        raise ValidationError(
            fields={
                "store": _(
                    "Anda anggota toko %(store)s; pencairan dananya dicatat oleh petugas keuangan lain.",
                    store=store.name,
                )
            }
        )


def locked_balance(store) -> int:
    """The store's balance, holding the store's row until the commit, so two payouts or
    settlements of one store cannot both pass their check."""
    db.session.scalar(select(Store.id).where(Store.id == store.id).with_for_update())
    return balance(store.id)


def _check_balance_covers(store, amount: int) -> None:
    """Refuse a payout above the store's balance (a negative balance pays out nothing)."""
    available = locked_balance(store)
    if amount > available:
        raise ValidationError(fields={"amount": _("Melebihi saldo toko (%(b)s).", b=rupiah(max(available, 0)))})


def recent_payouts(limit: int = 50) -> list[Payout]:
    return list(db.session.scalars(select(Payout).order_by(Payout.created_at.desc(), Payout.id.desc()).limit(limit)))


def rupiah(amount: int) -> str:
    from marketplace.i18n import rupiah

    return rupiah(amount)


def order_split(order, extras=None):
    """The order's money by party, as completion will credit it: goods, commission (on goods
    only), the store's own extras, the net to the store and the money collected for others
    (the insurer's premium). The seller's order page and the new-order e-mail show it."""
    from marketplace.ledger.postings import split

    return split(order, extras)
