"""Government buying's schemas (marketplace/api/gov.py); statuses, actions and document kinds are
the models' and the state machine's own tuples."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATE,
    ID,
    INTEGER,
    MAX_ID,
    NULLABLE_STRING,
    RUPIAH,
    STRING,
    URL,
    array,
    obj,
    text,
)
from marketplace.gov.machine import ACTIONS
from marketplace.gov.models import DOCUMENT_KINDS, GOV_ORDER_STATUSES

WHEN = {"type": ["string", "null"], "format": "date-time"}
DAY = {"type": ["string", "null"], "format": "date"}
NOTE = {"type": ["string", "null"], "maxLength": 2000}
REASON = {"type": ["string", "null"], "maxLength": 2000, "description": "why, in words"}
LINE_KEY = {"pattern": "^[0-9]{1,10}$", "description": "a line id of this order"}
STATUS = {"enum": list(GOV_ORDER_STATUSES)}
OFFICE_REF = obj({"code": STRING, "name": STRING}, ["code", "name"])
NULLABLE_RUPIAH = {"type": ["integer", "null"], "minimum": 0}


def per_line(minimum: int, description: str) -> dict:
    """``{"<line id>": whole number}``."""
    return {
        "type": ["object", "null"],
        "propertyNames": LINE_KEY,
        "additionalProperties": {"type": "integer", "minimum": minimum, "maximum": MAX_ID},
        "description": description,
    }


def gov_schemas() -> dict:
    return {**_inputs(), **_answers()}


def _inputs() -> dict:
    reason_required = obj({"reason": {**text(2000), "description": "why, in words"}}, ["reason"])
    return {
        "GovPurchaseInput": obj(
            {
                "rup_code": {**text(40), "description": "Kode RUP (SiRUP): digits"},
                "budget_code": {**text(80), "description": "the budget account (kode rekening): digits and dots"},
                "delivery_date": {**DATE, "description": "no sooner than each store's lead time allows"},
                "delivery_place": text(500),
                "note": NOTE,
            },
            ["rup_code", "budget_code", "delivery_date", "delivery_place"],
        ),
        "GovQuoteInput": obj(
            {
                "prices": per_line(1, "new unit prices in whole rupiah, per line id"),
                "lead_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 365},
                "shipping_cost": {**NULLABLE_RUPIAH, "maximum": 10**15, "description": "ongkir, whole rupiah"},
                "note": NOTE,
            },
            description="at least one of prices, lead_days, shipping_cost",
        ),
        "GovReasonInput": obj({"reason": REASON}),
        "GovRequiredReasonInput": reason_required,
        "GovAmendInput": obj(
            {
                "quantities": per_line(1, "new quantities per line id"),
                "delivery_date": DAY,
                "reason": {**text(2000), "description": "why, in words"},
            },
            ["reason"],
            description="quantities and/or delivery_date change; the Surat Pesanan gets an addendum",
        ),
        "GovShipInput": obj(
            {
                "method": {"enum": ["pickup", "local", "courier"], "description": "one the store offers; no COD"},
                "courier": {"type": ["string", "null"], "maxLength": 60, "description": "courier: its code"},
                "tracking_number": {"type": ["string", "null"], "maxLength": 80, "description": "courier: the waybill"},
            },
            ["method"],
        ),
        "GovReceiveInput": obj(
            {
                "received": per_line(0, "quantity counted so far per line id; absent: everything arrived"),
                "note": {**NOTE, "description": "required when something is short"},
            }
        ),
        "GovPaymentInput": obj(
            {
                "paid_on": {**DATE, "description": "not in the future, not before the BAST"},
                "reference": {**text(80), "description": "the SP2D number or another payment reference"},
                "amount": {"type": "integer", "minimum": 0, "maximum": 10**15, "description": "the invoice's total"},
            },
            ["paid_on", "reference", "amount"],
        ),
        "GovEmptyInput": obj({}, description="no fields"),
    }


def _answers() -> dict:
    order_summary = {
        "number": STRING,
        "store": {**NULLABLE_STRING, "description": "the store's slug (null: the store is gone)"},
        "store_name": STRING,
        "status": STATUS,
        "status_label": STRING,
        "subtotal": RUPIAH,
        "shipping_cost": RUPIAH,
        "total": RUPIAH,
    }
    return {
        "GovOffice": obj(
            {
                "code": {**STRING, "description": "kode satker"},
                "name": STRING,
                "npwp": STRING,
                "address": STRING,
                "city": STRING,
                "active": BOOLEAN,
                "officials": {"type": "integer", "minimum": 0, "description": "active officials"},
            },
            ["code", "name", "npwp", "address", "officials"],
        ),
        "GovOrderSummary": obj(
            {
                **order_summary,
                "purchase": STRING,
                "office": OFFICE_REF,
                "delivery_date": DATE,
                "submitted_at": WHEN,
            },
            ["number", "purchase", "office", "status", "total"],
        ),
        "GovPurchase": obj(
            {
                "number": STRING,
                "office": OFFICE_REF,
                "rup_code": STRING,
                "budget_code": STRING,
                "delivery_date": DATE,
                "delivery_place": STRING,
                "note": STRING,
                "created_at": WHEN,
                "total": RUPIAH,
                "orders": array(obj(order_summary, ["number", "status", "total"])),
            },
            ["number", "office", "orders", "total"],
        ),
        "GovOrder": obj(
            {
                **order_summary,
                "delivery_date": {**DATE, "description": "this store's; an addendum may move it from the purchase's"},
                "purchase": obj(
                    {
                        "number": STRING,
                        "rup_code": STRING,
                        "budget_code": STRING,
                        "delivery_date": DATE,
                        "delivery_place": STRING,
                        "note": STRING,
                    },
                    ["number", "rup_code", "budget_code", "delivery_date", "delivery_place"],
                ),
                "office": {"oneOf": [OFFICE_REF, {"type": "null"}]},
                "lead_days": {"type": "integer", "minimum": 0},
                **dict.fromkeys(
                    (
                        "submitted_at",
                        "approved_at",
                        "accepted_at",
                        "shipped_at",
                        "received_at",
                        "invoiced_at",
                        "paid_at",
                        "closed_at",
                    ),
                    WHEN,
                ),
                "close_reason": NULLABLE_STRING,
                "shipping": obj(
                    {
                        "method": {"enum": ["pickup", "local", "courier", None]},
                        "courier": NULLABLE_STRING,
                        "tracking_number": NULLABLE_STRING,
                    }
                ),
                "payment": {
                    "oneOf": [
                        obj({"paid_on": DATE, "reference": NULLABLE_STRING, "amount": {"type": ["integer", "null"]}}),
                        {"type": "null"},
                    ],
                    "description": "the bendahara's record, once paid",
                },
                "lines": array(
                    obj(
                        {
                            "id": ID,
                            "product": STRING,
                            "variant": STRING,
                            "sku": STRING,
                            "unit": STRING,
                            "unit_price": RUPIAH,
                            "quantity": INTEGER,
                            "line_total": RUPIAH,
                            "received_quantity": {"type": ["integer", "null"], "minimum": 0},
                        },
                        ["id", "product", "unit_price", "quantity", "line_total"],
                    )
                ),
                "documents": array(
                    obj(
                        {
                            "id": ID,
                            "kind": {"enum": list(DOCUMENT_KINDS)},
                            "number": STRING,
                            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            "amount": RUPIAH,
                            "created_at": WHEN,
                            "url": {**URL, "description": "GET it with the token: the PDF"},
                        },
                        ["id", "kind", "number", "sha256", "url"],
                    )
                ),
                "events": array(
                    obj(
                        {
                            "action": STRING,
                            "at": WHEN,
                            "actor": {**NULLABLE_STRING, "description": "the name of who did it"},
                            "from_status": {"enum": [*GOV_ORDER_STATUSES, None]},
                            "to_status": STATUS,
                            "note": STRING,
                        },
                        ["action", "at", "actor"],
                    )
                ),
                "allowed_actions": array(
                    {"enum": list(ACTIONS)}, description="the steps the caller may take now (POST .../{action})"
                ),
                "quote": {
                    "oneOf": [
                        obj(
                            {
                                "prices": {
                                    "type": "object",
                                    "propertyNames": LINE_KEY,
                                    "additionalProperties": RUPIAH,
                                },
                                "lead_days": {"type": ["integer", "null"]},
                                "shipping_cost": NULLABLE_RUPIAH,
                                "note": STRING,
                                "created_at": WHEN,
                            }
                        ),
                        {"type": "null"},
                    ],
                    "description": "the seller's open quote (status negotiating)",
                },
            },
            ["number", "purchase", "status", "total", "lines", "documents", "events", "allowed_actions"],
        ),
    }
