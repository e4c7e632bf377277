"""The paths of refunds owed to a shopper's bank account (marketplace/api/refunds.py)."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATE,
    DATETIME,
    ID,
    NULLABLE_STRING,
    RUPIAH,
    answer,
    body,
    items_of,
    obj,
    operation,
    path_param,
    query,
    ref,
    text,
)
from marketplace.payments.bank_refund_models import BANK_REFUND_STATUSES
from marketplace.payments.banks import BANKS

REFUND_ID = path_param("id", ID, "the refund's id")
FINANCE = "agency finance (agency officers and admins)"


def refund_paths() -> dict:
    return {
        "/me/refunds": {
            "get": operation(
                "listMyBankRefunds",
                "Refunds owed to the user's bank account, newest first",
                "orders",
                {"200": answer("The user's refunds.", items_of(ref("BankRefund")))},
                auth="any signed-in user (their own)",
            )
        },
        "/me/refunds/{id}/account": {
            "put": operation(
                "enterBankRefundAccount",
                "Say where a refund goes: bank, account number and holder name",
                "orders",
                {"200": answer("The refund, now owed to that account.", ref("BankRefund"))},
                auth="the shopper it is owed to",
                params=[REFUND_ID],
                request=body(ref("BankRefundAccountInput")),
                errors=("404", "409"),
                description="422 names a bank not in the list or an account number of the wrong length for the "
                "bank; may be corrected until finance sent the money (then 409).",
            )
        },
        "/finance/refunds": {
            "get": operation(
                "listBankRefunds",
                "Every refund owed to a bank account, oldest first, with the whole account",
                "agency",
                {"200": answer("The refunds.", items_of(ref("BankRefund")))},
                auth=FINANCE,
                params=[query("status", {"enum": list(BANK_REFUND_STATUSES)})],
            )
        },
        "/finance/refunds/{id}/sent": {
            "post": operation(
                "markBankRefundSent",
                "Record the transfer of a refund: its bank reference and date",
                "agency",
                {"200": answer("The refund, sent.", ref("BankRefund"))},
                auth=FINANCE,
                params=[REFUND_ID],
                request=body(ref("BankRefundSentInput")),
                errors=("404", "409"),
                description="Once only (409 again); 409 while the shopper has not entered the account.",
            )
        },
    }


def refund_schemas() -> dict:
    return {
        "BankRefund": obj(
            {
                "id": ID,
                "order": {**NULLABLE_STRING, "description": "the order number it refunds, when known"},
                "payment_id": ID,
                "amount": RUPIAH,
                "status": {"enum": list(BANK_REFUND_STATUSES)},
                "bank": {"type": ["string", "null"], "enum": [*(bank.code for bank in BANKS), None]},
                "bank_name": NULLABLE_STRING,
                "account_number": {
                    **NULLABLE_STRING,
                    "description": "whole for the shopper it is owed to and for finance",
                },
                "holder_name": NULLABLE_STRING,
                "sent_reference": NULLABLE_STRING,
                "sent_on": {"type": ["string", "null"], "format": "date"},
                "created_at": DATETIME,
            },
            ["id", "amount", "status", "bank", "account_number", "holder_name", "created_at"],
        ),
        "BankRefundAccountInput": obj(
            {
                "bank": {"enum": [bank.code for bank in BANKS]},
                "account_number": text(40, description="digits; spaces, dots and dashes are dropped"),
                "holder_name": text(120),
            },
            ["bank", "account_number", "holder_name"],
        ),
        "BankRefundSentInput": obj(
            {"bank_reference": text(120), "paid_on": {**DATE, "description": "default today (WIB)"}},
            ["bank_reference"],
        ),
    }
