"""Refunds of an order: money back to its buyer, in whole or per line, through its payment method.

    refund_order(order, *, actor, amounts=None, extras=False, shipping=False, reason, source) -> OrderRefund
    refundable(order) -> {order line id: rupiah of goods still refundable}
    shipping_refundable(order) -> rupiah of ongkir still refundable

``amounts`` maps an order line's id to the rupiah of that line's goods to give back
(each 0 < amount <= still refundable); None gives back every line's remaining goods.
``extras=True`` also gives back the extras not yet refunded (the protection premium),
``shipping=True`` the ongkir not yet refunded.

Ongkir is refunded with whatever gives back the rest of an order (:func:`refund_rest`): a
cancel before shipping (by the buyer, the seller, the clock's not-accepted cancel) and the
move to "refunded". A complaint about a shipped order refunds goods only — the courier was
paid and carried the parcel — unless it gives back every line's goods, when the order moves
to "refunded" and the ongkir goes back with it.
``source`` names what asks for the refund ("cancel", "status:refunded", "complaint:12")
and is unique per order: asking again with the same source returns the refund already
made and moves no money. Bad input raises ValidationError with a field message (field
``amount_<line id>`` for a line's amount, ``amounts`` for the whole), and nothing is written.

A refund goes through ``payments.refund`` (cash on delivery: the seller hands the cash
back), writes an OrderRefund with its OrderRefundLines and an audit row, and, when the
order was credited (completed), debits the ledger (:func:`marketplace.ledger.postings.debit_refund`).
It never changes the order's status: the lifecycle's cancel and refund moves call it for
whatever remains, complaints call it for their outcome.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from marketplace import audit
from marketplace.clock import now
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.ledger import postings
from marketplace.orders.models import (
    Order,
    OrderExtra,
    OrderRefund,
    OrderRefundLine,
    extras_of,
    lines_of,
)
from marketplace.payments import services as payments

LATE_PAYMENT_SOURCE = "late-payment"

__all__ = [
    "LATE_PAYMENT_SOURCE",
    "OrderRefund",
    "OrderRefundLine",
    "refund_late_payment",
    "refund_order",
    "refund_rest",
    "refundable",
    "refunds_of",
    "shipping_refundable",
]


def _refunded_by(order_id: int, column) -> dict[int, int]:
    rows = db.session.execute(
        select(column, func.sum(OrderRefundLine.amount))
        .join(OrderRefund, OrderRefund.id == OrderRefundLine.refund_id)
        .where(OrderRefund.order_id == order_id, column.is_not(None))
        .group_by(column)
    )
    return {key: int(total or 0) for key, total in rows}


def refundable(order: Order) -> dict[int, int]:
    """Order line id → rupiah of that line's goods not yet refunded."""
    done = _refunded_by(order.id, OrderRefundLine.order_line_id)
    return {line.id: line.line_total - done.get(line.id, 0) for line in lines_of(order)}


def shipping_refundable(order: Order) -> int:
    """Rupiah of the order's ongkir not yet refunded."""
    if not order.shipping_cost:
        return 0
    done = db.session.scalar(
        select(func.coalesce(func.sum(OrderRefund.shipping_amount), 0)).where(OrderRefund.order_id == order.id)
    )
    return max(order.shipping_cost - int(done or 0), 0)


def _extras_left(order: Order) -> list[tuple[OrderExtra, int]]:
    done = _refunded_by(order.id, OrderRefundLine.order_extra_id)
    left = [(extra, extra.amount - done.get(extra.id, 0)) for extra in extras_of(order)]
    return [(extra, amount) for extra, amount in left if amount > 0]


def refunds_of(order: Order) -> list[OrderRefund]:
    return list(
        db.session.scalars(select(OrderRefund).where(OrderRefund.order_id == order.id).order_by(OrderRefund.id))
    )


def _existing(order: Order, source: str) -> OrderRefund | None:
    return db.session.scalar(select(OrderRefund).where(OrderRefund.order_id == order.id, OrderRefund.source == source))


def _goods(order: Order, amounts: dict | None) -> dict[int, int]:
    """The checked goods to give back per line; ValidationError naming each bad field."""
    left = refundable(order)
    if amounts is None:
        return {line_id: amount for line_id, amount in left.items() if amount > 0}
    errors, wanted = {}, {}
    for line_id, amount in amounts.items():
        field = f"amount_{line_id}"
        if line_id not in left:
            errors["amounts"] = _("Baris pesanan tidak dikenal.")
        elif not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= left[line_id]:
            errors[field] = _("Isi jumlah antara 1 dan %(max)s rupiah.", max=left[line_id])
        else:
            wanted[line_id] = amount
    if errors:
        raise ValidationError(fields=errors)
    return wanted


def _check_request(order: Order, reason: str, source: str) -> tuple[str, str]:
    source, reason = (source or "").strip(), (reason or "").strip()
    if not source or len(source) > 60:
        raise ValueError("source must be 1..60 characters")
    if order.paid_at is None or order.payment_id is None:
        raise Conflict(_("Pesanan %(number)s belum dibayar; tidak ada dana untuk dikembalikan.", number=order.number))
    return reason[:1000], source


def _lock(order: Order) -> None:
    """Hold the order's row before anything is checked or refunded, so two refunds of one order
    cannot both pass the checks: an UPDATE locks the row on PostgreSQL and takes the write lock
    on SQLite (where SELECT ... FOR UPDATE locks nothing)."""
    db.session.execute(
        update(Order).where(Order.id == order.id).values(updated_at=now()).execution_options(synchronize_session=False)
    )


