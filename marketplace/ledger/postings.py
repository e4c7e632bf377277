"""Ledger postings: the rows that completion and refunds write, account by account.

Parties (accounts): each store (``store:<id>``), the marketplace (``marketplace``,
its commission), each insurer (``insurer:<code>``, premiums). Every row has a unique
key naming its fact, so each fact is written once whichever path tries.

Completion of an order writes, in one transaction:
- ``sale`` +subtotal (the goods) on the store; ``commission`` −c on the store and
  ``commission`` +c on the marketplace, c = commission_of(subtotal, bps) — goods only;
- each extra +amount on its payee (the store, or ``insurer:<code>`` for a premium),
  as the extra's ledger kind (``extra``, ``premium``);
- ``shipping`` +shipping_cost (ongkir) on the store that ships, with no commission;
- cash on delivery: ``cod_cash`` −total on the store — the seller holds the cash
  (premium and ongkir included), so the store owes the commission and the money of others.

A refund (:mod:`marketplace.orders.refunds`) of a credited order writes ``refund``
−goods on the store, the commission given back so that the cumulative commission
returned is commission_of(cumulative goods refunded) capped at what was taken (no
rounding drift), each refunded extra reversed on its payee, ongkir given back as
``shipping`` −amount on the store, and for cash on delivery
``cod_cash`` +amount (the seller handed the cash back).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.ledger.models import MARKETPLACE, LedgerEntry, store_account

log = logging.getLogger(__name__)
BPS = 10_000


def commission_of(total: int, bps: int) -> int:
    """The commission on ``total`` rupiah at ``bps`` basis points, rounded half up to a whole rupiah."""
    if total < 0 or not 0 <= bps <= BPS:
        raise ValueError("total must be >= 0 and bps within 0..10000")
    return (total * bps + BPS // 2) // BPS


def add_once(key: str, *, account: str, **fields) -> LedgerEntry | None:
    """Add the row unless its key is already written (in the database or this transaction)."""
    existing = db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.key == key))
    if existing is not None:
        return None
    if account.startswith("store:"):
        fields.setdefault("store_id", int(account.split(":", 1)[1]))
    entry = LedgerEntry(key=key, account=account, **fields)
    db.session.add(entry)
    db.session.flush()
    return entry


def payee_account(order, payee: str) -> str:
    """The ledger account of an extra's payee: ``store`` is the order's store."""
    return store_account(order.store_id) if payee in ("", "store") else payee


def is_credited(order) -> bool:
    """Whether completion credited this order (its sale row exists)."""
    return db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.key == f"sale:{order.id}")) is not None


def credit_order(order, extras) -> None:
    """A completed order: the goods to its store less the commission, the commission to the
    marketplace, each extra to its payee; for cash on delivery the cash the seller holds."""
    if order.store_id is None:
        log.error("order %s has no store; not credited", order.number)
        return
    store, bps, number = store_account(order.store_id), order.commission_bps or 0, order.number
    common = dict(order_id=order.id, note=number)
    if add_once(f"sale:{order.id}", account=store, kind="sale", amount=order.subtotal, commission_bps=bps, **common):
        commission = commission_of(order.subtotal, bps)
        if commission:
            add_once(
                f"commission:{order.id}",
                account=store,
                kind="commission",
                amount=-commission,
                commission_bps=bps,
                **common,
            )
            add_once(
                f"commission-mp:{order.id}",
                account=MARKETPLACE,
                kind="commission",
                amount=commission,
                commission_bps=bps,
                **common,
            )
    for extra in extras:
        if extra.amount > 0:
            add_once(
                f"{extra.ledger_kind}:{order.id}:{extra.id}",
                account=payee_account(order, extra.payee),
                kind=extra.ledger_kind,
                amount=extra.amount,
                **common,
            )
    if order.shipping_cost > 0:
        add_once(f"shipping:{order.id}", account=store, kind="shipping", amount=order.shipping_cost, **common)
    if order.pay_on_delivery:
        add_once(f"cod-cash:{order.id}", account=store, kind="cod_cash", amount=-order.total, **common)


def _order_sum(order_id: int, account: str, kind: str) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.order_id == order_id, LedgerEntry.account == account, LedgerEntry.kind == kind
            )
        )
        or 0
    )


def debit_refund(order, suffix: str, goods: int, extras=(), cash_back: int = 0, shipping: int = 0) -> None:
    """A refund of a credited order (``suffix``: what names it in the keys, e.g. the refund's
    id): the goods back from the store, the commission back to it, each refunded extra
    ``(OrderExtra, amount)`` back from its payee, the ongkir given back (``shipping``) from
    the store, and the cash the seller handed back."""
    sale = db.session.scalar(select(LedgerEntry).where(LedgerEntry.key == f"sale:{order.id}"))
    if sale is None:  # never credited: the money came back out of the marketplace's hands
        return
    store, bps = sale.account, sale.commission_bps or 0
    common = dict(order_id=order.id, note=order.number)
    if goods > 0:
        if add_once(
            f"refund:{order.id}:{suffix}", account=store, kind="refund", amount=-goods, commission_bps=bps, **common
        ):
            _return_commission(order, store, bps, suffix, common)
    for extra, amount in extras:
        if amount > 0:
            add_once(
                f"{extra.ledger_kind}-refund:{order.id}:{extra.id}:{suffix}",
                account=payee_account(order, extra.payee),
                kind=extra.ledger_kind,
                amount=-amount,
                **common,
            )
    if shipping > 0:
        add_once(f"shipping-refund:{order.id}:{suffix}", account=store, kind="shipping", amount=-shipping, **common)
    if cash_back > 0 and order.pay_on_delivery:
        add_once(f"cod-cash-refund:{order.id}:{suffix}", account=store, kind="cod_cash", amount=cash_back, **common)


def _return_commission(order, store: str, bps: int, suffix: str, common: dict) -> None:
    """Give back commission so that the total returned = commission_of(goods refunded so far),
    never more than was taken."""
    taken = -int(db.session.scalar(select(LedgerEntry.amount).where(LedgerEntry.key == f"commission:{order.id}")) or 0)
    returned = taken + _order_sum(order.id, store, "commission")
    refunded_goods = -_order_sum(order.id, store, "refund")
    back = min(commission_of(min(refunded_goods, order.subtotal), bps), taken) - returned
    if back > 0:
        add_once(
            f"commission-return:{order.id}:{suffix}",
            account=store,
            kind="commission",
            amount=back,
            commission_bps=bps,
            **common,
        )
        add_once(
            f"commission-mp-return:{order.id}:{suffix}",
            account=MARKETPLACE,
            kind="commission",
            amount=-back,
            commission_bps=bps,
            **common,
        )


@dataclass
class Split:
    goods: int
    commission: int
    store_extras: int
    others: int  # money collected for others (the insurer's premium): never the store's
    cod: bool
    shipping: int = 0  # ongkir: the store's, without commission

    @property
    def net(self) -> int:
        """What the order earns the store: goods, ongkir and its own extras less the commission."""
        return self.goods + self.shipping + self.store_extras - self.commission

    @property
    def total(self) -> int:
        return self.goods + self.shipping + self.store_extras + self.others


def split(order, extras=None) -> Split:
    """The order's money by party, as :func:`credit_order` will credit it."""
    from marketplace.orders.models import extras_of

    extras = extras_of(order) if extras is None else extras
    own = store_account(order.store_id or 0)
    mine = sum(e.amount for e in extras if payee_account(order, e.payee) == own)
    return Split(
        goods=order.subtotal,
        commission=commission_of(order.subtotal, order.commission_bps or 0),
        store_extras=mine,
        others=sum(e.amount for e in extras) - mine,
        cod=bool(order.pay_on_delivery),
        shipping=order.shipping_cost or 0,
    )
