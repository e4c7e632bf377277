"""The ledger of every party: completion rows per account (COD and prepaid, with protection),
commission on goods only, what a COD store owes and its settlement, premiums per insurer and
month and their remittance (page and API), the seller's split on the order page and e-mail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import plugin_api, site_settings
from marketplace.audit import AuditLog
from marketplace.checkout.extras import CheckoutExtra
from marketplace.clock import now, to_jakarta
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.ledger import finance
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerEntry, Remittance, Settlement
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.plugin_api import hookimpl
from tests.buying_factories import FakePrepaidPlugin, buy, gen_listing, gen_shopper
from tests.buying_factories import plugin_logs as plugin_logs
from tests.factories import gen_store, gen_user
from tests.insurance_support import bearer, login, token


@pytest.fixture
def world(make_app, plugin_logs):
    app = make_app(plugins="cash_on_delivery,insurance")
    with app.app_context():
        fake = FakePrepaidPlugin()
        plugin_api.register(app, fake, "fake_prepaid")
        seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
        store = gen_store(owner=seller, name="Batik Darto")
        site_settings.set_commission(None, "5")
        db.session.commit()
        yield {
            "app": app,
            "seller": seller,
            "store": store,
            "account": f"store:{store.id}",
            "shopper": gen_shopper("siti@test.id"),
            "agency": gen_user("dinas@test.id", role="agency", name="Bu Dinas"),
            "jasindo": gen_user("klaim@jasindo.test", role="insurer", name="Dewi", insurer="jasindo"),
            "askrindo": gen_user("klaim@askrindo.test", role="insurer", name="Agus", insurer="askrindo"),
        }


def _order(world, price=200_000, method="cash_on_delivery", protect=True):
    variant = gen_listing(store=world["store"], price=price, stock=10)
    extras = ["order_protection"] if protect else []
    return buy(world["shopper"], (variant, 1), method=method, extras=extras).orders[0]


def _complete(world, order):
    if not order.pay_on_delivery:
        orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    transition(order, "processing", world["seller"])
    transition(order, "shipped", world["seller"], tracking_number="JP1", courier="JNE")
    transition(order, "completed", world["shopper"])
    db.session.commit()
    return order


def rows(order):
    db.session.expire_all()
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id).order_by(LedgerEntry.id))
    return [(e.account, e.kind, e.amount) for e in entries]


def test_a_protected_cod_order_credits_each_party_and_the_store_owes_commission_and_premium(world):
    order = _complete(world, _order(world))
    store = world["account"]
    assert (order.subtotal, order.extras_total, order.total) == (200_000, 1_000, 201_000)
    assert rows(order) == [
        (store, "sale", 200_000),
        (store, "commission", -10_000),  # 5 % of the goods only, never of the premium
        ("marketplace", "commission", 10_000),
        ("insurer:jasindo", "premium", 1_000),
        (store, "cod_cash", -201_000),  # the seller holds the cash, premium included
    ]
    assert ledger.balance(world["store"].id) == -11_000
    assert finance.receivables(ledger.balances()) == [(world["store"], 11_000)]
    # a payout cannot take what the seller already holds
    with pytest.raises(ValidationError):
        ledger.record_payout(world["agency"], world["store"], 1, "BRI-1", None)


def test_a_protected_prepaid_order_credits_the_goods_less_commission_and_the_premium_to_the_insurer(world):
    order = _complete(world, _order(world, method="fake_transfer"))
    store = world["account"]
    assert rows(order) == [
        (store, "sale", 200_000),
        (store, "commission", -10_000),
        ("marketplace", "commission", 10_000),
        ("insurer:jasindo", "premium", 1_000),
    ]
    assert ledger.balance(world["store"].id) == 190_000


def test_a_cod_debt_nets_against_the_next_payout(world):
    _complete(world, _order(world))  # owes 11.000
    _complete(world, _order(world, price=100_000, method="fake_transfer", protect=False))  # earns 95.000
    assert ledger.balance(world["store"].id) == 84_000
    with pytest.raises(ValidationError):
        ledger.record_payout(world["agency"], world["store"], 84_001, "BRI-1", None)
    db.session.rollback()
    ledger.record_payout(world["agency"], world["store"], 84_000, "BRI-2", None)
    db.session.commit()
    assert ledger.balance(world["store"].id) == 0


def test_finance_records_a_settlement_on_its_page_with_field_errors_and_an_audit_row(world):
    _complete(world, _order(world))
    client = world["app"].test_client()
    login(client, "darto@test.id")
    assert client.post("/finance/settlements", data={}).status_code == 403
    client.post("/logout")
    login(client, "dinas@test.id")
    page = client.get("/finance/payouts").get_data(as_text=True)
    assert 'data-owed="11000"' in page and 'id="settlement-form"' in page
    form = {
        "settlement-store": world["store"].id,
        "settlement-amount": 11_000,
        "settlement-bank_reference": "BCA-77",
        "settlement-paid_on": "2026-11-30",
    }
    too_much = client.post("/finance/settlements", data={**form, "settlement-amount": 11_001})
    assert too_much.status_code == 422 and 'id="settlement-amount-error"' in too_much.get_data(as_text=True)
    no_ref = client.post("/finance/settlements", data={**form, "settlement-bank_reference": ""})
    assert no_ref.status_code == 422 and 'id="settlement-bank_reference-error"' in no_ref.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Settlement)) == 0
    assert client.post("/finance/settlements", data=form).status_code == 302
    db.session.rollback()
    settlement = db.session.scalar(select(Settlement))
    assert (settlement.amount, settlement.bank_reference, str(settlement.paid_on)) == (11_000, "BCA-77", "2026-11-30")
    assert ledger.balance(world["store"].id) == 0
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "settlement.recorded"))
    assert 'data-owed="' not in client.get("/finance/payouts").get_data(as_text=True)


def _month() -> str:
    return f"{to_jakarta(now()):%Y-%m}"


def test_premiums_per_month_and_a_remittance_at_most_what_is_outstanding(world):
    _complete(world, _order(world))
    refunded = _complete(world, _order(world, price=1_000_000, method="fake_transfer"))  # premium 2.000
    transition(refunded, "refunded", gen_user(role="admin"), reason="hilang")
    db.session.commit()
    [month] = finance.account_months("insurer:jasindo")
    assert month.as_json() == {
        "insurer": "jasindo",
        "month": _month(),
        "collected": 3_000,
        "refunded": 2_000,
        "remitted": 0,
        "outstanding": 1_000,
    }
    client = world["app"].test_client()
    login(client, "dinas@test.id")
    form = {
        "remittance-insurer": "insurer:jasindo",
        "remittance-month": _month(),
        "remittance-amount": 1_001,
        "remittance-bank_reference": "MANDIRI-5",
        "remittance-paid_on": "2026-12-01",
    }
    over = client.post("/finance/remittances", data=form)
    assert over.status_code == 422 and 'id="remittance-amount-error"' in over.get_data(as_text=True)
    bad_month = client.post("/finance/remittances", data={**form, "remittance-month": "2026-13"})
    assert bad_month.status_code == 422 and 'id="remittance-month-error"' in bad_month.get_data(as_text=True)
    assert client.post("/finance/remittances", data={**form, "remittance-amount": 1_000}).status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Remittance.amount)) == 1_000
    assert finance.account_months("insurer:jasindo")[0].outstanding == 0
    balance = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.account == "insurer:jasindo"))
    assert balance == 0
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "remittance.recorded"))


def test_the_premiums_api_shows_an_insurer_its_own_and_the_agency_all(world):
    _complete(world, _order(world))
    client = world["app"].test_client()
    mine = client.get("/api/v1/insurance/premiums", headers=bearer(token(client, "klaim@jasindo.test")))
    assert mine.status_code == 200
    assert [(m["insurer"], m["collected"], m["outstanding"]) for m in mine.get_json()["items"]] == [
        ("jasindo", 1_000, 1_000)
    ]
    other = client.get("/api/v1/insurance/premiums", headers=bearer(token(client, "klaim@askrindo.test")))
    assert other.status_code == 200 and other.get_json() == {"items": []}
    agency = client.get("/api/v1/insurance/premiums", headers=bearer(token(client, "dinas@test.id")))
    assert [m["insurer"] for m in agency.get_json()["items"]] == ["jasindo"]
    seller = client.get("/api/v1/insurance/premiums", headers=bearer(token(client, "darto@test.id")))
    assert seller.status_code == 403 and seller.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/insurance/premiums").status_code == 401
    login(client, "klaim@jasindo.test")
    page = client.get("/insurer/").get_data(as_text=True)
    assert 'id="premiums"' in page and 'data-collected="1000"' in page


def test_the_seller_sees_commission_and_net_on_the_order_page_and_in_the_new_order_mail(world, plugin_logs):
    order = _order(world)
    mail = plugin_logs.text
    assert "Komisi pasar (dari nilai barang): -Rp 10.000" in mail and "Bersih untuk toko: Rp 190.000" in mail
    assert "Premi proteksi (milik asuransi): Rp 1.000" in mail
    client = world["app"].test_client()
    login(client, "darto@test.id")
    page = client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert 'id="order-split"' in page and 'data-net="190000"' in page and 'data-commission="10000"' in page


def test_the_seller_ledger_labels_the_new_kinds_and_the_api_keeps_its_shape(world):
    _complete(world, _order(world))
    client = world["app"].test_client()
    login(client, "darto@test.id")
    page = client.get("/seller/ledger").get_data(as_text=True)
    assert "Uang COD di tangan penjual" in page and 'id="owed"' in page and 'data-balance="-11000"' in page
    csv_text = client.get("/seller/ledger.csv").get_data(as_text=True)
    assert ",cod_cash," in csv_text and "Uang COD di tangan penjual" in csv_text
    answer = client.get("/api/v1/seller/ledger", headers=bearer(token(client, "darto@test.id"))).get_json()
    assert {"store", "earnings", "commission", "refunds", "payouts", "balance", "items"} <= set(answer)
    assert (answer["earnings"], answer["commission"], answer["cod_cash"], answer["balance"]) == (
        200_000,
        10_000,
        -201_000,
        -11_000,
    )
    assert {i["kind"] for i in answer["items"]} == {"sale", "commission", "cod_cash"}


class GiftWrap(CheckoutExtra):
    """A store's own extra (its payee is the store); its kind is one no ledger knows, so it is
    credited as a plain extra."""

    id = "gift_wrap"
    name = "Bungkus kado"
    ledger_kind = "wrapping"

    def price(self, group):
        return 5_000


class GiftWrapPlugin:
    @hookimpl
    def checkout_extras(self, cart):
        return [GiftWrap()]


def test_a_store_s_own_extra_is_credited_to_it_without_commission(world):
    plugin_api.register(world["app"], GiftWrapPlugin(), "gift")
    variant = gen_listing(store=world["store"], price=100_000, stock=10)
    order = buy(world["shopper"], (variant, 1), method="fake_transfer", extras=["gift_wrap"]).orders[0]
    assert ledger.order_split(order).net == 100_000 + 5_000 - 5_000
    _complete(world, order)
    store = world["account"]
    assert rows(order) == [
        (store, "sale", 100_000),
        (store, "commission", -5_000),  # 5 % of the goods, not of the wrapping
        ("marketplace", "commission", 5_000),
        (store, "extra", 5_000),
    ]
    assert ledger.summary(world["store"].id).extras == 5_000 and ledger.balance(world["store"].id) == 100_000
