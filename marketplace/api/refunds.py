"""API endpoints of refunds owed to a bank account: the shopper's list and account, finance's
list and the record of the transfer (marketplace/payments/bank_refunds.py)."""

from __future__ import annotations

from flask import request

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.inputs import parse_date
from marketplace.orders import services as orders
from marketplace.payments import bank_refunds


def _items(rows, *, full_account: bool) -> dict:
    numbers = orders.numbers_of(row.order_id for row in rows)
    return {
        "items": [
            bank_refunds.as_json(row, full_account=full_account, order_number=numbers.get(row.order_id or 0))
            for row in rows
        ]
    }


def _one(row) -> dict:
    numbers = orders.numbers_of([row.order_id])
    return bank_refunds.as_json(row, full_account=True, order_number=numbers.get(row.order_id or 0))


@bp.get("/me/refunds")
@auth_required()
def my_refunds():
    """The user's refunds owed to their bank account, newest first."""
    return _items(bank_refunds.of_user(current_api_user()), full_account=True)


@bp.put("/me/refunds/<int:refund_id>/account")
@auth_required()
def my_refund_account(refund_id: int):
    """Where the refund goes: ``{bank, account_number, holder_name}``; 422 naming a bad field,
    404 for another's refund, 409 once it was sent."""
    data = json_body()
    with committing():
        row = bank_refunds.enter_account(
            current_api_user(),
            refund_id,
            data.text("bank", ""),
            data.text("account_number", ""),
            data.text("holder_name", ""),
        )
    return _one(row)


@bp.get("/finance/refunds")
@auth_required("agency")
def finance_refunds():
    """Every refund owed to a bank account (``?status=`` to narrow), with the whole account."""
    status = request.args.get("status") or None
    return _items(bank_refunds.queue(current_api_user(), status), full_account=True)


@bp.post("/finance/refunds/<int:refund_id>/sent")
@auth_required("agency")
def finance_refund_sent(refund_id: int):
    """Finance transferred it: ``{bank_reference, paid_on?}``; 409 when already marked or the
    account is not entered yet."""
    data = json_body()
    raw_day = data.text("paid_on")
    paid_on = parse_date(raw_day, "paid_on") if raw_day else None
    with committing():
        row = bank_refunds.mark_sent(current_api_user(), refund_id, data.text("bank_reference", ""), paid_on)
    return _one(row)
