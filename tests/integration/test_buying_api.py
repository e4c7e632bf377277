"""The buying endpoints of CONTRACT.md's JSON API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.catalog import services as catalog
from marketplace.checkout.models import Checkout
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.buying_factories import SHIPPING, cod_app, gen_listing, stock_of  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user


@pytest.fixture
def api(cod_app):
    return ApiClient(cod_app.test_client())


@pytest.fixture
def shopper(api):
    gen_user("siti@test.id", name="Siti Aminah")
    return api.token("siti@test.id")


def _checkout(api, token, **body):
    body.setdefault("payment_method", "cash_on_delivery")
    body.setdefault("shipping", SHIPPING)
    headers = body.pop("headers", {})
    return api.post("/checkout", body, token=token, headers=headers)


def _orders_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def test_cart_add_change_remove(api, shopper):
    tea = gen_listing(price=25000, stock=10)
    batik = gen_listing(price=350000, stock=2, name="Batik")
    response = api.post("/cart/items", {"variant_id": tea.id, "quantity": 2}, token=shopper)
    assert response.status_code == 201
    api.post("/cart/items", {"variant_id": batik.id, "quantity": 1}, token=shopper)
    cart = api.get("/cart", token=shopper).get_json()
    assert cart["count"] == 3 and cart["total"] == 400000 and len(cart["stores"]) == 2
    line = next(i for i in cart["items"] if i["variant_id"] == tea.id)
    assert (line["price"], line["quantity"], line["line_total"], line["problem"]) == (25000, 2, 50000, None)
    cart = api.patch(f"/cart/items/{line['id']}", {"quantity": 5}, token=shopper).get_json()
    assert cart["total"] == 475000
    cart = api.delete(f"/cart/items/{line['id']}", token=shopper).get_json()
    assert [i["variant_id"] for i in cart["items"]] == [batik.id]


@pytest.mark.parametrize("quantity", [0, -3, 10**9, "lima", 2.5, None, True])
def test_bad_quantity_is_a_422_with_the_field(api, shopper, quantity):
    variant = gen_listing()
    response = api.post("/cart/items", {"variant_id": variant.id, "quantity": quantity}, token=shopper)
    assert response.status_code == 422
    assert "quantity" in response.get_json()["error"]["fields"]


def test_cart_needs_a_token_and_a_json_body(api, shopper):
    assert api.get("/cart").status_code == 401
    assert api.post("/cart/items", token=shopper, data="not json", content_type="text/plain").status_code == 422
    assert api.post("/cart/items", {"variant_id": 99999, "quantity": 1}, token=shopper).status_code == 404
    assert api.delete("/cart/items/99999", token=shopper).status_code == 404


def test_a_suspended_store_s_variant_is_a_409(api, shopper):
    from marketplace.stores import services as stores

    store = gen_store()
    variant = gen_listing(store=store)
    stores.set_status(store, None, "suspended", "Izin usaha kedaluwarsa")
    db.session.commit()
    response = api.post("/cart/items", {"variant_id": variant.id, "quantity": 1}, token=shopper)
    assert response.status_code == 409 and "tidak dijual" in response.get_json()["error"]["message"]


def test_checkout_makes_one_order_per_store_under_one_payment(api, shopper):
    tea, batik = gen_listing(price=25000, stock=5), gen_listing(price=350000, stock=2, name="Batik")
    api.post("/cart/items", {"variant_id": tea.id, "quantity": 2}, token=shopper)
    api.post("/cart/items", {"variant_id": batik.id, "quantity": 1}, token=shopper)
    response = _checkout(api, shopper)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert sorted(o["total"] for o in body["orders"]) == [50000, 350000]
    assert all(
        o["status"] == "pending_payment" and o["number"].startswith("APK-") and o["store"] for o in body["orders"]
    )
    payment = body["payment"]
    assert (payment["method"], payment["amount"], payment["status"]) == ("cash_on_delivery", 400000, "pending")
    assert "Rp 400.000" in payment["instructions"]
    assert api.get("/cart", token=shopper).get_json()["items"] == []


def test_prices_come_from_the_database_not_the_request(api, shopper):
    tea = gen_listing(price=25000)
    api.post("/cart/items", {"variant_id": tea.id, "quantity": 1, "price": 1}, token=shopper)
    body = _checkout(api, shopper, total=1, orders=[{"total": 1}]).get_json()
    assert body["payment"]["amount"] == 25000


def test_short_stock_is_a_409_and_nothing_is_reserved(api, shopper):
    plenty, scarce = gen_listing(stock=10), gen_listing(stock=3, name="Kain Tenun Ikat")
    api.post("/cart/items", {"variant_id": plenty.id, "quantity": 4}, token=shopper)
    api.post("/cart/items", {"variant_id": scarce.id, "quantity": 3}, token=shopper)
    catalog.update_variant(scarce, None, {"stock": 1})  # the seller counted again meanwhile
    db.session.commit()
    response = _checkout(api, shopper)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "out_of_stock" and "Kain Tenun Ikat" in error["message"]
    assert stock_of(plenty.id) == 10 and stock_of(scarce.id) == 1 and _orders_count() == 0


def test_a_cart_changed_since_it_was_viewed_is_a_409(api, shopper):
    variant = gen_listing(price=25000)
    api.post("/cart/items", {"variant_id": variant.id, "quantity": 1}, token=shopper)
    version = api.get("/cart", token=shopper).get_json()["version"]
    catalog.update_variant(variant, None, {"price": 30000})
    db.session.commit()
    response = _checkout(api, shopper, cart_version=version)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "cart_changed"
    assert _orders_count() == 0
    fresh = api.get("/cart", token=shopper).get_json()["version"]
    assert _checkout(api, shopper, cart_version=fresh).status_code == 201


def test_the_same_idempotency_key_makes_one_set_of_orders(api, shopper):
    variant = gen_listing(stock=5)
    api.post("/cart/items", {"variant_id": variant.id, "quantity": 2}, token=shopper)
    first = _checkout(api, shopper, headers={"Idempotency-Key": "mobile-app-7f3a9c2e"})
    again = _checkout(api, shopper, headers={"Idempotency-Key": "mobile-app-7f3a9c2e"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.get_json() == again.get_json()
    assert _orders_count() == 1 and stock_of(variant.id) == 3
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 1


def test_bad_checkout_input_is_a_422_naming_the_fields(api, shopper):
    api.post("/cart/items", {"variant_id": gen_listing().id, "quantity": 1}, token=shopper)
    response = _checkout(
        api, shopper, shipping={"name": "", "phone": "123", "address": "x", "city": "Tegal", "postal_code": "1"}
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {
        "shipping.name",
        "shipping.phone",
        "shipping.address",
        "shipping.postal_code",
    }
    assert _checkout(api, shopper, payment_method="bitcoin").status_code == 422
    assert _checkout(api, shopper, extras="all").status_code == 422
    assert _orders_count() == 0


def test_an_empty_cart_is_a_409(api, shopper):
    response = _checkout(api, shopper)
    assert response.status_code == 409 and "kosong" in response.get_json()["error"]["message"]


def test_orders_list_detail_and_cancel(api, shopper):
    variant = gen_listing(stock=5, price=40000)
    api.post("/cart/items", {"variant_id": variant.id, "quantity": 2}, token=shopper)
    number = _checkout(api, shopper).get_json()["orders"][0]["number"]
    listing = api.get("/orders", token=shopper).get_json()
    assert listing["total"] == 1 and listing["items"][0]["number"] == number
    order = api.get(f"/orders/{number}", token=shopper).get_json()
    assert order["lines"][0]["unit_price"] == 40000 and order["shipping"]["postal_code"] == "52131"
    cancelled = api.post(f"/orders/{number}/cancel", {"reason": "Salah ukuran"}, token=shopper)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert stock_of(variant.id) == 5
    again = api.post(f"/orders/{number}/cancel", token=shopper)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_another_shoppers_order_is_a_404(api, shopper):
    api.post("/cart/items", {"variant_id": gen_listing().id, "quantity": 1}, token=shopper)
    number = _checkout(api, shopper).get_json()["orders"][0]["number"]
    gen_user("budi@test.id")
    other = api.token("budi@test.id")
    assert api.get(f"/orders/{number}", token=other).status_code == 404
    assert api.post(f"/orders/{number}/cancel", token=other).status_code == 404


def test_the_seller_sees_only_its_store_s_orders_and_moves_them(api, shopper):
    seller = gen_user("seller@test.id", role="seller")
    mine = gen_listing(store=gen_store(owner=seller, name="Logam Jaya"), price=75000)
    theirs = gen_listing(price=10000)
    api.post("/cart/items", {"variant_id": mine.id, "quantity": 1}, token=shopper)
    api.post("/cart/items", {"variant_id": theirs.id, "quantity": 1}, token=shopper)
    placed = _checkout(api, shopper).get_json()["orders"]
    my_number = next(o["number"] for o in placed if o["store"] == "logam-jaya")
    their_number = next(o["number"] for o in placed if o["store"] != "logam-jaya")
    token = api.token("seller@test.id")
    queue = api.get("/seller/orders", token=token).get_json()
    assert [o["number"] for o in queue["items"]] == [my_number]
    assert api.get(f"/seller/orders/{their_number}", token=token).status_code == 404
    assert api.post(f"/seller/orders/{their_number}/status", {"status": "processing"}, token=token).status_code == 404
    accepted = api.post(f"/seller/orders/{my_number}/status", {"status": "processing"}, token=token)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "processing"
    no_resi = api.post(f"/seller/orders/{my_number}/status", {"status": "shipped", "courier": "JNE"}, token=token)
    assert no_resi.status_code == 422 and "tracking_number" in no_resi.get_json()["error"]["fields"]
    shipped = api.post(
        f"/seller/orders/{my_number}/status",
        {"status": "shipped", "tracking_number": "cgk 0000 0000 42", "courier": "JNE"},
        token=token,
    ).get_json()
    assert (shipped["status"], shipped["courier"], shipped["tracking_number"]) == ("shipped", "jne", "CGK0000000042")
    back = api.post(f"/seller/orders/{my_number}/status", {"status": "processing"}, token=token)
    assert back.status_code == 409
    assert api.get("/seller/orders?status=shipped", token=token).get_json()["total"] == 1
    assert api.get("/seller/orders?store=not-mine", token=token).status_code == 422
    assert api.get("/seller/orders", token=shopper).get_json()["items"] == []  # a shopper runs no store


def test_review_only_after_completion_once_per_line_only_by_the_buyer(api, shopper):
    seller = gen_user("seller@test.id", role="seller")
    variant = gen_listing(store=gen_store(owner=seller), name="Teh Tubruk")
    api.post("/cart/items", {"variant_id": variant.id, "quantity": 1}, token=shopper)
    number = _checkout(api, shopper).get_json()["orders"][0]["number"]
    early = api.post(f"/orders/{number}/reviews", {"rating": 5, "comment": "Mantap"}, token=shopper)
    assert early.status_code == 409 and "selesai" in early.get_json()["error"]["message"]
    token = api.token("seller@test.id")
    api.post(f"/seller/orders/{number}/status", {"status": "processing"}, token=token)
    api.post(f"/seller/orders/{number}/status", {"status": "shipped", "tracking_number": "SC-1"}, token=token)
    assert api.post(f"/orders/{number}/complete", token=shopper).get_json()["status"] == "completed"
    assert api.post(f"/orders/{number}/reviews", {"rating": 9}, token=shopper).status_code == 422
    gen_user("budi@test.id")
    stranger = api.token("budi@test.id")
    assert api.post(f"/orders/{number}/reviews", {"rating": 4}, token=stranger).status_code == 404
    created = api.post(f"/orders/{number}/reviews", {"rating": 5, "comment": "Wangi, asli Tegal"}, token=shopper)
    assert created.status_code == 201 and created.get_json()["rating"] == 5
    twice = api.post(f"/orders/{number}/reviews", {"rating": 1}, token=shopper)
    assert twice.status_code == 409


def test_payment_methods_and_checkout_extras_are_public(api):
    assert [m["id"] for m in api.get("/payment-methods").get_json()["items"]] == ["cash_on_delivery"]
    assert api.get("/checkout/extras").get_json() == {"items": []}
