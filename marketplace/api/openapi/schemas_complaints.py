"""The complaints' schemas (komplain); enums are the models' own."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATETIME,
    ID,
    INTEGER,
    MAX_ID,
    NULLABLE_STRING,
    QUANTITY,
    RUPIAH,
    STRING,
    URL,
    array,
    obj,
    text,
)
from marketplace.complaints.models import ACTIONS, REASONS, STATUSES

NOTE = {"type": ["string", "null"], "maxLength": 2000}
AMOUNT = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID, "description": "whole rupiah"}
WHEN = {"type": ["string", "null"], "format": "date-time"}
LINE = obj({"line_id": INTEGER, "product": STRING, "quantity": INTEGER, "amount": RUPIAH, "refund_amount": RUPIAH})
EVENT = obj(
    {
        "at": DATETIME,
        "role": {"enum": ["shopper", "seller", "agency", "system"]},
        "action": {"enum": list(ACTIONS)},
        "amount": {"type": ["integer", "null"]},
        "note": STRING,
    }
)


def complaint_schemas() -> dict:
    return {**_inputs(), **_answers()}


def _inputs() -> dict:
    return {
        "ComplaintInput": obj(
            {
                "reason": {"enum": list(REASONS)},
                "description": text(2000, minLength=10),
                "lines": array(
                    obj({"line_id": ID, "quantity": QUANTITY}, ["line_id", "quantity"]),
                    minItems=1,
                    description="lines of the order and how many units (at most as bought); multipart: as JSON text",
                ),
                "photos": array(
                    {"type": "string", "contentMediaType": "image/*"},
                    description="multipart only: JPEG, PNG or WebP, up to 5",
                ),
            },
            ["reason", "description", "lines"],
        ),
        "ComplaintResponseInput": obj(
            {
                "decision": {"enum": ["full", "partial", "disagree"]},
                "amount": {**AMOUNT, "description": "partial: whole rupiah, at most the goods complained about"},
                "return_needed": {"type": ["boolean", "null"], "description": "the goods come back before the refund"},
                "note": {**NOTE, "description": "required (10 characters or more) to disagree"},
            },
            ["decision"],
        ),
        "ComplaintDecisionInput": obj(
            {
                "decision": {"enum": ["refund", "reject"]},
                "amount": {**AMOUNT, "description": "refund: whole rupiah; empty: all that was complained about"},
                "return_needed": {"type": ["boolean", "null"]},
                "note": {**NOTE, "description": "required (10 characters or more) to reject"},
            },
            ["decision"],
        ),
        "ComplaintNoteInput": obj({"note": NOTE}),
        "ReturnInput": obj({"courier": text(60), "tracking_number": text(80)}, ["courier", "tracking_number"]),
    }


def _answers() -> dict:
    return {
        "Complaint": obj(
            {
                "id": INTEGER,
                "order": STRING,
                "status": {"enum": list(STATUSES)},
                "reason": {"enum": list(REASONS)},
                "description": STRING,
                "lines": array(LINE),
                "photos": array(URL),
                "offer": {"enum": ["full", "partial", None]},
                "offer_amount": {"type": ["integer", "null"]},
                "return_needed": BOOLEAN,
                "seller_note": NULLABLE_STRING,
                "agency_note": NULLABLE_STRING,
                "return_courier": NULLABLE_STRING,
                "return_tracking": NULLABLE_STRING,
                "refunded_amount": RUPIAH,
                "due_at": {**WHEN, "description": "the current step's deadline (the order clock acts after it)"},
                "created_at": DATETIME,
                "closed_at": WHEN,
                "events": array(EVENT),
            }
        ),
    }
