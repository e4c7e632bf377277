"""Purchasing: the pejabat pengadaan submits, the seller may quote, the PPK approves (stock
reserved, Surat Pesanan made), rejects, amends by addendum or cancels. Each step goes through
marketplace/gov/machine.py (check, then move); the caller commits.

A step that refuses raises before it writes, or inside a savepoint that it rolls back, so a
refused step leaves no row and no stock changed even when the caller commits afterwards."""

from __future__ import annotations

import secrets
from datetime import date
from typing import cast

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult

from marketplace import site_settings
from marketplace.cart import services as cart_services
from marketplace.cart.lines import line_label
from marketplace.cart.models import CartItem
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.gov import holding, limits, machine, negotiation, officials, paperwork
from marketplace.gov import offers as gov_offers
from marketplace.gov.models import (
    GovDocument,
    GovOffer,
    GovOrder,
    GovOrderLine,
    GovPurchase,
)
from marketplace.i18n import gettext as _
from marketplace.i18n import wib

# --- submit ----------------------------------------------------------------------------


def purchase_number(purchase: GovPurchase) -> str:
    """PBJ-<yymm in WIB>-<id>: unique by the id, read out on the phone like an order's."""
    return f"PBJ-{to_jakarta(purchase.created_at):%y%m}-{purchase.id:06d}"


def order_number(order: GovOrder) -> str:
    """SP-<yymm in WIB>-<id>: the Surat Pesanan's number once approved."""
    return f"SP-{to_jakarta(order.submitted_at):%y%m}-{order.id:06d}"


def submit(
    user, *, rup_code: str, budget_code: str, delivery_date: date, delivery_place: str, note: str = ""
) -> GovPurchase:
    """The pejabat pengadaan submits the cart: one GovOrder per store ("submitted"), the cart
    emptied. Refused (ValidationError, nothing written) for an empty cart, a product a store
    does not offer to offices, a quantity under the offer's minimum, a delivery date sooner than
    a line's lead time or in the past, a store order whose total is over
    GOV_DIRECT_PURCHASE_LIMIT (the message names the store, its total and the limit)."""
    official = officials.require(user, "pp")
    fields: dict[str, str] = {}
    rup, problem = limits.clean_rup_code(rup_code)
    if problem:
        fields["rup_code"] = problem
    budget, problem = limits.clean_budget_code(budget_code)
    if problem:
        fields["budget_code"] = problem
    place, problem = limits.clean_place(delivery_place)
    if problem:
        fields["delivery_place"] = problem
    problem = limits.date_problem(delivery_date)
    if problem:
        fields["delivery_date"] = problem
    note = str(note or "").strip()
    if len(note) > limits.MAX_NOTE:
        fields["note"] = _("Catatan paling banyak %(n)d karakter.", n=limits.MAX_NOTE)

    cart = cart_services.load(user)
    if cart.empty:
        message = _("Keranjang kosong; tambahkan produk yang ditawarkan untuk instansi.")
        raise ValidationError(message, fields={**fields, "cart": message})
    offers = gov_offers.offered({line.facts.product_id for line in cart.lines})
    plans = []
    for group in cart.groups:
        lead_days = 0
        units: dict[int, str] = {}
        for line in group.lines:
            offer = offers.get(line.facts.product_id)
            problem = _line_problem(line, offer)
            if problem:
                fields[f"item_{line.item_id}"] = problem
                continue
            assert offer is not None  # _line_problem refuses a line without an offer
            lead_days = max(lead_days, offer.lead_days)
            units[line.item_id] = offer.unit
        if "delivery_date" not in fields:
            problem = limits.too_soon(group.store_name, delivery_date, lead_days)
            if problem:
                fields["delivery_date"] = problem
        problem = limits.over_limit(group.store_name, group.subtotal)
        if problem:
            fields[f"store_{group.store_id}"] = problem
        plans.append((group, lead_days, units))
    if fields:
        raise ValidationError(_first(fields), fields=fields)

    # a savepoint: a cart emptied meanwhile by a parallel submit undoes every row written here
    with db.session.begin_nested():
        return _write(
            user,
            cart,
            plans,
            dict(
                office_id=official.office_id,
                created_by_id=user.id,
                rup_code=rup,
                budget_code=budget,
                delivery_date=delivery_date,
                delivery_place=place,
                note=note,
            ),
        )


