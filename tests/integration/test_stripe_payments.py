"""Stripe against a local fake Stripe API, with webhooks signed exactly as Stripe signs them."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.ledger.models import LedgerEntry
from marketplace.orders.models import Order
from plugins.stripe_payments.models import StripeCheckout, StripeEvent, StripeRefund
from tests.buying_factories import fill_cart, gen_listing, gen_shopper, stock_of
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.fakes.stripe_server import event, sign
from tests.payments_support import (
    SECRET_KEY,
    checkout_via_api,
    complete,
    orders_of,
    payment,
)

# fixtures, taken by the tests below as parameters of the same name
from tests.payments_support import fake_stripe as fake_stripe
from tests.payments_support import stripe_app as stripe_app


@pytest.fixture
def api(stripe_app):
    return ApiClient(stripe_app.test_client())


@pytest.fixture
def people(stripe_app):
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    return {
        "shopper": gen_shopper("siti@test.id"),
        "seller": seller,
        "store": gen_store(owner=seller, name="Batik Darto"),
        "admin": gen_user(role="admin", name="Admin"),
    }


@pytest.fixture
def token(api, people):
    return api.token("siti@test.id")


def _buy(api, token, people, *lines):
    lines = lines or ((gen_listing(price=25000, stock=5, store=people["store"]), 2),)
    fill_cart(people["shopper"], *lines)
    response = checkout_via_api(api, token)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _session(fake, payment_id):
    row = db.session.scalar(select(StripeCheckout).where(StripeCheckout.payment_id == payment_id))
    return fake.sessions[row.session_id]


def _post(client, body: bytes, header: str | None):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    return client.post("/webhooks/stripe", data=body, headers=headers)


def _send(client, fake, evt, **kw):
    body, header = fake.signed(evt, **kw)
    return _post(client, body, header)


def _events() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(StripeEvent))


# --- offering and starting --------------------------------------------------------------------


def test_stripe_is_offered_only_when_both_keys_are_set(make_app, fake_stripe):
    for config, offered in (
        ({}, False),
        ({"STRIPE_SECRET_KEY": SECRET_KEY}, False),
        ({"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": "whsec_x"}, True),
    ):
        app = make_app(plugins="stripe_payments", **config)
        ids = [m["id"] for m in app.test_client().get("/api/v1/payment-methods").get_json()["items"]]
        assert ("stripe" in ids) is offered, config


def test_checkout_creates_an_idr_session_in_hundredths_with_an_idempotency_key(api, token, people, fake_stripe):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    kopi = gen_listing(price=40000, stock=5, name="Kopi Tegal")  # another store: two orders, one session
    answer = _buy(api, token, people, (tea, 2), (kopi, 1))
    pay = answer["payment"]
    assert pay["method"] == "stripe" and pay["amount"] == 90000
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    form = call.form
    assert call.authorization == f"Bearer {SECRET_KEY}"
    assert call.idempotency_key.startswith(f"apik-checkout-{pay['id']}-")
    assert form["mode"] == "payment" and form["client_reference_id"] == str(pay["id"])
    assert form["metadata[payment_id]"] == str(pay["id"])
    amounts = sorted(int(form[f"line_items[{i}][price_data][unit_amount]"]) for i in range(2))
    assert amounts == [4000000, 5000000]  # Rp 40.000 and Rp 50.000, in hundredths
    assert {form[f"line_items[{i}][price_data][currency]"] for i in range(2)} == {"idr"}
    row = payment(pay["id"])
    assert int(form["expires_at"]) == int(row.expires_at.timestamp())  # the reservation window
    session = _session(fake_stripe, pay["id"])
    assert session["amount_total"] == 9000000
    assert pay["redirect_url"] == session["url"] and row.provider_reference == session["id"]
    assert [o["status"] for o in answer["orders"]] == ["pending_payment", "pending_payment"]


def test_stripe_failing_at_checkout_is_a_clear_503_and_nothing_is_written(api, token, people, fake_stripe):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    fill_cart(people["shopper"], (tea, 2))
    fake_stripe.fail(500, times=5)
    response = checkout_via_api(api, token)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "stripe_unavailable"
    assert "Stripe" in response.get_json()["error"]["message"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert stock_of(tea.id) == 5
    assert api.get("/cart", token=token).get_json()["count"] == 2  # the cart is kept


def test_a_declined_style_error_is_also_a_message_not_a_500(api, token, people, fake_stripe):
    fill_cart(people["shopper"], (gen_listing(store=people["store"]), 1))
    fake_stripe.fail(402, code="card_declined")
    assert checkout_via_api(api, token).status_code == 503


# --- the paid webhook ----------------------------------------------------------------------------


def test_completed_webhook_pays_the_orders_once_even_when_replayed(api, token, people, fake_stripe):
    pay = _buy(api, token, people)["payment"]
    evt = event("checkout.session.completed", fake_stripe.pay(_session(fake_stripe, pay["id"])["id"]))
    first = _send(api.client, fake_stripe, evt)
    assert first.status_code == 200 and first.get_json() == {"result": "paid"}
    assert [o.status for o in orders_of(pay["id"])] == ["paid"]
    assert payment(pay["id"]).captured_amount == 50000
    again = _send(api.client, fake_stripe, evt)  # the same event, delivered again
    assert again.status_code == 200 and again.get_json() == {"result": "duplicate"}
    other = _send(api.client, fake_stripe, event("checkout.session.completed", evt["data"]["object"]))
    assert other.get_json() == {"result": "paid"}  # a new event id for the same payment: idempotent too
    assert payment(pay["id"]).captured_amount == 50000 and payment(pay["id"]).status == "paid"
    assert _events() == 2


@pytest.mark.parametrize("case", ["tampered", "wrong_secret", "stale", "no_header", "garbage_header"])
def test_badly_signed_webhooks_are_400_and_change_nothing(api, token, people, fake_stripe, case):
    pay = _buy(api, token, people)["payment"]
    evt = event("checkout.session.completed", fake_stripe.pay(_session(fake_stripe, pay["id"])["id"]))
    body, header = fake_stripe.signed(evt)
    if case == "tampered":
        body = body.replace(b'"amount_total": 5000000', b'"amount_total": 100')
        assert b'"amount_total": 100' in body
    elif case == "wrong_secret":
        body, header = fake_stripe.signed(evt, secret="whsec_attacker")
    elif case == "stale":
        body, header = fake_stripe.signed(evt, timestamp=int(time.time()) - 301)
    elif case == "no_header":
        header = None
    else:
        header = "t=abc,v1=zzz"
    response = _post(api.client, body, header)
    assert response.status_code == 400
    assert [o.status for o in orders_of(pay["id"])] == ["pending_payment"]
    assert payment(pay["id"]).captured_amount == 0 and _events() == 0


def test_malformed_json_even_when_signed_is_400(api, fake_stripe, people):
    body = b'{"id": "evt_1", "type": "checkout.session.completed", "data": '
    assert _post(api.client, body, sign(body, fake_stripe.webhook_secret)).status_code == 400
    assert _events() == 0


def test_unknown_payment_is_400_and_not_stored(api, token, people, fake_stripe):
    _buy(api, token, people)
    ghost = {
        "id": "cs_test_ghost",
        "object": "checkout.session",
        "payment_status": "paid",
        "amount_total": 5000000,
        "currency": "idr",
        "client_reference_id": "999",
        "metadata": {"payment_id": "999"},
    }
    assert _send(api.client, fake_stripe, event("checkout.session.completed", ghost)).status_code == 400
    assert _events() == 0


def test_a_session_claiming_another_payment_is_refused(api, token, people, fake_stripe):
    first = _buy(api, token, people)["payment"]
    obj = fake_stripe.pay(_session(fake_stripe, first["id"])["id"])
    obj["client_reference_id"] = obj["metadata"]["payment_id"] = str(first["id"] + 1)
    assert _send(api.client, fake_stripe, event("checkout.session.completed", obj)).status_code == 400
    assert payment(first["id"]).status == "pending"


@pytest.mark.parametrize("change", [{"amount_total": 4999900}, {"amount_total": 5000050}, {"currency": "usd"}])
def test_mismatched_amount_or_currency_changes_nothing_and_alerts(api, token, people, fake_stripe, change, caplog):
    import logging

    logging.getLogger("plugins.stripe_payments").disabled = False
    pay = _buy(api, token, people)["payment"]
    obj = fake_stripe.pay(_session(fake_stripe, pay["id"])["id"], **change)
    with caplog.at_level(logging.ERROR, logger="plugins.stripe_payments"):
        response = _send(api.client, fake_stripe, event("checkout.session.completed", obj))
    assert response.status_code == 200 and response.get_json() == {"result": "mismatch"}
    assert [o.status for o in orders_of(pay["id"])] == ["pending_payment"]
    assert payment(pay["id"]).captured_amount == 0
    assert any("ALERT" in r.getMessage() for r in caplog.records)


def test_unpaid_completion_waits_for_async_success(api, token, people, fake_stripe):
    pay = _buy(api, token, people)["payment"]
    obj = dict(_session(fake_stripe, pay["id"]), status="complete", payment_status="unpaid")
    assert _send(api.client, fake_stripe, event("checkout.session.completed", obj)).get_json() == {
        "result": "awaiting_payment"
    }
    assert [o.status for o in orders_of(pay["id"])] == ["pending_payment"]
    paid = fake_stripe.pay(obj["id"])
    assert _send(api.client, fake_stripe, event("checkout.session.async_payment_succeeded", paid)).get_json() == {
        "result": "paid"
    }
    assert [o.status for o in orders_of(pay["id"])] == ["paid"]


def test_events_we_do_not_handle_are_200_and_not_stored(api, fake_stripe, people):
    response = _send(api.client, fake_stripe, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.get_json() == {"result": "ignored"}
    assert _events() == 0


# --- expiry, reordering ---------------------------------------------------------------------------


def test_expired_session_cancels_the_orders_and_gives_stock_back(api, token, people, fake_stripe):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    pay = _buy(api, token, people, (tea, 2))["payment"]
    assert stock_of(tea.id) == 3
    obj = dict(_session(fake_stripe, pay["id"]), status="expired")
    assert _send(api.client, fake_stripe, event("checkout.session.expired", obj)).get_json() == {"result": "expired:1"}
    assert [o.status for o in orders_of(pay["id"])] == ["cancelled"]
    assert stock_of(tea.id) == 5 and payment(pay["id"]).status == "cancelled"


def test_expired_arriving_after_completed_changes_nothing(api, token, people, fake_stripe):
    pay = _buy(api, token, people)["payment"]
    session_id = _session(fake_stripe, pay["id"])["id"]
    completed = event("checkout.session.completed", fake_stripe.pay(session_id))
    expired = event("checkout.session.expired", dict(fake_stripe.sessions[session_id], status="expired"))
    _send(api.client, fake_stripe, completed)
    assert _send(api.client, fake_stripe, expired).get_json() == {"result": "expired:0"}
    assert [o.status for o in orders_of(pay["id"])] == ["paid"]


def test_completed_arriving_after_expired_revives_the_orders_while_stock_is_there(api, token, people, fake_stripe):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    pay = _buy(api, token, people, (tea, 2))["payment"]
    session_id = _session(fake_stripe, pay["id"])["id"]
    _send(api.client, fake_stripe, event("checkout.session.expired", dict(fake_stripe.sessions[session_id])))
    assert stock_of(tea.id) == 5
    late = _send(api.client, fake_stripe, event("checkout.session.completed", fake_stripe.pay(session_id)))
    assert late.get_json() == {"result": "paid"}  # the stock was still there: the order goes on
    [order] = orders_of(pay["id"])
    assert order.status == "paid" and order.paid_at is not None and stock_of(tea.id) == 3
    row = payment(pay["id"])
    assert (row.captured_amount, row.voided_amount, row.refunded_amount, row.status) == (50000, 0, 0, "paid")
    assert not fake_stripe.calls("POST", "/v1/refunds")


def test_completed_arriving_after_expired_and_the_stock_gone_is_refunded(api, token, people, fake_stripe):
    from marketplace.catalog import stock

    tea = gen_listing(price=25000, stock=5, store=people["store"])
    pay = _buy(api, token, people, (tea, 2))["payment"]
    session_id = _session(fake_stripe, pay["id"])["id"]
    _send(api.client, fake_stripe, event("checkout.session.expired", dict(fake_stripe.sessions[session_id])))
    assert stock.reserve(tea.id, 4)  # another buyer took most of it meanwhile
    db.session.commit()
    late = _send(api.client, fake_stripe, event("checkout.session.completed", fake_stripe.pay(session_id)))
    assert late.get_json() == {"result": "refunded:50000"}  # no order to pay: the money goes straight back
    assert [o.status for o in orders_of(pay["id"])] == ["cancelled"] and stock_of(tea.id) == 1
    row = payment(pay["id"])
    assert (row.captured_amount, row.voided_amount, row.refunded_amount, row.status) == (50000, 0, 50000, "refunded")
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    assert call.form["amount"] == "5000000"
    assert call.form["payment_intent"] == fake_stripe.sessions[session_id]["payment_intent"]


def _cancel_unpaid_part(api, token, people, fake_stripe):
    """Two stores' orders on one Stripe session; the tea store's order is cancelled before the shopper pays."""
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    kopi = gen_listing(price=40000, stock=5, name="Kopi Tegal")
    pay_id = _buy(api, token, people, (tea, 2), (kopi, 1))["payment"]["id"]
    tea_order = next(o for o in orders_of(pay_id) if o.store_id == people["store"].id)
    assert api.post(f"/orders/{tea_order.number}/cancel", {"reason": "salah pesan"}, token=token).status_code == 200
    row = payment(pay_id)
    assert (row.amount_due, row.voided_amount) == (40000, 50000)
    assert stock_of(tea.id) == 5 and not fake_stripe.calls("POST", "/v1/refunds")
    return pay_id, tea, kopi


def test_paying_the_whole_session_after_a_part_was_cancelled_refunds_that_part(api, token, people, fake_stripe):
    pay_id, tea, kopi = _cancel_unpaid_part(api, token, people, fake_stripe)
    session_id = _session(fake_stripe, pay_id)["id"]
    evt = event("checkout.session.completed", fake_stripe.pay(session_id))  # Rp 90.000: what Stripe was asked for
    assert _send(api.client, fake_stripe, evt).get_json() == {"result": "paid"}
    assert sorted(o.status for o in orders_of(pay_id)) == ["cancelled", "paid"]
    row = payment(pay_id)
    assert (row.captured_amount, row.voided_amount, row.refunded_amount) == (90000, 0, 50000)
    assert row.status == "partially_refunded" and row.amount_due == 0
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    intent = fake_stripe.sessions[session_id]["payment_intent"]
    assert (call.form["amount"], call.form["payment_intent"]) == ("5000000", intent)
    assert stock_of(tea.id) == 5 and stock_of(kopi.id) == 4
    # the same event again, and Stripe's own report of our refund: nothing more
    assert _send(api.client, fake_stripe, evt).get_json() == {"result": "duplicate"}
    charge = {"id": "ch_9", "object": "charge", "payment_intent": intent, "amount_refunded": 5000000, "currency": "idr"}
    assert _send(api.client, fake_stripe, event("charge.refunded", charge)).get_json() == {"result": "already_recorded"}
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1 and payment(pay_id).refunded_amount == 50000


def test_when_that_refund_fails_the_event_is_refused_and_stripe_retries_it(api, token, people, fake_stripe):
    pay_id, _tea, _kopi = _cancel_unpaid_part(api, token, people, fake_stripe)
    evt = event("checkout.session.completed", fake_stripe.pay(_session(fake_stripe, pay_id)["id"]))
    fake_stripe.fail(500, times=2)  # our call and the stripe client's one retry
    refused = _send(api.client, fake_stripe, evt)
    assert refused.status_code == 503 and _events() == 0  # not stored: the retry is applied
    row = payment(pay_id)
    assert (row.captured_amount, row.refunded_amount, row.status) == (0, 0, "pending")
    assert sorted(o.status for o in orders_of(pay_id)) == ["cancelled", "pending_payment"]
    retried = _send(api.client, fake_stripe, evt)  # Stripe retries the same event later
    assert retried.get_json() == {"result": "paid"}
    assert (payment(pay_id).captured_amount, payment(pay_id).refunded_amount) == (90000, 50000)


def test_paying_only_what_is_still_due_after_a_cancellation_needs_no_refund(api, token, people, fake_stripe):
    pay_id, _tea, _kopi = _cancel_unpaid_part(api, token, people, fake_stripe)
    obj = fake_stripe.pay(_session(fake_stripe, pay_id)["id"], amount_total=4000000)
    assert _send(api.client, fake_stripe, event("checkout.session.completed", obj)).get_json() == {"result": "paid"}
    row = payment(pay_id)
    assert (row.captured_amount, row.voided_amount, row.refunded_amount, row.status) == (40000, 50000, 0, "paid")
    assert not fake_stripe.calls("POST", "/v1/refunds")


def test_any_other_amount_after_a_cancellation_is_still_a_mismatch(api, token, people, fake_stripe):
    pay_id, _tea, _kopi = _cancel_unpaid_part(api, token, people, fake_stripe)
    obj = fake_stripe.pay(_session(fake_stripe, pay_id)["id"], amount_total=6500000)
    assert _send(api.client, fake_stripe, event("checkout.session.completed", obj)).get_json() == {"result": "mismatch"}
    assert payment(pay_id).captured_amount == 0 and not fake_stripe.calls("POST", "/v1/refunds")


def test_our_own_expiry_closes_the_stripe_session(api, token, people, fake_stripe):
    from datetime import timedelta

    import time_machine

    from marketplace.orders import services as orders

    pay = _buy(api, token, people)["payment"]
    session_id = _session(fake_stripe, pay["id"])["id"]
    with time_machine.travel(payment(pay["id"]).expires_at + timedelta(minutes=1)):
        assert orders.expire_due() == 1
        db.session.commit()
    assert fake_stripe.calls("POST", f"/v1/checkout/sessions/{session_id}/expire")
    assert fake_stripe.sessions[session_id]["status"] == "expired"


# --- refunds --------------------------------------------------------------------------------------


def _paid(api, token, people, fake_stripe, *lines):
    answer = _buy(api, token, people, *lines)
    session_id = _session(fake_stripe, answer["payment"]["id"])["id"]
    evt = event("checkout.session.completed", fake_stripe.pay(session_id))
    assert _send(api.client, fake_stripe, evt).get_json() == {"result": "paid"}
    return answer


def test_cancelling_one_store_order_refunds_that_part_through_stripe(api, token, people, fake_stripe):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    kopi = gen_listing(price=40000, stock=5, name="Kopi Tegal")
    answer = _paid(api, token, people, fake_stripe, (tea, 2), (kopi, 1))
    pay_id = answer["payment"]["id"]
    tea_order = next(o for o in orders_of(pay_id) if o.store_id == people["store"].id)
    response = api.post(f"/orders/{tea_order.number}/cancel", {"reason": "salah pesan"}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    intent = _session(fake_stripe, pay_id)["payment_intent"]
    assert call.form["amount"] == "5000000" and call.form["payment_intent"] == intent
    assert call.idempotency_key == f"apik-refund-{pay_id}-0-50000"
    row = payment(pay_id)
    assert (row.captured_amount, row.refunded_amount, row.status) == (90000, 50000, "partially_refunded")
    assert db.session.scalar(select(StripeRefund.amount)) == 50000
    # Stripe then tells us about the refund we made: recognised, not counted twice
    charge = {"id": "ch_1", "object": "charge", "payment_intent": intent, "amount_refunded": 5000000, "currency": "idr"}
    assert _send(api.client, fake_stripe, event("charge.refunded", charge)).get_json() == {"result": "already_recorded"}
    assert payment(pay_id).refunded_amount == 50000


def test_a_stripe_error_on_refund_leaves_the_paid_order_as_it_was(api, token, people, fake_stripe):
    answer = _paid(api, token, people, fake_stripe)
    fake_stripe.fail(500, times=5)
    number = answer["orders"][0]["number"]
    response = api.post(f"/orders/{number}/cancel", {"reason": "batal"}, token=token)
    assert response.status_code == 503 and "Stripe" in response.get_json()["error"]["message"]
    assert [o.status for o in orders_of(answer["payment"]["id"])] == ["paid"]
    assert payment(answer["payment"]["id"]).refunded_amount == 0


def test_a_dashboard_refund_of_a_completed_order_debits_the_ledger_once(api, token, people, fake_stripe):
    answer = _paid(api, token, people, fake_stripe)
    pay_id = answer["payment"]["id"]
    [order] = orders_of(pay_id)
    complete(order, people["seller"], people["shopper"])
    intent = _session(fake_stripe, pay_id)["payment_intent"]
    charge = {"id": "ch_2", "object": "charge", "payment_intent": intent, "amount_refunded": 2000000, "currency": "idr"}
    evt = event("charge.refunded", charge)
    assert _send(api.client, fake_stripe, evt).get_json() == {"result": "reconciled:20000"}
    assert _send(api.client, fake_stripe, evt).get_json() == {"result": "duplicate"}
    again = event("charge.refunded", charge)  # the same state in a new event: nothing new
    assert _send(api.client, fake_stripe, again).get_json() == {"result": "already_recorded"}
    db.session.rollback()
    entries = {e.kind: e.amount for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "refund"))}
    assert entries == {"refund": -20000}
    assert payment(pay_id).refunded_amount == 20000


def test_unknown_payment_intent_on_charge_refunded_is_400(api, fake_stripe, people):
    charge = {
        "id": "ch_x",
        "object": "charge",
        "payment_intent": "pi_nobody",
        "amount_refunded": 100,
        "currency": "idr",
    }
    assert _send(api.client, fake_stripe, event("charge.refunded", charge)).status_code == 400
    assert _events() == 0
