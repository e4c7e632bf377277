"""Every step of government buying, in one place for the pages and the API: purchasing
(submit, quote, approve, amend ...) and delivery (accept, ship, receive, invoice, pay); which
steps a user may take now comes from the state machine (marketplace/gov/machine.py)."""

from __future__ import annotations

from marketplace.gov.delivery import accept, decline, document_pdf, issue_invoice, receive, record_payment, ship
from marketplace.gov.machine import allowed as allowed_actions
from marketplace.gov.negotiation import accept_quote, quote
from marketplace.gov.purchasing import amend, approve, cancel, reject, submit, withdraw

__all__ = [
    "accept",
    "accept_quote",
    "allowed_actions",
    "amend",
    "approve",
    "cancel",
    "decline",
    "document_pdf",
    "issue_invoice",
    "quote",
    "receive",
    "record_payment",
    "reject",
    "ship",
    "submit",
    "withdraw",
]
