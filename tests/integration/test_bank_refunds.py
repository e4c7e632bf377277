"""Refunds owed to a shopper's bank account: a bank transfer's refund is owed, not pretended;
the shopper enters the account (page and API), finance sends it once; a refund the provider
gave up on is owed once per reference (marketplace/payments/bank_refunds.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.catalog import stock
from marketplace.clock import now
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.payments import services as payments
from marketplace.payments.bank_refund_models import BankRefund
from plugins.bank_transfer import services as bank
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.payments_support import payment

ACCOUNTS = "BRI 0123-01-000123-30-1 a.n. Disnakerin Kota Tegal"


@pytest.fixture
def app(make_app):
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    with app.app_context():
        yield app


@pytest.fixture
def people(app):
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    return {
        "shopper": gen_shopper("siti@test.id"),
        "store": gen_store(owner=seller, name="Batik Darto"),
        "agency": gen_user("dinas@test.id", role="agency", name="Bu Dinas"),
        "other": gen_user("lain@test.id", name="Orang Lain"),
    }


@pytest.fixture
def owed(app, people):
    """A bank-transfer order, confirmed by finance, then cancelled by its shopper: Rp 50.000 owed."""
    variant = gen_listing(price=25000, stock=5, store=people["store"])
    with app.test_request_context():  # the method's start builds its page's URL
        result = buy(people["shopper"], (variant, 2), method="bank_transfer")
    bank.confirm(bank.for_payment(result.payment.id), people["agency"])
    db.session.commit()
    transition(result.orders[0], "cancelled", people["shopper"], reason="Salah ukuran")
    db.session.commit()
    row = db.session.scalar(select(BankRefund))
    return row.id, result.orders[0].number, result.payment.id


def _row(refund_id) -> BankRefund:
    return db.session.scalars(
        select(BankRefund).where(BankRefund.id == refund_id).execution_options(populate_existing=True)
    ).one()


def _login(client, email):
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": "rahasia123"}).status_code == 302


GOOD = {"bank": "BCA", "account_number": "123-456 7890", "holder_name": "Siti Aminah"}


def test_a_bank_transfer_refund_is_owed_to_the_shopper_not_pretended(people, owed):
    refund_id, number, pay_id = owed
    row = _row(refund_id)
    assert (row.amount, row.status, row.user_id, row.bank) == (50000, "awaiting_account", people["shopper"].id, None)
    assert row.key == f"refund:{pay_id}:0"
    pay = payment(pay_id)
    assert (pay.captured_amount, pay.refunded_amount, pay.status) == (50000, 50000, "refunded")
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("payments/mail/%"))).all()
    assert [m.to for m in mails] == ["siti@test.id"] and "/account/refunds" in mails[0].body
    cancelled = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "orders/mail/status.txt", OutboxMessage.to == "siti@test.id")
    ).all()[-1]
    assert "Dibatalkan" in cancelled.subject and "ke rekening bank Anda" in cancelled.body
    assert "melalui metode pembayaran yang sama" not in cancelled.body


def test_the_shopper_enters_the_account_on_the_order_page(app, people, owed):
    refund_id, number, _pay = owed
    client = app.test_client()
    _login(client, "siti@test.id")
    page = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "Dana Rp 50.000 akan dikembalikan ke rekening Anda" in page and f"r{refund_id}-account_number" in page
    url = f"/account/refunds/{refund_id}/account"
    bad = client.post(
        url, data={f"r{refund_id}-bank": "XYZ", f"r{refund_id}-account_number": "1", f"r{refund_id}-holder_name": ""}
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Pilih bank dari daftar." in text and "Isi nama pemilik rekening" in text
    short = client.post(url, data={f"r{refund_id}-{k}": v for k, v in (GOOD | {"account_number": "12345"}).items()})
    assert short.status_code == 422 and "Nomor rekening BCA terdiri dari 10 angka." in short.get_data(as_text=True)
    assert _row(refund_id).status == "awaiting_account"
    form = {f"r{refund_id}-{k}": v for k, v in GOOD.items()} | {f"r{refund_id}-back": "order"}
    done = client.post(url, data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/orders/{number}")
    row = _row(refund_id)
    assert (row.status, row.bank, row.account_number, row.holder_name) == ("owed", "BCA", "1234567890", "Siti Aminah")
    assert "BCA 1234567890" in client.get("/account/refunds").get_data(as_text=True)
    _login(client, "lain@test.id")  # another shopper neither sees nor changes it
    assert "1234567890" not in client.get("/account/refunds").get_data(as_text=True)
    assert client.post(url, data=form).status_code == 404


def test_the_api_lists_and_takes_the_account_of_its_own_shopper_only(app, people, owed):
    refund_id, number, _pay = owed
    api = ApiClient(app.test_client())
    mine, theirs = api.token("siti@test.id"), api.token("lain@test.id")
    bad = api.put(
        f"/me/refunds/{refund_id}/account", {"bank": "BNI", "account_number": "12ab", "holder_name": "S"}, token=mine
    )
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"account_number"}
    assert api.put(f"/me/refunds/{refund_id}/account", GOOD, token=theirs).status_code == 404
    answer = api.put(f"/me/refunds/{refund_id}/account", GOOD, token=mine)
    assert answer.status_code == 200 and answer.get_json()["status"] == "owed"
    [item] = api.get("/me/refunds", token=mine).get_json()["items"]
    assert (item["order"], item["amount"], item["account_number"]) == (number, 50000, "1234567890")
    assert api.get("/me/refunds", token=theirs).get_json() == {"items": []}


def test_finance_marks_it_sent_once_and_only_after_the_account(app, people, owed):
    refund_id, _number, _pay = owed
    api = ApiClient(app.test_client())
    finance, shopper = api.token("dinas@test.id"), api.token("siti@test.id")
    early = api.post(f"/finance/refunds/{refund_id}/sent", {"bank_reference": "TRF-1"}, token=finance)
    assert early.status_code == 409 and _row(refund_id).status == "awaiting_account"
    assert api.put(f"/me/refunds/{refund_id}/account", GOOD, token=shopper).status_code == 200
    assert api.post(f"/finance/refunds/{refund_id}/sent", {}, token=finance).status_code == 422
    assert api.post(f"/finance/refunds/{refund_id}/sent", {"bank_reference": "TRF-1"}, token=shopper).status_code == 403
    [listed] = api.get("/finance/refunds?status=owed", token=finance).get_json()["items"]
    assert listed["account_number"] == "1234567890"
    sent = api.post(
        f"/finance/refunds/{refund_id}/sent", {"bank_reference": "TRF-1", "paid_on": "2026-12-01"}, token=finance
    )
    assert sent.status_code == 200 and (sent.get_json()["status"], sent.get_json()["sent_on"]) == ("sent", "2026-12-01")
    again = api.post(f"/finance/refunds/{refund_id}/sent", {"bank_reference": "TRF-2"}, token=finance)
    assert again.status_code == 409 and _row(refund_id).sent_reference == "TRF-1"
    late_change = api.put(f"/me/refunds/{refund_id}/account", GOOD | {"bank": "BNI"}, token=shopper)
    assert late_change.status_code == 409 and _row(refund_id).bank == "BCA"
    assert db.session.scalars(select(AuditLog.action).where(AuditLog.action == "bank_refund.sent")).all() == [
        "bank_refund.sent"
    ]
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "payments/mail/bank_refund_sent.txt"))
    assert told.to == "siti@test.id" and "TRF-1" in told.body and "••••••7890" in told.body


def test_the_finance_page_shows_the_whole_account_and_records_the_transfer(app, people, owed):
    refund_id, _number, _pay = owed
    api = ApiClient(app.test_client())
    api.put(f"/me/refunds/{refund_id}/account", GOOD, token=api.token("siti@test.id"))
    client = app.test_client()
    _login(client, "dinas@test.id")
    assert "1234567890" in client.get("/finance/refunds").get_data(as_text=True)
    bad = client.post(f"/finance/refunds/{refund_id}/sent", data={f"s{refund_id}-bank_reference": ""})
    assert bad.status_code == 422 and "Isi nomor referensi transfer bank." in bad.get_data(as_text=True)
    ok = client.post(
        f"/finance/refunds/{refund_id}/sent",
        data={f"s{refund_id}-bank_reference": "TRF-9", f"s{refund_id}-paid_on": "2026-12-02"},
    )
    assert ok.status_code == 302 and _row(refund_id).status == "sent"
    _login(client, "siti@test.id")
    assert client.get("/finance/refunds").status_code == 403


def test_a_refund_the_provider_gave_up_on_is_owed_once_per_reference(people, owed):
    _refund_id, _number, pay_id = owed
    first = payments.refund_failed(pay_id, 20000, "rfd-77", "the bank bounced it")
    again = payments.refund_failed(pay_id, 20000, "rfd-77", "the bank bounced it")
    db.session.commit()
    assert first.id == again.id and (first.key, first.amount, first.status) == (
        f"failed:{pay_id}:rfd-77",
        20000,
        "awaiting_account",
    )
    with pytest.raises(Conflict):  # more than was ever refunded
        payments.refund_failed(pay_id, 60000, "rfd-78", "no")
    db.session.rollback()
    pay = payment(pay_id)
    assert pay.refunded_amount == 50000  # the money stays refunded on the payment
    assert len(db.session.scalars(select(BankRefund)).all()) == 2


def test_a_transfer_confirmed_after_its_order_expired_and_its_stock_went_is_owed_back(app, people):
    variant = gen_listing(price=25000, stock=5, store=people["store"])
    with app.test_request_context():
        result = buy(people["shopper"], (variant, 2), method="bank_transfer")
    db.session.commit()
    with time_machine.travel(now() + timedelta(hours=25), tick=False):
        assert orders.expire_due() == 1
        db.session.commit()
    assert stock.reserve(variant.id, 4)  # sold to someone else meanwhile
    db.session.commit()
    assert bank.confirm(bank.for_payment(result.payment.id), people["agency"]) == []
    db.session.commit()
    [row] = db.session.scalars(select(BankRefund)).all()
    assert (row.order_id, row.amount, row.status) == (result.orders[0].id, 50000, "awaiting_account")
    pay = payment(result.payment.id)
    assert (pay.captured_amount, pay.refunded_amount, pay.status) == (50000, 50000, "refunded")
    assert bank.for_payment(result.payment.id).status == "confirmed"
