"""Payouts: a store's payout account (``/stores/{slug}/payout-account``), the agency's
verification, and finance's payout run."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    INTEGER,
    NULLABLE_STRING,
    RUPIAH,
    STRING,
    answer,
    array,
    body,
    items_of,
    obj,
    operation,
    text,
)
from marketplace.api.openapi.parameters import STORE_SLUG
from marketplace.payments.banks import BANKS

NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
ACCOUNT = obj(
    {
        "status": {"type": "string", "enum": ["missing", "unverified", "verified"]},
        "bank": {"type": ["string", "null"], "description": "a bank code of GET /payment-methods' banks"},
        "bank_name": STRING,
        "account_number": {
            "type": ["string", "null"],
            "description": "the whole number for the owner and finance; `••••1234` (`masked` true) for others",
        },
        "masked": BOOLEAN,
        "holder_name": NULLABLE_STRING,
        "verified_at": NULLABLE_DATETIME,
        "bank_holder": {"type": ["string", "null"], "description": "the holder name the bank answered"},
        "bank_answer": NULLABLE_STRING,
        "checked_at": NULLABLE_DATETIME,
        "updated_at": NULLABLE_DATETIME,
        "changed": {"type": "boolean", "description": "PUT only: false when the same values were sent again"},
    },
    ["status", "bank", "account_number", "holder_name"],
)
ACCOUNT_INPUT = obj(
    {
        "bank": {"type": "string", "enum": [bank.code for bank in BANKS]},
        "account_number": {"type": "string", "description": "digits (spaces, dots and dashes are dropped)"},
        "holder_name": text(120),
    },
    ["bank", "account_number", "holder_name"],
    additionalProperties=True,
)
RUN = obj(
    {
        "dry_run": BOOLEAN,
        "batch": NULLABLE_STRING,
        "rail": {"type": "string", "description": "the payout rail's id, or `file` (a bank bulk-transfer file)"},
        "minimum": RUPIAH,
        "total": RUPIAH,
        "items": array(obj({"store": STRING, "amount": RUPIAH, "bank": STRING})),
        "payouts": array(INTEGER),
        "skipped": INTEGER,
        "states": obj({"pending": INTEGER, "succeeded": INTEGER, "failed": INTEGER}),
    },
    ["dry_run", "rail", "total", "items"],
)


def payout_paths() -> dict:
    return {
        "/stores/{slug}/payout-account": {
            "get": operation(
                "getPayoutAccount",
                "The store's payout account",
                "stores",
                {"200": answer("The account (`status` missing before the owner sets one).", ACCOUNT)},
                auth="a member of the store (the number masked but for the owner), or finance (agency)",
                params=[STORE_SLUG],
                errors=("404",),
            ),
            "put": operation(
                "putPayoutAccount",
                "Set the store's payout account",
                "stores",
                {"200": answer("The account, unverified again when it changed.", ACCOUNT)},
                auth="the store's owner",
                params=[STORE_SLUG],
                request=body(ACCOUNT_INPUT),
                errors=("404",),
                description="A change is audited and e-mailed to the owner; the same values again change nothing.",
            ),
        },
        "/agency/stores/{slug}/payout-account/verify": {
            "post": operation(
                "verifyPayoutAccount",
                "Verify the store's payout account",
                "agency",
                {"200": answer("The verified account.", ACCOUNT)},
                auth="agency",
                params=[STORE_SLUG],
                errors=("404", "409", "422"),
                description=(
                    "Where the payout rail can ask the bank, the bank's holder name must match the one "
                    "entered (case, spaces and titles aside): 422 when the bank has no such account, 409 for "
                    "another name, no account set, or the officer's own store. The bank's answer is kept."
                ),
            )
        },
        "/agency/payout-accounts": {
            "get": operation(
                "listUnverifiedPayoutAccounts",
                "Payout accounts waiting for verification",
                "agency",
                {"200": answer("Oldest change first.", items_of(obj({"store": STRING, "store_name": STRING})))},
                auth="agency",
            )
        },
        "/finance/payout-runs": {
            "post": operation(
                "runPayouts",
                "Pay every store with a verified account and a balance of at least PAYOUT_MINIMUM",
                "agency",
                {"200": answer("The plan of a dry run.", RUN), "201": answer("What the run did.", RUN)},
                auth="agency (finance)",
                request=body(obj({"dry_run": BOOLEAN}), required=False),
            )
        },
    }