def _write(user, cart, plans: list, values: dict) -> GovPurchase:
    """The purchase, one order per store with its lines, their history and audit rows; the
    cart's lines taken."""
    made = now()
    purchase = GovPurchase(number=_placeholder(), created_at=made, **values)
    db.session.add(purchase)
    orders = []
    for group, lead_days, units in plans:
        order = GovOrder(
            purchase=purchase,
            office_id=purchase.office_id,
            store_id=group.store_id,
            store_name=group.store_name,
            number=_placeholder(),
            status="submitted",
            delivery_date=purchase.delivery_date,
            subtotal=group.subtotal,
            shipping_cost=0,
            total=group.subtotal,
            lead_days=lead_days,
            submitted_at=made,
            lines=[
                GovOrderLine(
                    product_id=line.facts.product_id,
                    variant_id=line.facts.variant_id,
                    product_name=line.facts.product_name[:160],
                    variant_name=line.facts.variant_name[:120],
                    sku=line.facts.sku[:64],
                    unit=units[line.item_id][:30],
                    unit_price=line.price,
                    quantity=line.quantity,
                    line_total=line.line_total,
                )
                for line in group.lines
            ],
        )
        orders.append(order)
    db.session.add_all(orders)
    db.session.flush()
    purchase.number = purchase_number(purchase)
    for order in orders:
        order.number = order_number(order)
        machine.record(
            order,
            "submit",
            user,
            None,
            "submitted",
            mail_note=purchase.note,
            purchase=purchase.number,
            total=order.total,
        )
    _take_lines(cart)
    db.session.flush()
    return purchase


def _take_lines(cart) -> None:
    """Empty the cart of exactly the lines submitted. A second submit of the same cart running
    at the same time (a double click) finds them gone and is refused, so the office never gets
    two purchases, and two Surat Pesanan, from one cart."""
    item_ids = [line.item_id for line in cart.lines]
    taken = cast(
        CursorResult,
        db.session.execute(
            delete(CartItem).where(CartItem.id.in_(item_ids)).execution_options(synchronize_session=False)
        ),
    ).rowcount
    if taken != len(item_ids):
        raise Conflict(_("Keranjang Anda baru saja berubah. Muat ulang halaman lalu coba lagi."))


def _line_problem(line, offer: GovOffer | None) -> str | None:
    """Why a cart line cannot go into a government purchase, or None."""
    facts = line.facts
    name = line_label(facts)
    if line.own_store:
        return line.problem
    if not facts.sellable:
        return _("%(name)s sedang tidak dijual; hapus dari keranjang.", name=name)
    if offer is None or offer.store_id != facts.store_id:
        return _("%(name)s tidak ditawarkan untuk instansi; hapus dari keranjang.", name=name)
    if line.quantity < offer.min_quantity:
        return _("%(name)s dipesan paling sedikit %(n)d %(unit)s.", name=name, n=offer.min_quantity, unit=offer.unit)
    if line.quantity > facts.stock:
        return _("Stok %(name)s tinggal %(n)d; kurangi jumlahnya.", name=name, n=facts.stock)
    return None


def _placeholder() -> str:
    """A unique stand-in until the id the number is made from is known (same transaction)."""
    return "~" + secrets.token_hex(8)


def _first(fields: dict[str, str]) -> str:
    return next(iter(fields.values()))


def withdraw(order: GovOrder, actor, reason: str = "") -> GovOrder:
    """The pejabat pengadaan withdraws a submitted or negotiating order."""
    machine.check(order, "withdraw", actor)
    text = limits.reason(reason, required=False)
    negotiation.close_quote(order, actor)
    order.closed_at, order.close_reason = now(), text or None
    db.session.flush()
    machine.move(order, "withdraw", actor, "withdrawn", note=text, reason=text)
    return order


def reject(order: GovOrder, actor, reason: str) -> GovOrder:
    """The PPK refuses a submitted or negotiating order, with a reason."""
    machine.check(order, "reject", actor)
    text = limits.reason(reason)
    negotiation.close_quote(order, actor)
    order.closed_at, order.close_reason = now(), text
    db.session.flush()
    machine.move(order, "reject", actor, "rejected", note=text, reason=text)
    return order


# --- approval and after ----------------------------------------------------------------


def approve(order: GovOrder, actor) -> GovOrder:
    """The PPK of the order's office approves a submitted order: stock reserved (Conflict
    naming the product when short, nothing reserved), the gov commission snapshotted, the
    Surat Pesanan PDF made and stored; submitted → approved."""
    machine.check(order, "approve", actor)
    if order.delivery_date < limits.today():
        raise Conflict(
            _(
                "Tanggal pengiriman %(date)s sudah lewat; pesanan %(number)s tidak bisa disetujui. "
                "Tolak pesanan lalu ajukan ulang dengan tanggal baru.",
                date=wib(order.delivery_date, "date"),
                number=order.number,
            )
        )
    _require_selling_store(order)
    lines = holding.lines_of(order)
    # a savepoint: a short line, a failed PDF or a concurrent approval undoes every reservation
    # made here, whatever the caller does with its transaction afterwards
    with db.session.begin_nested():
        holding.reserve(order, {line: line.quantity for line in lines})
        order.commission_bps = site_settings.get_gov_commission_bps()
        order.approved_at, order.approved_by_id = now(), getattr(actor, "id", None)
        db.session.flush()
        document = paperwork.issue(order, "sp", actor)
        machine.move(order, "approve", actor, "approved", document=document.number, total=order.total)
    return order


