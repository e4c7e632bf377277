"""Bank transfer: exact amount with a unique code, a deadline, the proof upload, finance's decision, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders import services as orders
from plugins.bank_transfer.models import BankTransfer
from tests.buying_factories import SHIPPING, fill_cart, gen_listing, gen_shopper, stock_of
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user, image_bytes
from tests.payments_support import orders_of, payment

ACCOUNTS = "BRI 0123-01-000123-30-1 a.n. Disnakerin Kota Tegal; BNI 0099887766 a.n. Disnakerin Kota Tegal"


@pytest.fixture
def bt_app(make_app):
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    with app.app_context():
        yield app


@pytest.fixture
def people(bt_app):
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    return {
        "shopper": gen_shopper("siti@test.id"),
        "store": gen_store(owner=seller, name="Batik Darto"),
        "agency": gen_user("dinas@test.id", role="agency", name="Bu Dinas"),
        "other": gen_user("lain@test.id", name="Orang Lain"),
    }


def _login(client, email):
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": "rahasia123"}).status_code == 302


def _checkout(bt_app, people, price=25000, quantity=2):
    variant = gen_listing(price=price, stock=5, store=people["store"])
    fill_cart(people["shopper"], (variant, quantity))
    api = ApiClient(bt_app.test_client())
    response = api.post(
        "/checkout", {"payment_method": "bank_transfer", "shipping": SHIPPING}, token=api.token("siti@test.id")
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json(), variant


def _transfer(payment_id) -> BankTransfer:
    db.session.rollback()
    return db.session.scalar(
        select(BankTransfer).where(BankTransfer.payment_id == payment_id).execution_options(populate_existing=True)
    )


def test_offered_only_with_configured_accounts(make_app):
    assert make_app(plugins="bank_transfer").test_client().get("/api/v1/payment-methods").get_json()["items"] == []
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    [method] = app.test_client().get("/api/v1/payment-methods").get_json()["items"]
    assert method["id"] == "bank_transfer" and method["reservation_minutes"] == 24 * 60


def test_checkout_shows_accounts_exact_amount_with_unique_code_and_deadline(bt_app, people):
    answer, _variant = _checkout(bt_app, people)
    pay = answer["payment"]
    transfer = _transfer(pay["id"])
    assert 1 <= transfer.unique_code <= 999 and transfer.transfer_amount == 50000 + transfer.unique_code
    assert transfer.deadline == payment(pay["id"]).expires_at
    assert pay["redirect_url"].endswith(f"/bank-transfer/{pay['id']}")
    assert "BRI 0123-01-000123-30-1" in pay["instructions"]
    client = bt_app.test_client()
    _login(client, "siti@test.id")
    page = client.get(f"/bank-transfer/{pay['id']}").get_data(as_text=True)
    assert f'data-amount="{transfer.transfer_amount}"' in page and "BNI 0099887766" in page
    _login(client, "lain@test.id")
    assert client.get(f"/bank-transfer/{pay['id']}").status_code == 404


def test_unique_code_can_be_switched_off_and_the_window_set(make_app):
    app = make_app(
        plugins="bank_transfer",
        BANK_TRANSFER_ACCOUNTS=ACCOUNTS,
        BANK_TRANSFER_UNIQUE_CODE=False,
        BANK_TRANSFER_WINDOW_HOURS=6,
    )
    with app.app_context():
        people = {"shopper": gen_shopper("siti@test.id"), "store": gen_store()}
        answer, _v = _checkout(app, people)
        transfer = _transfer(answer["payment"]["id"])
        assert transfer.unique_code == 0 and transfer.transfer_amount == 50000
        p = payment(answer["payment"]["id"])
        assert abs(p.expires_at - p.created_at - timedelta(hours=6)) < timedelta(seconds=5)


def test_proof_then_finance_confirms_and_the_orders_are_paid(bt_app, people):
    answer, _variant = _checkout(bt_app, people)
    pay_id = answer["payment"]["id"]
    client = bt_app.test_client()
    _login(client, "siti@test.id")
    bad = client.post(
        f"/bank-transfer/{pay_id}", data={"proof": (image_bytes("GIF"), "x.gif")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 422 and _transfer(pay_id).status == "awaiting_proof"
    sent = client.post(
        f"/bank-transfer/{pay_id}",
        data={"proof": (image_bytes(), "bukti.jpg"), "sender_name": "Siti"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    transfer = _transfer(pay_id)
    assert transfer.status == "submitted" and transfer.proof_path.startswith("transfer-proofs/")
    seen = client.get(f"/finance/transfers/{transfer.id}/proof")  # the sender sees it, and no cache keeps it
    assert seen.status_code == 200 and seen.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/media/{transfer.proof_path}").status_code == 404  # its random name is no key
    assert client.post(f"/finance/transfers/{transfer.id}/confirm").status_code == 403  # not finance
    _login(client, "lain@test.id")
    assert client.get(f"/finance/transfers/{transfer.id}/proof").status_code == 404
    _login(client, "dinas@test.id")
    queue = client.get("/finance/transfers").get_data(as_text=True)
    assert f'data-transfer="{transfer.id}"' in queue
    assert client.post(f"/finance/transfers/{transfer.id}/confirm").status_code == 302
    assert [o.status for o in orders_of(pay_id)] == ["paid"]
    p = payment(pay_id)
    assert (p.status, p.captured_amount) == ("paid", 50000)  # the unique code never reaches the store
    assert _transfer(pay_id).status == "confirmed"
    client.post(f"/finance/transfers/{transfer.id}/confirm")  # twice: nothing more
    assert payment(pay_id).captured_amount == 50000


def test_rejected_proof_tells_the_shopper_why_and_they_can_send_again(bt_app, people):
    answer, _variant = _checkout(bt_app, people)
    pay_id = answer["payment"]["id"]
    client = bt_app.test_client()
    _login(client, "siti@test.id")
    client.post(
        f"/bank-transfer/{pay_id}", data={"proof": (image_bytes(), "b.jpg")}, content_type="multipart/form-data"
    )
    transfer_id = _transfer(pay_id).id
    _login(client, "dinas@test.id")
    client.post(f"/finance/transfers/{transfer_id}/reject", data={"reason": ""})
    assert _transfer(pay_id).status == "submitted"  # a reason is required
    client.post(f"/finance/transfers/{transfer_id}/reject", data={"reason": "Dana belum masuk ke rekening BRI."})
    assert _transfer(pay_id).status == "rejected"
    assert [o.status for o in orders_of(pay_id)] == ["pending_payment"]
    _login(client, "siti@test.id")
    page = client.get(f"/bank-transfer/{pay_id}").get_data(as_text=True)
    assert "Dana belum masuk ke rekening BRI." in page
    client.post(
        f"/bank-transfer/{pay_id}", data={"proof": (image_bytes(), "c.jpg")}, content_type="multipart/form-data"
    )
    assert _transfer(pay_id).status == "submitted"


def test_unconfirmed_after_the_deadline_the_orders_expire_and_stock_comes_back(bt_app, people):
    answer, variant = _checkout(bt_app, people)
    pay_id = answer["payment"]["id"]
    assert stock_of(variant.id) == 3
    client = bt_app.test_client()
    with time_machine.travel(payment(pay_id).expires_at + timedelta(minutes=1)):
        assert orders.expire_due() == 1
        db.session.commit()
        _login(client, "siti@test.id")
        late = client.post(
            f"/bank-transfer/{pay_id}", data={"proof": (image_bytes(), "b.jpg")}, content_type="multipart/form-data"
        )
        assert late.status_code == 409
    assert stock_of(variant.id) == 5 and [o.status for o in orders_of(pay_id)] == ["cancelled"]
    from plugins.bank_transfer import services

    # a transfer that came late takes the core's late-payment path: its stock is still there
    [revived] = services.confirm(_transfer(pay_id), people["agency"])
    db.session.commit()
    assert revived.status == "paid" and stock_of(variant.id) == 3


def test_a_shopper_who_has_not_confirmed_the_address_is_told_how_before_sending_a_receipt(bt_app, people):
    answer, _variant = _checkout(bt_app, people)
    pay_id = answer["payment"]["id"]
    people["shopper"].email_confirmed_at = None
    db.session.commit()
    client = bt_app.test_client()
    _login(client, "siti@test.id")
    page = client.get(f"/bank-transfer/{pay_id}").get_data(as_text=True)
    assert "Konfirmasi alamat e-mail Anda dulu untuk mengunggah bukti transfer" in page
    assert 'href="/account/email"' in page
    refused = client.post(
        f"/bank-transfer/{pay_id}", data={"proof": (image_bytes(), "bukti.jpg")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 403 and _transfer(pay_id).status == "awaiting_proof"
