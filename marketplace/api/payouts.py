"""API endpoints: a store's payout account (the owner sets it, the agency verifies it) and
payout runs (finance). HTTP only: marketplace.ledger.payout_accounts and payout_runs decide."""

from __future__ import annotations

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.extensions import db
from marketplace.ledger import payout_accounts, payout_overview, payout_runs
from marketplace.stores import services as stores


@bp.get("/stores/<slug>/payout-account")
@auth_required()
def payout_account(slug: str):
    """The store's payout account, the number masked but for the owner and finance.
    :raise 404: not a member of the store (nor finance)."""
    user = current_api_user()
    store = stores.get_store(slug)
    payout_accounts.readable(store, user)
    full = payout_accounts.sees_full_number(store, user)
    return payout_accounts.as_json(payout_accounts.get(store.id), full)


@bp.put("/stores/<slug>/payout-account")
@auth_required()
def set_payout_account(slug: str):
    """Set the payout account ``{"bank","account_number","holder_name"}``: unverified again when
    it changed. :raise 403: a member but not the owner. :raise 404: not a member. :raise 422: bad field."""
    body = json_body()
    store = stores.get_store(slug)
    with committing():
        account, changed = payout_accounts.set_account(
            store,
            current_api_user(),
            body.text("bank"),
            body.text("account_number"),
            body.text("holder_name"),
        )
    return {**payout_accounts.as_json(account, full=True), "changed": changed}


@bp.post("/agency/stores/<slug>/payout-account/verify")
@auth_required("agency")
def verify_payout_account(slug: str):
    """Verify the store's payout account (the bank asked where the rail can).
    :raise 409: no account, another holder name at the bank, or the officer's own store.
    :raise 422: the bank has no such account. The bank's answer is kept either way."""
    store = stores.get_store(slug)
    with committing():
        result = payout_accounts.verify(store, current_api_user())
    if result.problem is not None:
        raise result.problem
    return payout_accounts.as_json(result.account, full=True)


@bp.get("/agency/payout-accounts")
@auth_required("agency")
def unverified_payout_accounts():
    """Payout accounts waiting for verification (finance: full numbers)."""
    items = [
        {"store": store.slug, "store_name": store.name, **payout_accounts.as_json(account, full=True)}
        for store, account in payout_accounts.unverified()
    ]
    return {"items": items}


@bp.post("/finance/payout-runs")
@auth_required("agency")
def payout_run():
    """A payout run (``{"dry_run": true}``: the plan only): the stores paid, the amounts and states."""
    body = json_body(optional=True)
    dry_run = bool(body.boolean("dry_run", False))
    result = payout_runs.run(dry_run=dry_run, actor=current_api_user())
    db.session.commit()
    return payout_overview.result_json(result, dry_run), 200 if dry_run else 201
