"""The complaints' paths (komplain): the shopper opens one and replies, the store answers and
confirms the returned goods, the agency decides escalated ones."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    ID,
    PAGE_PARAMS,
    answer,
    body,
    items_of,
    json_content,
    operation,
    path_param,
    query,
    ref,
)
from marketplace.api.openapi.parameters import NUMBER
from marketplace.complaints.models import STATUSES

COMPLAINT_ID = path_param("complaint_id", ID, "the complaint's id")
STATUS = query("status", {"enum": [*STATUSES, "open", ""]}, "one status, or open (every open one)")
ONE = {"200": answer("The complaint.", ref("Complaint"))}


def complaint_paths() -> dict:
    return {**_shopper(), **_shopper_steps(), **_seller(), **_agency()}


def _shopper() -> dict:
    return {
        "/orders/{number}/complaints": {
            "post": operation(
                "openComplaint",
                "Open a complaint about chosen lines of a shipped or completed order",
                "orders",
                {"201": answer("The complaint.", ref("Complaint"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                request={
                    "required": True,
                    "content": {
                        **json_content(ref("ComplaintInput")),
                        "multipart/form-data": {"schema": ref("ComplaintInput")},
                    },
                },
                errors=("404", "409", "429"),
                description="409: not shipped or completed, not paid yet (cash on delivery: before the shopper "
                "confirmed it), past COMPLAINT_DAYS after delivery or completion-due, or one already open.",
            ),
            "get": operation(
                "listOrderComplaints",
                "The order's complaints with their timelines, newest first",
                "orders",
                {"200": answer("Complaints.", items_of(ref("Complaint")))},
                auth="the shopper who placed it",
                params=[NUMBER],
                errors=("404",),
            ),
        }
    }


def _shopper_step(op_id: str, summary: str, request: dict | None) -> dict:
    return {
        "post": operation(
            op_id,
            summary,
            "orders",
            ONE,
            auth="the shopper who opened it",
            params=[NUMBER, COMPLAINT_ID],
            request=request,
            errors=("404", "409"),
        )
    }


def _shopper_steps() -> dict:
    base = "/orders/{number}/complaints/{complaint_id}"
    return {
        f"{base}/accept": _shopper_step(
            "acceptComplaintOffer", "Accept the store's partial refund (refunded, or the goods go back first)", None
        ),
        f"{base}/escalate": _shopper_step(
            "escalateComplaint",
            "Refuse the store's partial offer: the agency decides",
            body(ref("ComplaintNoteInput"), required=False),
        ),
        f"{base}/return": _shopper_step(
            "returnComplaintGoods", "The goods were sent back: courier and tracking number", body(ref("ReturnInput"))
        ),
    }


def _seller() -> dict:
    return {
        "/seller/complaints": {
            "get": operation(
                "listSellerComplaints",
                "Complaints about the orders of the caller's stores, open ones first by deadline",
                "seller",
                {"200": answer("A page of complaints.", items_of(ref("Complaint"), paged=True))},
                auth="store members",
                params=[STATUS, *PAGE_PARAMS],
            )
        },
        "/seller/complaints/{complaint_id}/response": {
            "post": operation(
                "answerComplaint",
                "Answer a complaint within COMPLAINT_RESPONSE_DAYS: full refund, partial refund, or disagree",
                "seller",
                ONE,
                auth="members of the order's store",
                params=[COMPLAINT_ID],
                request=body(ref("ComplaintResponseInput")),
                errors=("404", "409"),
            )
        },
        "/seller/complaints/{complaint_id}/return-received": {
            "post": operation(
                "confirmComplaintReturn",
                "The returned goods arrived: the refund is made",
                "seller",
                ONE,
                auth="members of the order's store",
                params=[COMPLAINT_ID],
                errors=("404", "409"),
            )
        },
    }


def _agency() -> dict:
    return {
        "/agency/complaints": {
            "get": operation(
                "listAgencyComplaints",
                "Complaints for the agency (default: escalated ones)",
                "agency",
                {"200": answer("A page of complaints.", items_of(ref("Complaint"), paged=True))},
                auth="agency",
                params=[STATUS, *PAGE_PARAMS],
            )
        },
        "/agency/complaints/{complaint_id}/decision": {
            "post": operation(
                "decideComplaint",
                "Decide an escalated complaint: refund (an amount, or all claimed) or reject",
                "agency",
                ONE,
                auth="agency officers not of the order's store",
                params=[COMPLAINT_ID],
                request=body(ref("ComplaintDecisionInput")),
                errors=("404", "409"),
            )
        },
    }
