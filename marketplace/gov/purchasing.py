"""INTERFACE SKELETON (issue #21): the helper "purchasing" replaces every body; the signatures
and docstrings are the contract the pages and the API code against.

Purchasing: the pejabat pengadaan submits, the seller may quote, the PPK approves (stock
reserved, Surat Pesanan made), rejects, amends by addendum or cancels. Each step goes through
marketplace/gov/machine.py (check, then move); the caller commits."""

from __future__ import annotations

from datetime import date

from marketplace.gov.models import GovDocument, GovOrder, GovPurchase, GovQuote


def submit(
    user, *, rup_code: str, budget_code: str, delivery_date: date, delivery_place: str, note: str = ""
) -> GovPurchase:
    """The pejabat pengadaan submits the cart: one GovOrder per store ("submitted"), the cart
    emptied. Refused (ValidationError, nothing written) for an empty cart, a product a store
    does not offer to offices, a quantity under the offer's minimum, a delivery date sooner than
    a line's lead time or in the past, a store order whose total is over
    GOV_DIRECT_PURCHASE_LIMIT (the message names the store, its total and the limit)."""
    raise NotImplementedError


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
    raise NotImplementedError


def accept_quote(order: GovOrder, actor) -> GovOrder:
    """The pejabat pengadaan takes the open quote: prices applied, limit checked again;
    negotiating → submitted (the PPK approves next)."""
    raise NotImplementedError


def withdraw(order: GovOrder, actor, reason: str = "") -> GovOrder:
    """The pejabat pengadaan withdraws a submitted or negotiating order."""
    raise NotImplementedError


def approve(order: GovOrder, actor) -> GovOrder:
    """The PPK of the order's office approves a submitted order: stock reserved (Conflict
    naming the product when short, nothing reserved), the gov commission snapshotted, the
    Surat Pesanan PDF made and stored; submitted → approved."""
    raise NotImplementedError


def reject(order: GovOrder, actor, reason: str) -> GovOrder:
    """The PPK refuses a submitted or negotiating order, with a reason."""
    raise NotImplementedError


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
    raise NotImplementedError


def cancel(order: GovOrder, actor, reason: str) -> GovOrder:
    """The PPK cancels an approved or accepted order before it is sent; stock goes back."""
    raise NotImplementedError
