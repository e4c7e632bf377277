"""INTERFACE SKELETON (issue #21): the helper "flow" replaces every body; the signatures and
docstrings are the contract the pages (gov/views.py, seller side) and the API code against.

The government order's state machine and every step on it. Each step: checks the actor's
position and office (or store membership), checks the move with a compare-and-set on the status
(a concurrent change is a Conflict, never a double step), writes a GovEvent and an audit row,
and raises ValidationError (with ``fields``), Conflict or PermissionDenied — the views turn
them into messages beside the fields and 4xx answers. The caller commits.
"""

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


def accept(order: GovOrder, actor) -> GovOrder:
    """The seller accepts the Surat Pesanan: approved → accepted."""
    raise NotImplementedError


def decline(order: GovOrder, actor, reason: str) -> GovOrder:
    """The seller declines the Surat Pesanan: approved → declined; stock goes back."""
    raise NotImplementedError


def ship(
    order: GovOrder, actor, *, method: str, courier: str | None = None, tracking_number: str | None = None
) -> GovOrder:
    """The seller sends (courier, with its waybill) or brings (pickup/local) the goods, by one
    of the store's shipping methods, never COD: accepted or shortfall → shipped."""
    raise NotImplementedError


def receive(order: GovOrder, actor, *, received: dict[int, int] | None = None, note: str = "") -> GovOrder:
    """The PPK counts what arrived (line id → quantity; None: everything). All there: the BAST
    PDF is made and signed, shipped → received. Short: shipped → shortfall, with the lines and
    the note; the seller must send the rest first."""
    raise NotImplementedError


def issue_invoice(order: GovOrder, actor) -> tuple[GovDocument, GovDocument]:
    """The seller issues its invoice and kuitansi PDFs after the BAST: received → invoiced."""
    raise NotImplementedError


def record_payment(order: GovOrder, actor, *, paid_on: date, reference: str, amount: int) -> GovOrder:
    """The bendahara records the payment (date, SP2D or payment reference, amount = the
    invoice's total) after the BAST and the invoice: invoiced → paid, and the store is credited
    in the ledger less the government commission snapshotted at approval."""
    raise NotImplementedError


def allowed_actions(order: GovOrder, user) -> list[str]:
    """The step names ``user`` may take on ``order`` now, for buttons: "quote", "accept_quote",
    "withdraw", "approve", "reject", "amend", "cancel", "accept", "decline", "ship", "receive",
    "invoice", "pay"."""
    raise NotImplementedError


def document_pdf(document: GovDocument) -> bytes:
    """The stored bytes of a document, checked against its SHA-256 (never served altered)."""
    raise NotImplementedError
