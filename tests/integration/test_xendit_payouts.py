"""Store payouts through the Xendit payout rail, against the fake Xendit API."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.ledger import payout_runs
from marketplace.ledger import services as ledger
from marketplace.ledger.models import Payout, StorePayoutAccount
from marketplace.ledger.rails import PayoutAccount, PayoutFailed
from plugins.xendit.rail import XenditRail
from tests.buying_factories import SHIPPING, fill_cart, gen_listing, gen_shopper
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.payments_support import complete, orders_of
from tests.xendit_support import events, post_notification, request_of

# fixtures, taken by the tests below as parameters of the same name
from tests.xendit_support import fake_xendit as fake_xendit
from tests.xendit_support import xendit_app as xendit_app

ACCOUNTS = (("BCA", "1234567890", "Darto"), ("BNI", "0987654321", "Sri"), ("MANDIRI", "1231231231231", "Wati"))


@pytest.fixture
def api(xendit_app):
    return ApiClient(xendit_app.test_client())


@pytest.fixture
def three_stores(api, fake_xendit):
    """Three stores with verified payout accounts and a balance, paid by QRIS and completed."""
    shopper = gen_shopper("siti@test.id")
    stores, lines = [], []
    for index, (bank, number, holder) in enumerate(ACCOUNTS):
        seller = gen_user(f"seller{index}@test.id", role="seller", name=holder)
        store = gen_store(owner=seller, name=f"Toko {holder}")
        db.session.add(
            StorePayoutAccount(
                store_id=store.id, bank=bank, account_number=number, holder_name=holder, status="verified"
            )
        )
        stores.append((store, seller))
        lines.append((gen_listing(price=100000 * (index + 1), stock=5, store=store), 1))
    db.session.commit()
    fill_cart(shopper, *lines)
    token = api.token("siti@test.id")
    answer = api.post("/checkout", {"payment_method": "qris", "shipping": SHIPPING}, token=token).get_json()
    pay_id = answer["payment"]["id"]
    note = fake_xendit.pay(request_of(fake_xendit, pay_id)["id"])
    assert post_notification(api.client, note).get_json() == {"result": "paid"}
    sellers = {store.id: seller for store, seller in stores}
    for order in orders_of(pay_id):
        complete(order, sellers[order.store_id], shopper)
    return [store for store, _ in stores]


def _balances(stores) -> list[int]:
    db.session.rollback()
    return [ledger.balance(store.id) for store in stores]


def test_a_payout_run_pays_three_stores_once_even_when_run_twice_at_the_same_time(
    xendit_app, three_stores, fake_xendit
):
    before = _balances(three_stores)
    assert all(amount > 0 for amount in before)
    db.session.remove()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with xendit_app.app_context():
                barrier.wait(timeout=10)
                results.append(payout_runs.run())
                db.session.remove()
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    payouts = db.session.scalars(select(Payout).order_by(Payout.store_id)).all()
    assert len(payouts) == 3 and len(fake_xendit.payouts) == 3  # one transfer per store at Xendit
    assert sorted(p.amount for p in payouts) == sorted(before) and _balances(three_stores) == [0, 0, 0]
    sent = {p["reference_id"]: p for p in fake_xendit.payouts.values()}
    for payout in payouts:
        at_xendit = sent[payout.idempotency_key]
        assert at_xendit["amount"] == payout.amount and at_xendit["channel_code"] == f"ID_{payout.account_bank}"
        assert at_xendit["channel_properties"]["account_number"] == payout.account_number
        assert payout.status == "pending" and payout.bank_reference == at_xendit["id"]
    keys = {c.idempotency_key for c in fake_xendit.calls("POST", "/v2/payouts")}
    assert keys == set(sent)


def test_payout_notifications_write_the_outcome_once_and_a_failure_gives_the_money_back(api, three_stores, fake_xendit):
    payout_runs.run()
    db.session.commit()
    payouts = {p.idempotency_key: p for p in db.session.scalars(select(Payout))}
    by_key = {p["reference_id"]: p["id"] for p in fake_xendit.payouts.values()}
    keys = sorted(payouts)
    ok = fake_xendit.payout_outcome(by_key[keys[0]], "SUCCEEDED")
    assert post_notification(api.client, ok).get_json() == {"result": "payout:succeeded"}
    assert post_notification(api.client, ok).get_json() == {"result": "duplicate"}
    failed = fake_xendit.payout_outcome(by_key[keys[1]], "FAILED", "INVALID_DESTINATION")
    assert post_notification(api.client, failed).get_json() == {"result": "payout:failed"}
    db.session.rollback()
    rows = {p.idempotency_key: p for p in db.session.scalars(select(Payout).execution_options(populate_existing=True))}
    assert rows[keys[0]].status == "succeeded" and rows[keys[1]].status == "failed"
    assert rows[keys[1]].reason == "INVALID_DESTINATION"
    assert ledger.balance(rows[keys[1]].store_id) == rows[keys[1]].amount  # back in the balance
    assert ledger.balance(rows[keys[0]].store_id) == 0


def test_a_payout_notification_the_api_does_not_confirm_changes_nothing(api, three_stores, fake_xendit):
    payout_runs.run()
    db.session.commit()
    payout = next(iter(fake_xendit.payouts.values()))
    forged = fake_xendit.notification("payout.succeeded", dict(payout, status="SUCCEEDED"))
    assert post_notification(api.client, forged).get_json() == {"result": "pending"}  # Xendit still says ACCEPTED
    db.session.rollback()
    assert db.session.scalar(select(Payout.status).where(Payout.idempotency_key == payout["reference_id"])) == "pending"
    unknown = fake_xendit.notification("payout.succeeded", {"id": "disb-nobody"})
    assert post_notification(api.client, unknown).status_code == 400  # Xendit has no such payout
    assert events() == 2  # the payment of the fixture and the payout notification, nothing for the unknown one


def test_the_rail_sends_once_per_key_and_maps_refusals(xendit_app, fake_xendit):
    rail = XenditRail()

    class Paying:
        id, amount, bank_reference = 7, 150000, None

    account = PayoutAccount("BCA", "1234567890", "Darto")
    first = rail.send(Paying(), account, "store:1:upto:9")
    again = rail.send(Paying(), account, "store:1:upto:9")
    assert first == again and first.state == "pending" and len(fake_xendit.payouts) == 1
    Paying.bank_reference = first.reference
    fake_xendit.payouts[first.reference]["status"] = "SUCCEEDED"
    assert rail.status(Paying()).state == "succeeded"
    with pytest.raises(PayoutFailed):
        rail.send(Paying(), PayoutAccount("BCA", "", "Darto"), "store:1:upto:10")  # Xendit: 400
    assert rail.check_account(account) is None  # not offered by the client: the agency checks by hand
