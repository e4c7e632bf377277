"""The seller ledger: credits on completion, commission snapshotted at sale, refunds, payouts, API, CSV, pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace import site_settings
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerEntry, Payout
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from tests.buying_factories import buy, cod_app, gen_listing, gen_shopper, prepaid  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user


@pytest.fixture
def people(cod_app):
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    return {
        "shopper": gen_shopper("siti@test.id"),
        "seller": seller,
        "store": gen_store(owner=seller, name="Batik Darto"),
        "admin": gen_user(role="admin", name="Admin"),
        "agency": gen_user("dinas@test.id", role="agency", name="Bu Dinas"),
    }


def _commission(percent: str) -> None:
    site_settings.set_commission(None, percent)
    db.session.commit()


def _sold(people, price=100000, quantity=1, method="fake_transfer"):
    variant = gen_listing(store=people["store"], price=price, stock=10)
    order = buy(people["shopper"], (variant, quantity), method=method).orders[0]
    return order


def _pay_and_complete(order, people):
    orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    transition(order, "processing", people["seller"])
    transition(order, "shipped", people["seller"], tracking_number="JP1", courier="JNE")
    transition(order, "completed", people["shopper"])
    db.session.commit()
    return order


def _entries(store_id):
    db.session.rollback()
    return [
        (e.kind, e.amount)
        for e in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.store_id == store_id).order_by(LedgerEntry.id)
        )
    ]


def test_a_completed_order_credits_its_store_less_the_commission(people, prepaid):
    _commission("2,5")
    order = _pay_and_complete(_sold(people, price=100000), people)
    assert order.commission_bps == 250
    assert _entries(people["store"].id) == [("sale", 100000), ("commission", -2500)]
    s = ledger.summary(people["store"].id)
    assert (s.earnings, s.commission, s.refunds, s.payouts, s.balance) == (100000, 2500, 0, 0, 97500)
    assert ledger.balance(people["store"].id) == 97500


def test_the_rate_is_the_one_at_the_time_of_sale(people, prepaid):
    _commission("5")
    order = _sold(people, price=100000)
    _commission("0")  # the agency changes its mind after the sale
    _pay_and_complete(order, people)
    assert _entries(people["store"].id) == [("sale", 100000), ("commission", -5000)]


def test_zero_commission_writes_no_commission_row(people, prepaid):
    _pay_and_complete(_sold(people, price=30000), people)
    assert _entries(people["store"].id) == [("sale", 30000)]


def test_orders_not_completed_credit_nothing(people, prepaid):
    order = _sold(people)
    orders.apply_payment(order.payment_id, order.total, "IDR", "ref")
    transition(order, "cancelled", people["shopper"])
    db.session.commit()
    assert _entries(people["store"].id) == []


def test_cash_on_delivery_completion_records_the_sale_and_the_cash_the_seller_holds(people):
    _commission("5")
    order = _sold(people, price=40000, method="cash_on_delivery")
    transition(order, "processing", people["seller"])
    transition(order, "shipped", people["seller"], tracking_number="JP1")
    transition(order, "completed", people["shopper"])  # the buyer paid the courier and confirms
    db.session.commit()
    assert _entries(people["store"].id) == [("sale", 40000), ("commission", -2000), ("cod_cash", -40000)]
    # the seller holds the cash: the store owes the commission, nothing is paid out
    assert ledger.balance(people["store"].id) == -2000


def test_a_refund_after_completion_debits_the_store_and_returns_the_commission(people, prepaid):
    _commission("10")
    order = _pay_and_complete(_sold(people, price=55555), people)
    transition(order, "refunded", people["admin"], reason="barang rusak")
    db.session.commit()
    assert _entries(people["store"].id) == [
        ("sale", 55555),
        ("commission", -5556),
        ("refund", -55555),
        ("commission", 5556),
    ]
    assert ledger.balance(people["store"].id) == 0
    assert prepaid.method.refunds == [(order.payment_id, 55555)]


def test_crediting_twice_writes_once(people, prepaid):
    from marketplace.ledger import postings
    from marketplace.orders.models import extras_of

    order = _pay_and_complete(_sold(people), people)
    postings.credit_order(order, extras_of(order))
    ledger.debit_refund(order)
    ledger.debit_refund(order)
    db.session.commit()
    assert [k for k, _a in _entries(people["store"].id)] == ["sale", "refund"]


def test_payouts_debit_the_balance_and_never_below_zero(people, prepaid):
    _pay_and_complete(_sold(people, price=80000), people)
    store = people["store"]
    with pytest.raises(ValidationError) as exc:
        ledger.record_payout(people["agency"], store, 80001, "BRI-123", None)
    assert "amount" in exc.value.fields
    db.session.rollback()
    for bad in ({"amount": 0}, {"amount": "lima"}, {"bank_reference": ""}):
        args = {"amount": 1000, "bank_reference": "BRI-1", **bad}
        with pytest.raises(ValidationError):
            ledger.record_payout(people["agency"], store, args["amount"], args["bank_reference"], None)
        db.session.rollback()
    ledger.record_payout(people["agency"], store, 50000, "BRI-20261128-01", None)
    db.session.commit()
    s = ledger.summary(store.id)
    assert (s.payouts, s.balance) == (50000, 30000)
    assert _entries(store.id)[-1] == ("payout", -50000)


# --- API, CSV, pages ----------------------------------------------------------------------------


def test_api_ledger_for_the_stores_members_only(people, prepaid, cod_app):
    _commission("2,5")
    order = _pay_and_complete(_sold(people, price=100000), people)
    ledger.record_payout(people["agency"], people["store"], 7500, "BNI-77", None)
    db.session.commit()
    api = ApiClient(cod_app.test_client())
    body = api.get("/seller/ledger", token=api.token("darto@test.id")).get_json()
    assert {k: body[k] for k in ("store", "earnings", "commission", "refunds", "payouts", "balance")} == {
        "store": people["store"].slug,
        "earnings": 100000,
        "commission": 2500,
        "refunds": 0,
        "payouts": 7500,
        "balance": 90000,
    }
    assert [(i["kind"], i["amount"], i["order"]) for i in body["items"]] == [
        ("payout", -7500, None),
        ("commission", -2500, order.number),
        ("sale", 100000, order.number),
    ]
    assert api.get("/seller/ledger", token=api.token("siti@test.id")).status_code == 404  # no store
    assert api.get("/seller/ledger?store=nope", token=api.token("darto@test.id")).status_code == 404
    assert api.get("/seller/ledger").status_code == 401


def test_api_ledger_picks_the_store_by_slug(people, prepaid, cod_app):
    second = gen_store(owner=people["seller"], name="Kopi Darto")
    api = ApiClient(cod_app.test_client())
    token = api.token("darto@test.id")
    assert api.get(f"/seller/ledger?store={second.slug}", token=token).get_json()["store"] == second.slug


def test_seller_page_and_csv(people, prepaid, cod_app):
    _pay_and_complete(_sold(people, price=25000), people)
    client = cod_app.test_client()
    client.post("/login", data={"email": "darto@test.id", "password": "rahasia123"})
    page = client.get("/seller/ledger")
    assert page.status_code == 200 and 'data-balance="25000"' in page.get_data(as_text=True)
    csv_answer = client.get("/seller/ledger.csv")
    assert csv_answer.mimetype == "text/csv"
    lines = csv_answer.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("tanggal,jenis,pesanan,jumlah") and ",sale," in lines[1]
    assert lines[-1].startswith("saldo,,,25000")
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00,sale,", lines[1])  # WIB with its offset


def test_finance_records_a_payout_on_its_page_and_others_cannot(people, prepaid, cod_app):
    _pay_and_complete(_sold(people, price=60000), people)
    client = cod_app.test_client()
    client.post("/login", data={"email": "darto@test.id", "password": "rahasia123"})
    assert client.get("/finance/payouts").status_code == 403
    client.post("/logout")
    client.post("/login", data={"email": "dinas@test.id", "password": "rahasia123"})
    assert client.get("/finance/payouts").status_code == 200
    form = {"store": people["store"].id, "amount": 60000, "bank_reference": "BRI-XYZ", "paid_on": "2026-11-28"}
    assert client.post("/finance/payouts", data={**form, "amount": 60001}).status_code == 422
    assert client.post("/finance/payouts", data=form).status_code == 302
    db.session.rollback()
    payout = db.session.scalar(select(Payout))
    assert (payout.amount, payout.bank_reference, str(payout.paid_on)) == (60000, "BRI-XYZ", "2026-11-28")
    assert ledger.balance(people["store"].id) == 0
