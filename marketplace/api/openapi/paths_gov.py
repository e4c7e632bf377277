"""Government buying's paths (marketplace/api/gov.py): an office's purchases, each step of a store
order's life by the position or seller the state machine names, the documents, the offices."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    ID,
    PAGE_PARAMS,
    answer,
    body,
    items_of,
    operation,
    path_param,
    query,
    ref,
)
from marketplace.api.openapi.parameters import NUMBER
from marketplace.gov.machine import ACTIONS
from marketplace.gov.models import GOV_ORDER_STATUSES

TAG = "gov"
READERS = "officials of the order's office, members of its store, the agency"
OFFICE_READERS = "officials of the purchase's office, the agency"
STATUS = query("status", {"enum": [*GOV_ORDER_STATUSES, ""]}, "one status")
PURCHASE_NUMBER = path_param("number", description="the purchase's number (PBJ-...)")
DOCUMENT_ID = path_param("document_id", ID, "the document's id")
ORDER = {"200": answer("The order as it is now.", ref("GovOrder"))}
WHO = {"pp": "the office's pejabat pengadaan", "ppk": "the office's PPK", "bendahara": "the office's bendahara"}
WHO["seller"] = "members of the order's store"
# each step: its summary, its body (None: none needed) and whether the body may be left out
STEPS = {
    "quote": ("Answer with new unit prices, a lead time and/or ongkir (negotiating)", "GovQuoteInput", True),
    "accept_quote": ("Take the seller's open quote (the PPK approves next)", "GovEmptyInput", False),
    "withdraw": ("Withdraw a submitted or negotiating order", "GovReasonInput", False),
    "approve": ("Approve: stock reserved, the Surat Pesanan made", "GovEmptyInput", False),
    "reject": ("Refuse a submitted or negotiating order, with a reason", "GovRequiredReasonInput", True),
    "amend": ("Change an approved order by addendum (quantities, delivery date)", "GovAmendInput", True),
    "cancel": ("Cancel an approved or accepted order before it is sent; stock back", "GovRequiredReasonInput", True),
    "accept": ("Accept the Surat Pesanan", "GovEmptyInput", False),
    "decline": ("Decline the Surat Pesanan, with a reason; stock back", "GovRequiredReasonInput", True),
    "ship": ("Send or bring the goods by one of the store's methods (no COD)", "GovShipInput", True),
    "receive": ("Count what arrived: all there signs the BAST, short asks the rest", "GovReceiveInput", False),
    "invoice": ("Issue the invoice and the kuitansi (after the BAST)", "GovEmptyInput", False),
    "pay": ("Record the payment (date, SP2D reference, the invoice's total); store credited", "GovPaymentInput", True),
}  # fmt: skip


def gov_paths() -> dict:
    return {**_orders(), **_steps(), **_purchases(), **_documents()}


def _orders() -> dict:
    return {
        "/gov/orders": {
            "get": operation(
                "listGovOrders",
                "Government orders, newest first",
                TAG,
                {"200": answer("A page of orders.", items_of(ref("GovOrderSummary"), paged=True))},
                auth="officials (their office's), store members (their stores'), the agency (all)",
                params=[STATUS, *PAGE_PARAMS],
            ),
            "post": _submit("submitGovOrders", " The same as `POST /gov/purchases` (CONTRACT.md's name)."),
        },
        "/gov/orders/{number}": {
            "get": operation(
                "getGovOrder",
                "One government order: lines, totals, documents, history, open quote, the caller's next steps",
                TAG,
                ORDER,
                auth=READERS,
                params=[NUMBER],
                errors=("404",),
            )
        },
    }


# CONTRACT.md's first names of two steps, served as the same step
CONTRACT_NAMES = {"bast": "receive", "payment": "pay"}


def _steps() -> dict:
    out = {}
    for path, action in {**{a: a for a in STEPS}, **CONTRACT_NAMES}.items():
        summary, schema, required = STEPS[action]
        step = ACTIONS[action]
        same = f" The same step as `{action}`." if path != action else ""
        out[f"/gov/orders/{{number}}/{path}"] = {
            "post": operation(
                f"govOrder_{path}",
                summary + ("" if path == action else f" (= {action})"),
                TAG,
                ORDER,
                auth=WHO[step.who],
                params=[NUMBER],
                request=body(ref(schema), required=required),
                errors=("404", "409"),
                description=f"From {', '.join(step.sources)}. 404: an order the caller may not see; 409: its status "
                "does not allow the step (or someone changed it meanwhile); 422: a field, named in `error.fields`."
                + same,
            )
        }
    return out


def _submit(op_id: str, note: str) -> dict:
    return operation(
        op_id,
        "Submit the cart as a purchase: one order per store, waiting for the PPK",
        TAG,
        {"201": answer("The purchase and its orders.", ref("GovPurchase"))},
        auth="a pejabat pengadaan",
        request=body(ref("GovPurchaseInput")),
        description="422 for an empty cart, a product not offered to offices, a quantity under the offer's "
        "minimum, a delivery date too soon for a lead time, or a store's order over "
        "GOV_DIRECT_PURCHASE_LIMIT (the message names the store, its total and the limit)." + note,
    )


def _purchases() -> dict:
    return {
        "/gov/purchases": {
            "get": operation(
                "listGovPurchases",
                "The office's purchases, newest first, with their store orders",
                TAG,
                {"200": answer("A page of purchases.", items_of(ref("GovPurchase"), paged=True))},
                auth="officials (their office's), the agency (all)",
                params=PAGE_PARAMS,
            ),
            "post": _submit("submitGovPurchase", ""),
        },
        "/gov/purchases/{number}": {
            "get": operation(
                "getGovPurchase",
                "One purchase with its store orders",
                TAG,
                {"200": answer("The purchase.", ref("GovPurchase"))},
                auth=OFFICE_READERS,
                params=[PURCHASE_NUMBER],
                errors=("404",),
            )
        },
        "/gov/offices": {
            "get": operation(
                "listGovOffices",
                "The offices registered by the agency, with how many officials each has",
                TAG,
                {"200": answer("A page of offices.", items_of(ref("GovOffice"), paged=True))},
                auth="agency",
                params=PAGE_PARAMS,
            )
        },
    }


def _documents() -> dict:
    return {
        "/gov/documents/{document_id}": {
            "get": operation(
                "getGovDocument",
                "A document of an order (Surat Pesanan, addendum, BAST, invoice, kuitansi) as its PDF",
                TAG,
                {
                    "200": {
                        "description": "The PDF exactly as made (its SHA-256 is the order's `documents[].sha256`).",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
                auth=READERS,
                params=[DOCUMENT_ID],
                errors=("404",),
            )
        }
    }
