"""Xendit pay-in against a local fake Xendit API, through the official xendit-python client."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.ledger.models import LedgerEntry
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from plugins.xendit.models import XenditPayment, XenditRefund
from tests.buying_factories import SHIPPING, fill_cart, gen_listing, gen_shopper, stock_of
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.fakes.xendit_server import CALLBACK_TOKEN, SECRET_KEY
from tests.payments_support import checkout_via_api, orders_of, payment

# fixtures, taken by the tests below as parameters of the same name
from tests.xendit_support import events, post_notification, request_of, xendit_config
from tests.xendit_support import fake_xendit as fake_xendit
from tests.xendit_support import xendit_app as xendit_app


@pytest.fixture
def api(xendit_app):
    return ApiClient(xendit_app.test_client())


@pytest.fixture
def people(xendit_app):
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    return {
        "shopper": gen_shopper("siti@test.id"),
        "seller": seller,
        "store": gen_store(owner=seller, name="Batik Darto"),
    }


@pytest.fixture
def token(api, people):
    return api.token("siti@test.id")


CHANNELS = {"virtual_account": "BCA", "ewallet": "DANA"}


def _buy(api, token, people, method="qris", *lines, channel=None):
    lines = lines or ((gen_listing(price=25000, stock=5, store=people["store"]), 2),)
    fill_cart(people["shopper"], *lines)
    body = {"payment_method": method, "shipping": SHIPPING}
    if method in CHANNELS:
        body["payment_channel"] = channel or CHANNELS[method]
    response = api.post("/checkout", body, token=token)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _two_stores(api, token, people, method="qris"):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    kopi = gen_listing(price=40000, stock=5, name="Kopi Tegal")
    return _buy(api, token, people, method, (tea, 2), (kopi, 1)), tea, kopi


def _paid(api, token, people, fake, method="qris"):
    answer, tea, kopi = _two_stores(api, token, people, method)
    pr = request_of(fake, answer["payment"]["id"])
    assert post_notification(api.client, fake.pay(pr["id"])).get_json() == {"result": "paid"}
    return answer


def _ledger_rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


# --- offering and starting --------------------------------------------------------------------


def test_the_methods_are_offered_only_with_both_key_and_token(make_app, fake_xendit):
    both = xendit_config(fake_xendit)
    for config, offered in (({}, False), ({"XENDIT_SECRET_KEY": SECRET_KEY}, False), (both, True)):
        app = make_app(plugins="xendit", **config)
        items = app.test_client().get("/api/v1/payment-methods").get_json()["items"]
        assert bool({"qris", "virtual_account", "ewallet"} & {m["id"] for m in items}) is offered, config
    items = {
        m["id"]: m
        for m in make_app(plugins="xendit", **both).test_client().get("/api/v1/payment-methods").json["items"]
    }
    assert {"BCA", "BNI", "BRI", "MANDIRI", "PERMATA"} <= {c["id"] for c in items["virtual_account"]["channels"]}
    assert [c["id"] for c in items["ewallet"]["channels"]] == ["OVO", "DANA", "SHOPEEPAY", "LINKAJA"]
    assert "GoPay" in items["ewallet"]["description"] and items["qris"]["reservation_minutes"] == 30
    assert items["virtual_account"]["reservation_minutes"] == 24 * 60
    assert [items[m]["group"] for m in ("qris", "virtual_account", "ewallet")] == ["qris", "virtual_account", "ewallet"]


def test_qris_checkout_asks_one_idr_payment_request_expiring_with_the_reservation(api, token, people, fake_xendit):
    answer, _tea, _kopi = _two_stores(api, token, people)
    pay = answer["payment"]
    assert pay["method"] == "qris" and pay["amount"] == 90000
    [call] = fake_xendit.calls("POST", "/payment_requests")
    assert call.idempotency_key.startswith(f"apik-checkout-{pay['id']}-")
    body = call.body
    assert (body["amount"], body["currency"], body["reference_id"]) == (90000, "IDR", f"apik-payment-{pay['id']}")
    assert body["metadata"] == {"payment_id": str(pay["id"])}
    assert body["payment_method"]["type"] == "QR_CODE"
    qr = body["payment_method"]["qr_code"]
    assert qr["channel_code"] == "QRIS"
    row = payment(pay["id"])
    assert qr["channel_properties"]["expires_at"].startswith(row.expires_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert abs(row.expires_at - row.created_at - timedelta(minutes=30)) < timedelta(seconds=5)
    assert pay["redirect_url"].endswith(f"/payments/xendit/{pay['id']}")
    xrow = db.session.scalar(select(XenditPayment).where(XenditPayment.payment_id == pay["id"]))
    assert xrow.qr_string.startswith("000201") and row.provider_reference == xrow.request_id


def test_the_qris_page_draws_the_qr_for_its_owner_only(api, token, people, fake_xendit):
    pay = _buy(api, token, people)["payment"]
    client = api.client
    assert client.get(f"/payments/xendit/{pay['id']}").status_code == 302  # signed out: to the login
    client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    page = client.get(f"/payments/xendit/{pay['id']}").get_data(as_text=True)
    assert "<svg" in page and "Rp 50.000" in page and "data-deadline" in page and "WIB" in page
    assert client.get(f"/payments/xendit/{pay['id']}/qris.svg").mimetype == "image/svg+xml"
    assert client.get(f"/payments/xendit/{pay['id']}/status").get_json()["status"] == "pending"
    other = api.client.application.test_client()
    gen_shopper("budi@test.id", name="Budi")
    other.post("/login", data={"email": "budi@test.id", "password": "rahasia123"})
    assert other.get(f"/payments/xendit/{pay['id']}").status_code == 404
    assert other.get(f"/payments/xendit/{pay['id']}/status").status_code == 404
    assert SECRET_KEY not in page and CALLBACK_TOKEN not in page


def test_virtual_account_page_shows_the_number_and_how_to_pay(api, token, people, fake_xendit):
    pay = _buy(api, token, people, "virtual_account")["payment"]
    pr = request_of(fake_xendit, pay["id"])
    va = pr["payment_method"]["virtual_account"]
    assert va["channel_code"] == "BCA" and va["channel_properties"]["customer_name"] == "Siti Aminah"
    number = va["channel_properties"]["virtual_account_number"]
    api.client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    page = api.client.get(f"/payments/xendit/{pay['id']}").get_data(as_text=True)
    assert number in page and f'data-copy="{number}"' in page and "<details" in page and "m-Transfer" in page
    row = payment(pay["id"])
    assert abs(row.expires_at - row.created_at - timedelta(hours=24)) < timedelta(seconds=5)


@pytest.mark.parametrize("wallet", ["DANA", "SHOPEEPAY", "OVO"])
def test_ewallet_page_links_to_the_wallet_the_shopper_chose(api, token, people, fake_xendit, wallet):
    pay = _buy(api, token, people, "ewallet", channel=wallet)["payment"]
    pr = request_of(fake_xendit, pay["id"])
    asked = pr["payment_method"]["ewallet"]
    assert asked["channel_code"] == wallet and asked["channel_properties"]["success_return_url"].endswith(
        f"/payments/xendit/{pay['id']}"
    )
    api.client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    page = api.client.get(f"/payments/xendit/{pay['id']}").get_data(as_text=True)
    if wallet == "OVO":  # OVO asks in its app, found by the phone number
        assert asked["channel_properties"]["mobile_number"] == "+6281234567890" and "OVO" in page
    else:
        assert f"{fake_xendit.url}/ewallet/{pr['id']}" in page and 'id="xendit-open-app"' in page


def test_virtual_account_of_the_bank_the_shopper_chose(api, token, people, fake_xendit):
    pay = _buy(api, token, people, "virtual_account", channel="BRI")["payment"]
    assert request_of(fake_xendit, pay["id"])["payment_method"]["virtual_account"]["channel_code"] == "BRI"
    api.client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    assert "BRImo" in api.client.get(f"/payments/xendit/{pay['id']}").get_data(as_text=True)


@pytest.mark.parametrize("mode", ["5xx", "down", "bad_key"])
def test_xendit_failing_at_checkout_is_a_clear_503_and_nothing_is_written(make_app, fake_xendit, mode, caplog):
    config = xendit_config(fake_xendit)
    if mode == "bad_key":
        config["XENDIT_SECRET_KEY"] = "xnd_development_wrong_key_000"
    app = make_app(plugins="xendit", XENDIT_TIMEOUT=2, **config)
    with app.app_context():
        api = ApiClient(app.test_client())
        shopper = gen_shopper("siti@test.id")
        tea = gen_listing(price=25000, stock=5)
        fill_cart(shopper, (tea, 2))
        if mode == "5xx":
            fake_xendit.fail(500, times=5)
        elif mode == "down":
            fake_xendit.down()
        response = checkout_via_api(api, api.token("siti@test.id"), "qris")
        assert response.status_code == 503, response.get_data(as_text=True)
        assert "Xendit" in response.get_json()["error"]["message"]
        db.session.rollback()
        assert stock_of(tea.id) == 5 and db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert config["XENDIT_SECRET_KEY"] not in caplog.text


# --- notifications ----------------------------------------------------------------------------


def test_a_payment_notification_pays_both_stores_orders_once_even_when_replayed(api, token, people, fake_xendit):
    answer, _tea, _kopi = _two_stores(api, token, people)
    pay_id = answer["payment"]["id"]
    note = fake_xendit.pay(request_of(fake_xendit, pay_id)["id"])
    assert post_notification(api.client, note).get_json() == {"result": "paid"}
    assert [o.status for o in orders_of(pay_id)] == ["paid", "paid"]
    ledger = _ledger_rows()
    assert post_notification(api.client, note).get_json() == {"result": "duplicate"}
    assert payment(pay_id).captured_amount == 90000 and _ledger_rows() == ledger and events() == 1
    # the same payment told again under another webhook-id: still applied once
    again = fake_xendit.notification("payment.succeeded", note.body["data"])
    assert post_notification(api.client, again).status_code == 200
    assert payment(pay_id).captured_amount == 90000 and _ledger_rows() == ledger
    api.client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    assert api.client.get(f"/payments/xendit/{pay_id}/status").get_json()["status"] == "paid"


@pytest.mark.parametrize("token_value, status", [(None, 401), ("wrong-token", 403), ("", 403)])
def test_forged_notifications_are_refused_and_change_nothing(api, token, people, fake_xendit, token_value, status):
    pay_id = _buy(api, token, people)["payment"]["id"]
    note = fake_xendit.pay(request_of(fake_xendit, pay_id)["id"])
    response = post_notification(api.client, note, token=token_value)
    assert response.status_code == status
    assert events() == 0 and [o.status for o in orders_of(pay_id)] == ["pending_payment"]


@pytest.mark.parametrize("change", [{"amount": 49999}, {"amount": 50000.5}, {"currency": "USD"}])
def test_a_wrong_amount_or_currency_at_xendit_changes_nothing_and_alerts(
    api, token, people, fake_xendit, change, caplog
):
    pay_id = _buy(api, token, people)["payment"]["id"]
    note = fake_xendit.pay(request_of(fake_xendit, pay_id)["id"], **change)
    assert post_notification(api.client, note).get_json() == {"result": "mismatch"}
    assert [o.status for o in orders_of(pay_id)] == ["pending_payment"]
    assert payment(pay_id).captured_amount == 0 and "ALERT xendit" in caplog.text


def test_a_body_saying_succeeded_counts_for_nothing_while_xendit_says_pending(api, token, people, fake_xendit):
    pay_id = _buy(api, token, people)["payment"]["id"]
    pr = request_of(fake_xendit, pay_id)
    forged = fake_xendit.notification(
        "payment.succeeded",
        {"id": "py-1", "payment_request_id": pr["id"], "amount": 50000, "currency": "IDR", "status": "SUCCEEDED"},
    )
    assert post_notification(api.client, forged).get_json() == {"result": "status:pending"}
    assert [o.status for o in orders_of(pay_id)] == ["pending_payment"] and payment(pay_id).captured_amount == 0
    assert fake_xendit.calls("GET", f"/payment_requests/{pr['id']}")


def test_an_unknown_payment_request_is_400_and_not_stored(api, fake_xendit, people):
    note = fake_xendit.notification("payment.succeeded", {"id": "py-x", "payment_request_id": "pr-nobody"})
    assert post_notification(api.client, note).status_code == 400 and events() == 0


def test_malformed_bodies_are_400_and_other_events_are_ignored(api, fake_xendit, people):
    headers = {"Content-Type": "application/json", "x-callback-token": CALLBACK_TOKEN}
    for body in ("{", "[]", '{"event": "payment.succeeded"}', '{"event": 1, "data": {}}'):
        assert api.client.post("/webhooks/xendit", data=body, headers=headers).status_code == 400, body
    other = fake_xendit.notification("capture.succeeded", {"id": "x"})
    assert post_notification(api.client, other).get_json() == {"result": "ignored"} and events() == 0


def test_xendit_down_when_asked_again_is_503_and_the_notification_can_come_back(api, token, people, fake_xendit):
    pay_id = _buy(api, token, people)["payment"]["id"]
    note = fake_xendit.pay(request_of(fake_xendit, pay_id)["id"])
    fake_xendit.fail(503, times=1)
    assert post_notification(api.client, note).status_code == 503 and events() == 0
    assert post_notification(api.client, note).get_json() == {"result": "paid"}


def test_a_late_payment_after_our_expiry_is_passed_to_the_core(api, token, people, fake_xendit):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    pay_id = _buy(api, token, people, "qris", (tea, 2))["payment"]["id"]
    pr_id = request_of(fake_xendit, pay_id)["id"]
    with time_machine.travel(payment(pay_id).expires_at + timedelta(minutes=1)):
        assert orders.expire_due() == 1
        db.session.commit()
    # our expiry closed it at Xendit too
    assert (
        fake_xendit.calls("POST", "/v2/payment_methods/") and fake_xendit.payment_requests[pr_id]["status"] == "EXPIRED"
    )
    # the shopper paid anyway (a QR scanned just before): the core decides (revive, or refund through Xendit)
    result = post_notification(api.client, fake_xendit.pay(pr_id)).get_json()["result"]
    row = payment(pay_id)
    assert row.captured_amount == 50000
    if result.startswith("refunded"):
        [call] = fake_xendit.calls("POST", "/refunds")
        assert call.body["amount"] == 50000 and call.body["payment_request_id"] == pr_id
        assert row.refunded_amount == 50000 and stock_of(tea.id) == 5
    else:
        assert result == "paid" and [o.status for o in orders_of(pay_id)] == ["paid"] and stock_of(tea.id) == 3


# --- refunds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["qris", "ewallet"])
def test_cancelling_one_store_order_refunds_that_part_through_xendit(api, token, people, fake_xendit, method):
    answer = _paid(api, token, people, fake_xendit, method)
    pay_id = answer["payment"]["id"]
    tea_order = next(o for o in orders_of(pay_id) if o.store_id == people["store"].id)
    response = api.post(f"/orders/{tea_order.number}/cancel", {"reason": "salah pesan"}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    [call] = fake_xendit.calls("POST", "/refunds")
    assert call.body["amount"] == 50000 and call.body["currency"] == "IDR"
    assert call.idempotency_key == f"apik-refund-{pay_id}-0-50000"
    row = payment(pay_id)
    assert (row.captured_amount, row.refunded_amount, row.status) == (90000, 50000, "partially_refunded")
    refund = db.session.scalar(select(XenditRefund))
    assert refund.amount == 50000 and refund.status == "PENDING"
    # Xendit then says it went through: recorded once
    note = fake_xendit.refund_outcome(refund.refund_id, "SUCCEEDED")
    assert post_notification(api.client, note).get_json() == {"result": "refunded"}
    assert post_notification(api.client, note).get_json() == {"result": "duplicate"}
    assert payment(pay_id).refunded_amount == 50000


def test_virtual_account_money_cannot_go_back_through_xendit(xendit_app):
    from plugins.xendit import plugin

    methods = {m.id: m for m in plugin.methods}
    assert methods["virtual_account"].refunds_to_bank_account(None) is True
    assert methods["qris"].refunds_to_bank_account(None) is False


def test_a_xendit_error_on_refund_leaves_the_paid_order_as_it_was(api, token, people, fake_xendit):
    answer = _paid(api, token, people, fake_xendit)
    fake_xendit.fail(500, times=5)
    number = answer["orders"][0]["number"]
    response = api.post(f"/orders/{number}/cancel", {"reason": "batal"}, token=token)
    assert response.status_code == 503 and "Xendit" in response.get_json()["error"]["message"]
    assert "paid" in {o.status for o in orders_of(answer["payment"]["id"])}
    assert payment(answer["payment"]["id"]).refunded_amount == 0


def test_an_unknown_refund_is_400(api, fake_xendit, people):
    note = fake_xendit.notification("refund.failed", {"id": "rfd-nobody", "status": "FAILED"})
    assert post_notification(api.client, note).status_code == 400 and events() == 0


def test_a_failed_refund_is_owed_to_the_shoppers_bank_account(api, token, people, fake_xendit):
    from marketplace.payments.bank_refund_models import BankRefund

    answer = _paid(api, token, people, fake_xendit)
    pay_id = answer["payment"]["id"]
    tea_order = next(o for o in orders_of(pay_id) if o.store_id == people["store"].id)
    assert api.post(f"/orders/{tea_order.number}/cancel", {"reason": "batal"}, token=token).status_code == 200
    refund = db.session.scalar(select(XenditRefund))
    note = fake_xendit.refund_outcome(refund.refund_id, "FAILED", "ACCOUNT_NOT_FOUND")
    assert post_notification(api.client, note).get_json() == {"result": "refund_failed:ACCOUNT_NOT_FOUND"}
    assert post_notification(api.client, note).get_json() == {"result": "duplicate"}
    db.session.rollback()
    [owed] = db.session.scalars(select(BankRefund)).all()
    assert owed.payment_id == pay_id and owed.amount == 50000
    assert payment(pay_id).refunded_amount == 50000  # still refunded: now by bank transfer


def test_cancelling_a_paid_virtual_account_order_is_owed_by_bank_not_asked_of_xendit(api, token, people, fake_xendit):
    from marketplace.payments.bank_refund_models import BankRefund

    answer = _paid(api, token, people, fake_xendit, "virtual_account")
    pay_id = answer["payment"]["id"]
    tea_order = next(o for o in orders_of(pay_id) if o.store_id == people["store"].id)
    response = api.post(f"/orders/{tea_order.number}/cancel", {"reason": "salah pesan"}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert not fake_xendit.calls("POST", "/refunds")
    db.session.rollback()
    [owed] = db.session.scalars(select(BankRefund)).all()
    assert owed.payment_id == pay_id and owed.amount == 50000


def test_secrets_reach_no_log_page_or_api(api, token, people, fake_xendit, caplog, xendit_app):
    import base64
    import logging

    caplog.set_level(logging.DEBUG)  # the client's and urllib3's debug lines too
    answer = _paid(api, token, people, fake_xendit)
    fake_xendit.fail(401, code="INVALID_API_KEY")
    post_notification(api.client, fake_xendit.pay(request_of(fake_xendit, answer["payment"]["id"])["id"]))
    api.client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    texts = [
        caplog.text,
        api.client.get(f"/payments/xendit/{answer['payment']['id']}").get_data(as_text=True),
        api.client.get("/api/v1/payment-methods").get_data(as_text=True),
        api.client.get("/api/v1/openapi.json").get_data(as_text=True),
        xendit_app.test_cli_runner().invoke(args=["plugins", "list", "--json"]).output,
    ]
    assert "/webhooks/xendit" in texts[3] and "XENDIT_CALLBACK_TOKEN" in texts[4]
    basic = base64.b64encode(f"{SECRET_KEY}:".encode()).decode()
    for text in texts:
        assert SECRET_KEY not in text and CALLBACK_TOKEN not in text and basic not in text


def test_two_deliveries_of_one_notification_at_once_apply_it_once(xendit_app, api, token, people, fake_xendit):
    import threading

    pay_id = _two_stores(api, token, people)[0]["payment"]["id"]
    note = fake_xendit.pay(request_of(fake_xendit, pay_id)["id"])
    db.session.remove()
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def deliver():
        client = xendit_app.test_client()
        barrier.wait(timeout=10)
        answers.append(post_notification(client, note).get_json()["result"])

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == ["duplicate", "paid"]
    assert payment(pay_id).captured_amount == 90000 and events() == 1
    assert [o.status for o in orders_of(pay_id)] == ["paid", "paid"]


def test_the_pay_page_says_plainly_when_the_time_ran_out(api, token, people, fake_xendit):
    pay_id = _buy(api, token, people, "virtual_account")["payment"]["id"]
    with time_machine.travel(payment(pay_id).expires_at + timedelta(minutes=1)):
        assert orders.expire_due() == 1
        db.session.commit()
    api.client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    assert api.client.get(f"/payments/xendit/{pay_id}/status").get_json()["status"] == "expired"
    page = api.client.get(f"/payments/xendit/{pay_id}").get_data(as_text=True)
    assert "Waktu pembayaran habis" in page and "xendit-va-number" not in page  # no number left to pay into


def test_cancelling_the_only_order_refunds_all_of_it_through_xendit(api, token, people, fake_xendit):
    pay_id = _buy(api, token, people)["payment"]["id"]
    pr_id = request_of(fake_xendit, pay_id)["id"]
    assert post_notification(api.client, fake_xendit.pay(pr_id)).get_json() == {"result": "paid"}
    [order] = orders_of(pay_id)
    assert api.post(f"/orders/{order.number}/cancel", {"reason": "batal"}, token=token).status_code == 200
    [call] = fake_xendit.calls("POST", "/refunds")
    assert call.body["amount"] == 50000 and call.body["payment_request_id"] == pr_id
    row = payment(pay_id)
    assert (row.refunded_amount, row.status) == (50000, "refunded")


def test_our_expiry_still_cancels_and_gives_stock_back_when_xendit_is_down(api, token, people, fake_xendit):
    tea = gen_listing(price=25000, stock=5, store=people["store"])
    pay_id = _buy(api, token, people, "qris", (tea, 2))["payment"]["id"]
    fake_xendit.fail(500, times=5)
    with time_machine.travel(payment(pay_id).expires_at + timedelta(minutes=1)):
        assert orders.expire_due() == 1
        db.session.commit()
    assert [o.status for o in orders_of(pay_id)] == ["cancelled"] and stock_of(tea.id) == 5
