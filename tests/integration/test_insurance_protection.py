"""Order protection at checkout: offered through checkout_extras, priced on
the server, shown before paying, added to the payment, recorded per order,
refunded with the order; claims by the shopper of a protected order; and
checkout without the plugin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace import plugin_api
from marketplace.clock import to_jakarta
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.orders import lifecycle
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from plugins.insurance import protection
from plugins.insurance.models import Claim, OrderProtection
from tests.buying_factories import FakePrepaidPlugin, buy, gen_listing, gen_shopper
from tests.factories import gen_user
from tests.insurance_support import PLUGINS, bearer, login, token


@pytest.fixture
def shop(make_app):
    """The insurance app with a fake prepaid transfer (it records refunds)."""
    app = make_app(plugins=PLUGINS)
    with app.app_context():
        fake = FakePrepaidPlugin()
        plugin_api.register(app, fake, "fake_prepaid")
        yield app, fake


def protected_purchase(shopper, *lines, method="cash_on_delivery"):
    return buy(shopper, *lines, method=method, extras=["order_protection"])


def test_premium_is_the_rate_of_the_goods_value_with_a_minimum(shop):
    assert protection.premium_for(2_000_000) == 4_000  # 0,2 %
    assert protection.premium_for(100_000) == 1_000  # the minimum
    assert protection.premium_for(1_234_567) == 2_470  # rounded up to a rupiah
    assert protection.premium_for(0) == 0


def test_the_extra_is_offered_with_its_price_before_paying(shop):
    app, _fake = shop
    client = app.test_client()
    item = client.get("/api/v1/checkout/extras").get_json()["items"]
    assert [e["id"] for e in item] == ["order_protection"]
    assert item[0]["rate_bps"] == 20 and item[0]["minimum"] == 1000
    shopper = gen_shopper("siti@test.id")
    from tests.buying_factories import fill_cart

    fill_cart(shopper, (gen_listing(price=1_500_000), 1), (gen_listing(price=20_000), 2))
    login(client, "siti@test.id")
    html = client.get("/checkout").get_data(as_text=True)
    assert "Proteksi pesanan" in html and "Rp 4.000" in html  # 3.000 + the 1.000 minimum of the small order


def test_the_premium_is_added_to_each_order_and_to_the_payment_and_recorded(shop):
    shopper = gen_shopper()
    big, small = gen_listing(price=1_500_000), gen_listing(price=20_000)
    result = protected_purchase(shopper, (big, 1), (small, 2))
    orders = sorted(result.orders, key=lambda o: o.subtotal)
    assert [o.extras_total for o in orders] == [1_000, 3_000]
    assert [o.total for o in orders] == [41_000, 1_503_000]
    assert result.payment.amount == 1_544_000
    recorded = db.session.scalars(select(OrderProtection).order_by(OrderProtection.premium)).all()
    assert [(p.order_id, p.premium, p.rate_bps, p.goods_value) for p in recorded] == [
        (orders[0].id, 1_000, 20, 40_000),
        (orders[1].id, 3_000, 20, 1_500_000),
    ]


def test_without_the_extra_nothing_is_added(shop):
    result = buy(gen_shopper(), (gen_listing(price=50_000), 1))
    assert result.orders[0].total == 50_000 and result.payment.amount == 50_000
    assert db.session.scalar(select(OrderProtection.id)) is None


def test_the_agency_changes_rate_and_minimum(shop):
    app, _fake = shop
    agency = gen_user("petugas@test.id", role="agency")
    protection.set_terms(agency, "0,5", "2500")
    db.session.commit()
    result = protected_purchase(gen_shopper(), (gen_listing(price=1_000_000), 1))
    assert result.orders[0].extras_total == 5_000
    record = db.session.scalar(select(OrderProtection))
    assert record.rate_bps == 50 and record.minimum == 2500


def test_a_refunded_order_refunds_its_premium(shop):
    app, fake = shop
    from marketplace.orders import services as orders

    shopper = gen_shopper()
    result = protected_purchase(shopper, (gen_listing(price=1_000_000), 1), method="fake_transfer")
    order = result.orders[0]
    orders.apply_payment(result.payment.id, result.payment.amount, "IDR")
    db.session.commit()
    lifecycle.transition(db.session.get(Order, order.id), "cancelled", shopper, reason="Berubah pikiran")
    db.session.commit()
    assert fake.method.refunds == [(result.payment.id, 1_002_000)]  # goods + premium
    assert db.session.scalar(select(OrderProtection.status)) == "refunded"
    assert db.session.get(Payment, result.payment.id).refunded_amount == 1_002_000


def shipped_protected_order(shopper):
    """A prepaid protected order, paid (so its premium is collected) and shipped."""
    result = protected_purchase(shopper, (gen_listing(price=300_000), 1), method="fake_transfer")
    order = db.session.get(Order, result.orders[0].id)
    orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    admin = gen_user(role="admin")
    lifecycle.transition(order, "processing", admin)
    lifecycle.transition(order, "shipped", admin, tracking_number="JNE123")
    db.session.commit()
    return order


def test_the_shopper_of_a_protected_order_files_a_claim_the_same_way(shop):
    app, _fake = shop
    client = app.test_client()
    shopper = gen_shopper("siti@test.id")
    order = shipped_protected_order(shopper)
    tok = token(client, "siti@test.id")
    body = {
        "order": order.number,
        "incident_date": to_jakarta(order.placed_at).date().isoformat(),
        "cause": "tidak_sampai",
        "description": "Paket tidak pernah sampai walau resi menyatakan terkirim.",
        "amount": 300_000,
    }
    response = client.post("/api/v1/insurance/claims", json=body, headers=bearer(tok))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["order"] == order.number and response.get_json()["insurer"] == "jasindo"
    # over the goods value, a policy cause: refused
    for overrides, field in [({"amount": 300_001}, "amount"), ({"cause": "kebakaran"}, "cause")]:
        bad = client.post("/api/v1/insurance/claims", json={**body, **overrides}, headers=bearer(tok))
        assert bad.status_code == 422 and field in bad.get_json()["error"]["fields"]
    # the page form works too, and lists the claim
    login(client, "siti@test.id")
    assert client.get(f"/orders/{order.number}/protection-claim").status_code == 200
    html = client.get("/insurance/protection").get_data(as_text=True)
    assert order.number in html and "data-claim=" in html


def test_only_the_shopper_sees_its_protection_claims(shop):
    app, _fake = shop
    client = app.test_client()
    shopper = gen_shopper("siti@test.id")
    order = shipped_protected_order(shopper)
    gen_user("lain@test.id")
    jasindo = gen_user("klaim@jasindo.test", role="insurer", insurer="jasindo")
    askrindo = gen_user("klaim@askrindo.test", role="insurer", insurer="askrindo")
    seller = gen_user("penjual@test.id", role="seller")
    body = {
        "order": order.number,
        "incident_date": to_jakarta(order.placed_at).date().isoformat(),
        "cause": "barang_rusak",
        "description": "Kemasan pecah dan isinya rusak.",
        "amount": 100_000,
    }
    other = token(client, "lain@test.id")
    assert client.post("/api/v1/insurance/claims", json=body, headers=bearer(other)).status_code == 404
    login(client, "lain@test.id")
    assert client.get(f"/orders/{order.number}/protection-claim").status_code == 404
    claim_id = client.post(
        "/api/v1/insurance/claims", json=body, headers=bearer(token(client, "siti@test.id"))
    ).get_json()["id"]
    expected = {"siti@test.id": 200, "lain@test.id": 404, jasindo.email: 200, askrindo.email: 404, seller.email: 404}
    for email, status in expected.items():
        response = client.get(f"/api/v1/insurance/claims/{claim_id}", headers=bearer(token(client, email)))
        assert response.status_code == status, email


def test_no_claim_on_an_order_not_yet_shipped_or_refunded(shop):
    app, _fake = shop
    client = app.test_client()
    shopper = gen_shopper("siti@test.id")
    result = protected_purchase(shopper, (gen_listing(price=300_000), 1))
    body = {
        "order": result.orders[0].number,
        "incident_date": to_jakarta(result.orders[0].placed_at).date().isoformat(),
        "cause": "barang_rusak",
        "description": "Kemasan pecah dan isinya rusak.",
        "amount": 100_000,
    }
    response = client.post("/api/v1/insurance/claims", json=body, headers=bearer(token(client, "siti@test.id")))
    assert response.status_code == 422 and "order" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(Claim.id)) is None


# --- the plugin switched off -----------------------------------------------------------------------


def test_without_the_plugin_checkout_works_and_every_insurance_page_is_gone(make_app):
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        client = app.test_client()
        assert client.get("/api/v1/checkout/extras").get_json()["items"] == []
        shopper = gen_shopper("siti@test.id")
        result = buy(shopper, (gen_listing(price=50_000), 1))
        assert result.orders[0].total == 50_000
        with pytest.raises(ValidationError):
            buy(shopper, (gen_listing(price=50_000), 1), extras=["order_protection"])
        db.session.rollback()
        login(client, "siti@test.id")
        html = client.get("/checkout").get_data(as_text=True)
        assert "Proteksi pesanan" not in html
        for url in (
            "/seller/insurance",
            "/insurer/",
            "/agency/insurance",
            "/insurance/claims/1",
            "/insurance/protection",
            "/api/v1/insurance/products",
            "/api/v1/insurance/policies",
            "/seller/insurance/policies/1",
            f"/orders/{result.orders[0].number}/protection-claim",
        ):
            assert client.get(url).status_code == 404, url
        tok = token(client, "siti@test.id")
        assert client.post("/api/v1/insurance/claims", json={}, headers=bearer(tok)).status_code == 404
        assert "insurance" not in app.cli.commands


def test_the_order_page_shows_the_protection_through_its_slot(shop):
    """The buyer's order page (slot ``order_detail``): the protection, and the claim link once it shipped."""
    app, _fake = shop
    client = app.test_client()
    shopper = gen_shopper("siti@test.id")
    shipped = shipped_protected_order(shopper)
    unprotected = buy(shopper, (gen_listing(price=50_000), 1)).orders[0]
    db.session.commit()
    login(client, "siti@test.id")
    html = client.get(f"/orders/{shipped.number}").get_data(as_text=True)
    assert 'id="order-protection"' in html and "dilindungi" in html
    assert f'href="/orders/{shipped.number}/protection-claim"' in html
    assert 'id="order-protection"' not in client.get(f"/orders/{unprotected.number}").get_data(as_text=True)
