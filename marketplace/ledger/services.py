"""Ledger rules: credit a completed order, debit a refund, record a payout, read a balance.

Decisions (docs/PAYMENTS.md):
- the commission rate is snapshotted on the order at checkout (``orders.commission_bps``,
  read from :func:`marketplace.site_settings.get_commission_bps`), so a later change of
  the rate never changes an order already sold;
- commission = total × bps / 10000, rounded half up to a whole rupiah (:func:`commission_of`);
- a store is credited when its order is *completed*: ``sale`` +total and ``commission`` −c;
- a completed order refunded later is debited: ``refund`` −total and the commission
  given back (``commission`` +c); an order refunded before completion was never credited;
- a payout debits the balance; it may not exceed the balance.
Every row has a unique key, so each fact is written once.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace import audit, inputs
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.ledger.models import LedgerEntry, Payout
from marketplace.stores import interest
from marketplace.stores import services as stores
from marketplace.stores.models import Store

log = logging.getLogger(__name__)
BPS = 10_000


def store_for(user, slug: str | None):
    """The store whose ledger ``user`` reads: ``slug`` among theirs, or their only/first one; 404 otherwise."""
    mine = stores.stores_of(user)
    if slug:
        mine = [s for s in mine if s.slug == slug]
    if not mine:
        raise NotFound(_("Toko tidak ditemukan."))
    return mine[0]


def commission_of(total: int, bps: int) -> int:
    """The commission on ``total`` rupiah at ``bps`` basis points, rounded half up to a whole rupiah."""
    if total < 0 or not 0 <= bps <= BPS:
        raise ValueError("total must be >= 0 and bps within 0..10000")
    return (total * bps + BPS // 2) // BPS


def current_commission_bps() -> int:
    from marketplace import site_settings

    return site_settings.get_commission_bps()


def _add_once(key: str, **fields) -> LedgerEntry | None:
    """Add the row unless its key is already written (in the database or this transaction)."""
    existing = db.session.scalar(select(LedgerEntry).where(LedgerEntry.key == key))
    if existing is not None:
        return None
    entry = LedgerEntry(key=key, **fields)
    db.session.add(entry)
    db.session.flush()
    return entry


def credit_sale(order) -> None:
    """A completed order credits its store: the sale, less the commission snapshotted on the order."""
    if order.store_id is None:
        log.error("order %s has no store; not credited", order.number)
        return
    bps = order.commission_bps or 0
    commission = commission_of(order.total, bps)
    _add_once(
        f"sale:{order.id}",
        store_id=order.store_id,
        order_id=order.id,
        kind="sale",
        amount=order.total,
        commission_bps=bps,
        note=order.number,
    )
    if commission:
        _add_once(
            f"commission:{order.id}",
            store_id=order.store_id,
            order_id=order.id,
            kind="commission",
            amount=-commission,
            commission_bps=bps,
            note=order.number,
        )


def debit_refund(order, amount: int | None = None, reference: str = "") -> None:
    """A refund of a credited (completed) order: the store gives back the money and the
    marketplace gives back its commission, in proportion for a partial refund."""
    sale = db.session.scalar(select(LedgerEntry).where(LedgerEntry.key == f"sale:{order.id}"))
    if sale is None:  # never credited: the money came back out of the marketplace's hands
        return
    amount = order.total if amount is None else amount
    bps = sale.commission_bps or 0
    suffix = f":{reference}" if reference else ""
    if (
        _add_once(
            f"refund:{order.id}{suffix}",
            store_id=sale.store_id,
            order_id=order.id,
            kind="refund",
            amount=-amount,
            commission_bps=bps,
            note=order.number,
        )
        is None
    ):
        return
    back = commission_of(amount, bps)
    if back:
        _add_once(
            f"commission-return:{order.id}{suffix}",
            store_id=sale.store_id,
            order_id=order.id,
            kind="commission",
            amount=back,
            commission_bps=bps,
            note=order.number,
        )


# --- reading --------------------------------------------------------------------------------


@dataclass
class Summary:
    earnings: int = 0  # sales credited
    commission: int = 0  # commission kept by the marketplace (net of returns)
    refunds: int = 0  # refunds debited
    payouts: int = 0  # paid out
    adjustments: int = 0
    entries: list = field(default_factory=list)

    @property
    def balance(self) -> int:
        return self.earnings - self.commission - self.refunds - self.payouts + self.adjustments


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
    rows = db.session.execute(select(LedgerEntry.store_id, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.store_id))
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
        "balance": result.balance,
        "items": [
            {
                "at": e.created_at.isoformat(),
                "kind": e.kind,
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
    writer.writerow(["tanggal", "jenis", "pesanan", "jumlah", "komisi_bps", "catatan"])
    for e in reversed(result.entries):
        writer.writerow(
            [
                e.created_at.isoformat(),
                e.kind,
                numbers.get(e.order_id, ""),
                e.amount,
                "" if e.commission_bps is None else e.commission_bps,
                _csv_safe(e.note),
            ]
        )
    writer.writerow(["saldo", "", "", result.balance, "", store.slug])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + text if text and text[0] in "=+-@\t\r" else (text or "")


# --- payouts --------------------------------------------------------------------------------


def record_payout(actor, store, amount, bank_reference: str, paid_on: date | None, note: str = "") -> Payout:
    """Finance transferred ``amount`` to ``store``: debit its balance (never below zero)."""
    from marketplace.clock import now, to_jakarta

    amount, bank_reference = _checked_payout_input(amount, bank_reference, paid_on)
    _refuse_own_store_payout(actor, store)
    _check_balance_covers(store, amount)
    payout = Payout(
        store_id=store.id,
        amount=amount,
        bank_reference=bank_reference,
        paid_on=paid_on or to_jakarta(now()).date(),
        note=(note or "").strip()[:500],
        recorded_by=getattr(actor, "id", None),
    )
    db.session.add(payout)
    db.session.flush()
    _add_once(
        f"payout:{payout.id}",
        store_id=store.id,
        payout_id=payout.id,
        kind="payout",
        amount=-amount,
        note=bank_reference,
    )
    audit.record(
        actor, "payout.recorded", "payout", payout.id, store_id=store.id, amount=amount, bank_reference=bank_reference
    )
    return payout


def _checked_payout_input(amount, bank_reference: str, paid_on: date | None) -> tuple[int, str]:
    """The payout's amount and bank reference, cleaned; every bad field at once as a ValidationError."""
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


def _refuse_own_store_payout(actor, store) -> None:
    """Finance does not pay out a store it owns or works for."""
    if interest.is_member(store.id, actor):
        raise ValidationError(
            fields={
                "store": _(
                    "Anda anggota toko %(store)s; pencairan dananya dicatat oleh petugas keuangan lain.",
                    store=store.name,
                )
            }
        )


def _check_balance_covers(store, amount: int) -> None:
    """Refuse a payout above the store's balance, holding the store's row until the commit."""
    from marketplace.stores.models import Store

    # lock the store row so two payouts of one store cannot both pass the balance check
    db.session.scalar(select(Store.id).where(Store.id == store.id).with_for_update())
    available = balance(store.id)
    if amount > available:
        raise ValidationError(fields={"amount": _("Melebihi saldo toko (%(b)s).", b=_rupiah(available))})


def recent_payouts(limit: int = 50) -> list[Payout]:
    return list(db.session.scalars(select(Payout).order_by(Payout.created_at.desc(), Payout.id.desc()).limit(limit)))


def _rupiah(amount: int) -> str:
    from marketplace.i18n import rupiah

    return rupiah(amount)
