"""Negotiation: a seller answers a submitted order with new unit prices, a lead time or ongkir
(a GovQuote), and the pejabat pengadaan accepts it — the prices applied and the limit and the
delivery date checked again — or withdraws the order (purchasing.withdraw closes the quote).
Each step goes through marketplace/gov/machine.py; the caller commits."""

from __future__ import annotations

import json

from marketplace.clock import now
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.gov import holding, limits, machine, queries
from marketplace.gov.models import GovOrder, GovQuote
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah


def quote(
    order: GovOrder,
    actor,
    *,
    prices: dict[int, int] | None = None,
    lead_days: int | None = None,
    shipping_cost: int | None = None,
    note: str = "",
) -> GovQuote:
    """The seller answers a submitted order with new unit prices (line id → rupiah), a lead
    time and/or ongkir: submitted → negotiating."""
    machine.check(order, "quote", actor)
    lines = {line.id: line for line in holding.lines_of(order)}
    clean_prices: dict[int, int] = {}
    for key, value in limits.pairs(prices, "prices"):
        line_id = limits.whole(key, "prices", 1, 2**31 - 1, _("Baris pesanan tidak dikenal."))
        if line_id not in lines:
            message = _("Baris %(id)s bukan bagian dari pesanan %(number)s.", id=line_id, number=order.number)
            raise ValidationError(message, fields={"prices": message})
        price = limits.whole(
            value,
            f"price_{line_id}",
            1,
            2**31 - 1,
            _("Harga %(name)s harus bilangan bulat rupiah lebih dari 0.", name=lines[line_id].product_name),
        )
        if price != lines[line_id].unit_price:
            clean_prices[line_id] = price
    days = None
    if lead_days is not None and lead_days != "":
        days = limits.whole(lead_days, "lead_days", 0, limits.MAX_LEAD_DAYS, _("Lama penyiapan 0 sampai 365 hari."))
        if days == order.lead_days:
            days = None
    ongkir = None
    if shipping_cost is not None and shipping_cost != "":
        ongkir = limits.whole(
            shipping_cost,
            "shipping_cost",
            0,
            limits.limit(),
            _("Ongkos kirim 0 sampai %(limit)s.", limit=rupiah(limits.limit())),
        )
        if ongkir == order.shipping_cost:
            ongkir = None
    note = str(note or "").strip()
    if len(note) > limits.MAX_NOTE:
        raise ValidationError(fields={"note": _("Catatan paling banyak %(n)d karakter.", n=limits.MAX_NOTE)})
    if not clean_prices and days is None and ongkir is None:
        message = _("Penawaran harus mengubah harga, lama penyiapan atau ongkos kirim.")
        raise ValidationError(message, fields={"prices": message})
    offered = GovQuote(
        order_id=order.id,
        prices=json.dumps({str(k): v for k, v in sorted(clean_prices.items())}),
        lead_days=days,
        shipping_cost=ongkir,
        note=note,
        status="open",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(offered)
    db.session.flush()
    machine.move(
        order,
        "quote",
        actor,
        "negotiating",
        note=note,
        quote_id=offered.id,
        prices={str(k): v for k, v in clean_prices.items()},
        lead_days=days,
        shipping_cost=ongkir,
    )
    return offered


def quote_changes(order: GovOrder, offered: GovQuote) -> dict:
    """What the quote changes, as the pages show it: ``prices`` (line id → new price),
    ``lead_days`` and ``shipping_cost`` (None: unchanged)."""
    return {
        "prices": {int(k): int(v) for k, v in json.loads(offered.prices or "{}").items()},
        "lead_days": offered.lead_days,
        "shipping_cost": offered.shipping_cost,
    }


def accept_quote(order: GovOrder, actor) -> GovOrder:
    """The pejabat pengadaan takes the open quote: prices applied, limit checked again;
    negotiating → submitted (the PPK approves next)."""
    machine.check(order, "accept_quote", actor)
    offered = queries.open_quote(order)
    if offered is None:
        raise Conflict(_("Pesanan %(number)s tidak punya penawaran terbuka.", number=order.number))
    change = quote_changes(order, offered)
    lines = holding.lines_of(order)
    new_totals = {line.id: change["prices"].get(line.id, line.unit_price) * line.quantity for line in lines}
    subtotal = sum(new_totals.values())
    ongkir = change["shipping_cost"] if change["shipping_cost"] is not None else order.shipping_cost
    lead_days = change["lead_days"] if change["lead_days"] is not None else order.lead_days
    problem = limits.over_limit(order.store_name, subtotal + ongkir)
    if problem:
        raise ValidationError(problem, fields={"quote": problem})
    problem = limits.too_soon(order.store_name, order.delivery_date, lead_days)
    if problem:
        raise ValidationError(problem, fields={"delivery_date": problem})
    for line in lines:
        if line.id in change["prices"]:
            line.unit_price = change["prices"][line.id]
            line.line_total = new_totals[line.id]
    order.subtotal, order.shipping_cost, order.total = subtotal, ongkir, subtotal + ongkir
    order.lead_days = lead_days
    offered.status, offered.decided_by_id, offered.decided_at = "accepted", getattr(actor, "id", None), now()
    db.session.flush()
    machine.move(order, "accept_quote", actor, "submitted", quote_id=offered.id, total=order.total)
    return order


def close_quote(order: GovOrder, actor) -> None:
    offered = queries.open_quote(order)
    if offered is not None:
        offered.status, offered.decided_by_id, offered.decided_at = "withdrawn", getattr(actor, "id", None), now()
