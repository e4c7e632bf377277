"""API endpoint: the seller ledger of a store (earnings, commission, refunds, payouts, balance)."""

from __future__ import annotations

from flask import request

from marketplace.api.base import auth_required, bp, current_api_user
from marketplace.ledger import services as ledger


@bp.get("/seller/ledger")
@auth_required()
def seller_ledger():
    """The ledger of the user's store (``?store=SLUG`` when they have several); 404 when they have none."""
    store = ledger.store_for(current_api_user(), request.args.get("store"))
    return ledger.summary_json(store, ledger.summary(store.id))
