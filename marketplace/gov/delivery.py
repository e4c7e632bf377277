"""INTERFACE SKELETON (issue #21): the helper "delivery" replaces every body; the signatures
and docstrings are the contract the pages and the API code against.

Delivery and payment: the seller accepts or declines the Surat Pesanan and sends the goods, the
PPK receives them (BAST) or reports a shortfall, the seller invoices, the bendahara records the
payment and the store is credited. Each step goes through marketplace/gov/machine.py (check,
then move); the caller commits."""

from __future__ import annotations

from datetime import date

from marketplace.gov.models import GovDocument, GovOrder


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


def document_pdf(document: GovDocument) -> bytes:
    """The stored bytes of a document, checked against its SHA-256 (never served altered)."""
    raise NotImplementedError