def refund_order(
    order: Order,
    *,
    actor,
    amounts: dict[int, int] | None = None,
    extras: bool = False,
    shipping: bool = False,
    reason: str,
    source: str,
) -> OrderRefund:
    """Give back goods (``amounts`` per line, None: all remaining), with ``extras`` the extras
    and with ``shipping`` the ongkir not yet refunded. Idempotent per ``source``. See the
    module's docstring."""
    reason, source = _check_request(order, reason, source)
    _lock(order)
    existing = _existing(order, source)
    if existing is not None:
        return existing
    goods = _goods(order, amounts)
    extra_parts = _extras_left(order) if extras else []
    ongkir = shipping_refundable(order) if shipping else 0
    goods_total, extras_total = sum(goods.values()), sum(amount for _extra, amount in extra_parts)
    if goods_total + extras_total + ongkir <= 0:
        raise ValidationError(fields={"amounts": _("Tidak ada lagi dana pesanan ini yang bisa dikembalikan.")})
    result = payments.refund(order.payment_id, goods_total + extras_total + ongkir, order_id=order.id, reason=source)
    refund = _write(order, source, reason, actor, (goods, extra_parts, ongkir), getattr(result, "reference", None))
    _post(order, refund, goods_total, extra_parts)
    audit.record(
        actor,
        "order.refund",
        "order",
        order.id,
        store_id=order.store_id,
        number=order.number,
        refund_id=refund.id,
        amount=refund.amount,
        goods=goods_total,
        extras=extras_total,
        shipping=ongkir,
        source=source,
    )
    return refund


def _write(order: Order, source: str, reason: str, actor, parts: tuple, reference) -> OrderRefund:
    """The refund's rows: what it gave back per line and per extra (ongkir is its own column)."""
    goods, extra_parts, ongkir = parts
    goods_total, extras_total = sum(goods.values()), sum(amount for _extra, amount in extra_parts)
    refund = OrderRefund(
        order_id=order.id,
        source=source,
        amount=goods_total + extras_total + ongkir,
        goods_amount=goods_total,
        extras_amount=extras_total,
        shipping_amount=ongkir,
        reason=reason,
        payment_reference=reference or None,
        actor_id=getattr(actor, "id", None),
    )
    refund.lines = [OrderRefundLine(order_line_id=line_id, amount=amount) for line_id, amount in goods.items()] + [
        OrderRefundLine(order_extra_id=extra.id, amount=amount) for extra, amount in extra_parts
    ]
    db.session.add(refund)
    db.session.flush()
    return refund


def _post(order: Order, refund: OrderRefund, goods: int, extra_parts: list) -> None:
    cash_back = refund.amount if order.pay_on_delivery else 0
    postings.debit_refund(
        order, str(refund.id), goods=goods, extras=extra_parts, cash_back=cash_back, shipping=refund.shipping_amount
    )


def refund_rest(order: Order, *, actor, reason: str, source: str) -> OrderRefund | None:
    """Give back whatever of the order (goods, extras, ongkir) is not refunded yet; None when nothing is."""
    existing = _existing(order, source)
    if existing is not None:
        return existing
    if (
        not any(amount > 0 for amount in refundable(order).values())
        and not _extras_left(order)
        and not shipping_refundable(order)
    ):
        return None
    return refund_order(order, actor=actor, amounts=None, extras=True, shipping=True, reason=reason, source=source)


def refund_late_payment(order: Order, *, reason: str) -> OrderRefund:
    """The payment of ``order`` arrived after the order was cancelled unpaid, and the order cannot
    go on: its whole total, which the payment has just captured, goes back to the buyer (through
    the method, or owed to their bank account). Once per order; never for an order that was paid."""
    if order.status != "cancelled" or order.paid_at is not None or order.payment_id is None:
        raise Conflict(_("Pesanan %(number)s tidak menunggu pengembalian dana.", number=order.number))
    _lock(order)
    existing = _existing(order, LATE_PAYMENT_SOURCE)
    if existing is not None:
        return existing
    goods = {line_id: amount for line_id, amount in refundable(order).items() if amount > 0}
    extra_parts, ongkir = _extras_left(order), shipping_refundable(order)
    amount = sum(goods.values()) + sum(amount for _extra, amount in extra_parts) + ongkir
    result = payments.refund(order.payment_id, amount, order_id=order.id, reason=LATE_PAYMENT_SOURCE)
    parts = (goods, extra_parts, ongkir)
    refund = _write(order, LATE_PAYMENT_SOURCE, reason, None, parts, getattr(result, "reference", None))
    audit.record(
        None,
        "order.refund",
        "order",
        order.id,
        store_id=order.store_id,
        number=order.number,
        refund_id=refund.id,
        amount=refund.amount,
        source=LATE_PAYMENT_SOURCE,
    )
    return refund


def debit_earlier_refunds(order: Order) -> None:
    """On completion: refunds made before the order was credited (a complaint's partial refund
    of a shipped order) are debited now, after the credit, so the balance counts them once."""
    for refund in refunds_of(order):
        lines = list(db.session.scalars(select(OrderRefundLine).where(OrderRefundLine.refund_id == refund.id)))
        by_id = {extra.id: extra for extra in extras_of(order)}
        extra_parts = [(by_id[line.order_extra_id], line.amount) for line in lines if line.order_extra_id in by_id]
        _post(order, refund, refund.goods_amount, extra_parts)