def _require_selling_store(order: GovOrder) -> None:
    """A Surat Pesanan binds the store: none goes to a store the agency suspended (or that is
    gone) since the purchase was submitted."""
    from marketplace.stores.models import Store

    store = db.session.get(Store, order.store_id) if order.store_id is not None else None
    if store is None or store.status != "approved":
        raise Conflict(
            _(
                "Toko %(store)s sedang tidak berjualan; pesanan %(number)s tidak bisa disetujui.",
                store=order.store_name,
                number=order.number,
            )
        )


def amend(
    order: GovOrder,
    actor,
    *,
    quantities: dict[int, int] | None = None,
    delivery_date: date | None = None,
    reason: str,
) -> GovDocument:
    """The PPK changes an approved or accepted order by addendum (never an edit of the SP):
    new line quantities (stock reserved or released by the difference, the limit checked) and/or
    a new delivery date; an sp_addendum document amending the last SP or addendum."""
    machine.check(order, "amend", actor)
    text = limits.reason(reason)
    lines = {line.id: line for line in holding.lines_of(order)}
    new_quantities: dict[int, int] = {}
    for key, value in limits.pairs(quantities, "quantities"):
        line_id = limits.whole(key, "quantities", 1, 2**31 - 1, _("Baris pesanan tidak dikenal."))
        if line_id not in lines:
            message = _("Baris %(id)s bukan bagian dari pesanan %(number)s.", id=line_id, number=order.number)
            raise ValidationError(message, fields={"quantities": message})
        quantity = limits.whole(
            value, f"quantity_{line_id}", 1, 10**6, _("Jumlah harus bilangan bulat 1 sampai 1.000.000.")
        )
        if quantity != lines[line_id].quantity:
            new_quantities[line_id] = quantity
    new_date = None
    if delivery_date is not None and delivery_date != order.delivery_date:
        problem = limits.date_problem(delivery_date)
        if problem is None:
            problem = limits.too_soon(order.store_name, delivery_date, order.lead_days)
        if problem:
            raise ValidationError(problem, fields={"delivery_date": problem})
        new_date = delivery_date
    if not new_quantities and new_date is None:
        message = _("Adendum harus mengubah jumlah atau tanggal pengiriman.")
        raise ValidationError(message, fields={"quantities": message})
    subtotal = sum(line.unit_price * new_quantities.get(line.id, line.quantity) for line in lines.values())
    problem = limits.over_limit(order.store_name, subtotal + order.shipping_cost)
    if problem:
        raise ValidationError(problem, fields={"quantities": problem})

    changes = []
    with db.session.begin_nested():
        more = {lines[i]: q - lines[i].quantity for i, q in new_quantities.items() if q > lines[i].quantity}
        less = {lines[i]: lines[i].quantity - q for i, q in new_quantities.items() if q < lines[i].quantity}
        holding.reserve(order, more)
        holding.release(less)
        for line_id, quantity in new_quantities.items():
            line = lines[line_id]
            changes.append(f"{line.product_name}: {line.quantity} → {quantity} {line.unit}")
            line.quantity, line.line_total = quantity, quantity * line.unit_price
        if new_date is not None:
            changes.append(
                _(
                    "Tanggal pengiriman: %(old)s → %(new)s",
                    old=wib(order.delivery_date, "date"),
                    new=wib(new_date, "date"),
                )
            )
            order.delivery_date = new_date
        order.subtotal, order.total = subtotal, subtotal + order.shipping_cost
        db.session.flush()
        document = paperwork.issue(
            order,
            "sp_addendum",
            actor,
            amends=paperwork.latest(order, "sp", "sp_addendum"),
            changes=changes,
        )
        machine.move(
            order, "amend", actor, order.status, note=text, reason=text, document=document.number, changes=changes
        )
    return document


def cancel(order: GovOrder, actor, reason: str) -> GovOrder:
    """The PPK cancels an approved or accepted order before it is sent; stock goes back."""
    machine.check(order, "cancel", actor)
    text = limits.reason(reason)
    with db.session.begin_nested():
        if order.status in machine.RESERVING:
            holding.release_all(order)
        order.closed_at, order.close_reason = now(), text
        db.session.flush()
        machine.move(order, "cancel", actor, "cancelled", note=text, reason=text)
    return order
