"""`flask demo load` gives every approved demo store a payout account, as its owner would set
it; the agency has verified all but the last two, which wait in its queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo_payouts import WAITING
from marketplace.extensions import db
from marketplace.ledger import payout_accounts
from marketplace.ledger.models import StorePayoutAccount
from marketplace.payments import banks
from marketplace.stores.models import Store
from tests.conftest import DEMO_ON_SQLITE_ONLY, ON_POSTGRES
from tests.integration.test_demo import load_demo

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason=DEMO_ON_SQLITE_ONLY)


def test_every_approved_demo_store_has_a_payout_account_of_its_owner(app, runner):
    assert "payout accounts" in load_demo(runner)

    approved = db.session.scalars(select(Store).where(Store.status == "approved").order_by(Store.id)).all()
    accounts = {a.store_id: a for a in db.session.scalars(select(StorePayoutAccount))}
    assert set(accounts) == {s.id for s in approved}
    for store in approved:
        account = accounts[store.id]
        assert banks.account_problem(account.bank, account.account_number) is None, store.name
        assert account.holder_name == db.session.get(User, store.owner_id).name, store.name
    numbers = [a.account_number for a in accounts.values()]
    assert len(set(numbers)) == len(numbers)
    waiting = payout_accounts.unverified()
    assert len(waiting) == WAITING
    assert sum(a.status == "verified" for a in accounts.values()) == len(approved) - WAITING


def test_loading_again_sets_no_account_again(app, runner):
    load_demo(runner)
    before = {a.store_id: (a.account_number, a.updated_at) for a in db.session.scalars(select(StorePayoutAccount))}
    assert "nothing changed" in load_demo(runner)
    db.session.expire_all()
    after = {a.store_id: (a.account_number, a.updated_at) for a in db.session.scalars(select(StorePayoutAccount))}
    assert after == before
