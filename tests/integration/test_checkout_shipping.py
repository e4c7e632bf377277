"""Ongkir at checkout (issue #18): a shopper in Tegal sees pickup and the store's own delivery,
chooses per store, pays goods plus ongkir; the server quotes again (409 on a changed price);
cash on delivery only where the store allows it; the older free-text address still checks out."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from tests.buying_factories import SHIPPING, cod_app, fill_cart, gen_listing, prepaid  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.shipping_factories import MARGADANA, TEGAL_TIMUR, gen_address, ship_from_tegal


@pytest.fixture
def api(cod_app):
    return ApiClient(cod_app.test_client())


@pytest.fixture
def tegal(cod_app, api):
    """Two Tegal stores that deliver themselves; a shopper in Tegal Timur with both in her cart."""
    batik, kuliner = gen_store(name="Batik Sari"), gen_store(name="Telur Asin Bu Tin")
    ship_from_tegal(batik)
    ship_from_tegal(kuliner, local={TEGAL_TIMUR: 5000}, free_above=100000, local_cod=False)
    shopper = gen_user("siti@test.id")
    address = gen_address(shopper, TEGAL_TIMUR)
    fill_cart(
        shopper,
        (gen_listing(price=150000, store=batik, name="Batik Tulis"), 1),
        (gen_listing(price=30000, store=kuliner, name="Telur Asin"), 2),
    )
    return {"batik": batik, "kuliner": kuliner, "address": address.id, "token": api.token("siti@test.id")}


def options_of(api, tegal, **shipping) -> dict:
    body = shipping or {"address_id": tegal["address"]}
    response = api.post("/checkout/shipping-options", body, token=tegal["token"])
    assert response.status_code == 200, response.get_json()
    return {item["store"]: item for item in response.get_json()["items"]}


def test_a_shopper_in_tegal_sees_pickup_and_local_delivery_per_store(api, tegal):
    items = options_of(api, tegal)

    batik = items[tegal["batik"].slug]["options"]
    assert [(o["id"], o["method"], o["price"], o["etd_days"]) for o in batik] == [
        ("pickup", "pickup", 0, "0"),
        ("local", "local", 8000, "0-1"),
    ]
    assert batik[0]["label"] == "Ambil sendiri di Stand B-12"
    kuliner = items[tegal["kuliner"].slug]
    assert [(o["id"], o["price"], o["cod"]) for o in kuliner["options"]] == [
        ("pickup", 0, True),
        ("local", 5000, False),
    ]


def test_local_delivery_is_free_above_the_stores_amount_and_absent_outside_its_districts(api, tegal):
    gen_address_elsewhere = gen_address(gen_user("rina@test.id"), MARGADANA)
    assert gen_address_elsewhere.district_code == MARGADANA
    items = options_of(
        api,
        tegal,
        name="Siti",
        phone="0812-3456-7890",
        street="Jl. Werkudoro No. 3, RT 01",
        district_code=MARGADANA,
        postal_code="52141",
    )
    assert [o["id"] for o in items[tegal["kuliner"].slug]["options"]] == ["pickup"]  # no Margadana price
    assert [o["price"] for o in items[tegal["batik"].slug]["options"]] == [0, 12000]


def test_checkout_charges_each_stores_ongkir_and_the_payment_is_their_sum(api, tegal, prepaid):
    batik, kuliner = tegal["batik"].slug, tegal["kuliner"].slug
    response = api.post(
        "/checkout",
        {
            "payment_method": "fake_transfer",
            "shipping": {
                "address_id": tegal["address"],
                "options": {batik: "local", kuliner: "local"},
                "prices": {batik: 8000, kuliner: 5000},
            },
        },
        token=tegal["token"],
    )

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    orders = {o["store"]: o for o in body["orders"]}
    assert (orders[batik]["subtotal"], orders[batik]["shipping_cost"], orders[batik]["total"]) == (150000, 8000, 158000)
    assert orders[batik]["shipping"]["label"] == "Diantar penjual"
    assert orders[batik]["shipping"]["district"] == "Tegal Timur"
    assert (orders[kuliner]["shipping_cost"], orders[kuliner]["total"]) == (5000, 65000)
    assert body["payment"]["amount"] == 158000 + 65000
    order = db.session.scalar(select(Order).where(Order.number == orders[batik]["number"]))
    assert (order.shipping_method, order.ship_region_code, order.shipping_etd) == ("local", TEGAL_TIMUR, "0-1")
    detail = api.get(f"/orders/{order.number}", token=tegal["token"]).get_json()
    assert (detail["shipping_cost"], detail["shipping"]["method"]) == (8000, "local")


def test_a_changed_ongkir_is_a_409_with_the_new_price_and_nothing_is_ordered(api, tegal, prepaid):
    batik, kuliner = tegal["batik"].slug, tegal["kuliner"].slug
    shipping = {"address_id": tegal["address"], "options": {batik: "local", kuliner: "pickup"}}
    response = api.post(
        "/checkout",
        {"payment_method": "fake_transfer", "shipping": {**shipping, "prices": {batik: 7000, kuliner: 0}}},
        token=tegal["token"],
    )

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "shipping_changed"
    assert error["prices"] == {batik: 8000}  # the new price, for a script
    assert error["fields"] == {f"shipping.prices.{batik}": "Ongkir sekarang Rp 8.000."}
    assert db.session.scalar(select(Order.id)) is None


@pytest.mark.parametrize(
    ("options", "field"),
    [({}, "batik"), ({"batik": "courier:jne:reg"}, "batik"), ({"batik": "teleport"}, "batik")],
)
def test_a_missing_or_unknown_option_is_a_422_naming_the_store(api, tegal, options, field):
    slugs = {"batik": tegal["batik"].slug}
    chosen = {slugs[k]: v for k, v in options.items()} | {tegal["kuliner"].slug: "pickup"}
    response = api.post(
        "/checkout",
        {"payment_method": "cash_on_delivery", "shipping": {"address_id": tegal["address"], "options": chosen}},
        token=tegal["token"],
    )

    assert response.status_code == 422
    assert f"shipping.options.{slugs[field]}" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(Order.id)) is None


def test_cash_on_delivery_only_where_the_store_allows_it_for_the_chosen_method(api, tegal):
    batik, kuliner = tegal["batik"].slug, tegal["kuliner"].slug
    shipping = {"address_id": tegal["address"], "options": {batik: "local", kuliner: "local"}}
    refused = api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": shipping}, token=tegal["token"])

    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert list(error["fields"]) == [f"shipping.options.{kuliner}"]
    assert "Telur Asin Bu Tin" in error["message"]
    assert db.session.scalar(select(Order.id)) is None

    shipping["options"][kuliner] = "pickup"  # pickup takes cash at this store
    taken = api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": shipping}, token=tegal["token"])
    assert taken.status_code == 201, taken.get_json()


def test_the_older_free_text_address_still_checks_out_with_pickup(api, cod_app):
    """CONTRACT.md's shape names no district: each store's cheapest option that can serve it
    (pickup; a store that never set shipping up is picked up at its shop)."""
    gen_user("rina@test.id")
    fill_cart(gen_user("budi@test.id"), (gen_listing(price=20000), 1))
    token = api.token("budi@test.id")
    response = api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": SHIPPING}, token=token)

    assert response.status_code == 201, response.get_json()
    order = response.get_json()["orders"][0]
    assert (order["shipping_cost"], order["total"], order["shipping"]["method"]) == (0, 20000, "pickup")
    assert order["shipping"]["address"] == SHIPPING["address"]


def test_a_store_that_only_delivers_cannot_take_the_older_address(api, cod_app):
    store = gen_store(name="Batik Sari")
    ship_from_tegal(store, pickup=False)
    fill_cart(gen_user("budi@test.id"), (gen_listing(price=20000, store=store), 1))
    response = api.post(
        "/checkout", {"payment_method": "cash_on_delivery", "shipping": SHIPPING}, token=api.token("budi@test.id")
    )

    assert response.status_code == 422
    assert f"shipping.options.{store.slug}" in response.get_json()["error"]["fields"]


def test_the_database_refuses_a_total_without_its_ongkir(api, tegal):
    batik, kuliner = tegal["batik"].slug, tegal["kuliner"].slug
    shipping = {"address_id": tegal["address"], "options": {batik: "local", kuliner: "pickup"}}
    assert api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": shipping}, token=tegal["token"])
    number = db.session.scalar(select(Order.id).where(Order.shipping_cost == 8000))

    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE orders SET total = subtotal WHERE id = :id"), {"id": number})
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE orders SET shipping_cost = -1, total = subtotal - 1 WHERE id = :id"), {"id": number}
        )
    db.session.rollback()
    assert db.session.scalar(select(Payment.amount)) == 150000 + 8000 + 60000


def test_bad_input_to_the_options_and_the_checkout_is_a_422_naming_the_field(api, tegal):
    bad_address = api.post("/checkout/shipping-options", {"address_id": 999999}, token=tegal["token"])
    assert bad_address.status_code == 422
    assert "address_id" in bad_address.get_json()["error"]["fields"]
    no_district = api.post(
        "/checkout/shipping-options",
        {"name": "Siti", "phone": "0812-3456-7890", "street": "Jl. Gajah Mada No. 5", "district_code": "99.99.99"},
        token=tegal["token"],
    )
    assert no_district.status_code == 422 and "district_code" in no_district.get_json()["error"]["fields"]
    chosen = {tegal["batik"].slug: "local", tegal["kuliner"].slug: "pickup"}
    for shipping, field in (
        ({"options": chosen, "prices": {tegal["batik"].slug: "8000"}}, "shipping.prices"),
        ({"options": list(chosen.values())}, "shipping.options"),
        ({"options": chosen, "prices": [8000]}, "shipping.prices"),
    ):
        body = {"payment_method": "cash_on_delivery", "shipping": {"address_id": tegal["address"], **shipping}}
        response = api.post("/checkout", body, token=tegal["token"])
        assert response.status_code == 422, (shipping, response.get_json())
        assert list(response.get_json()["error"]["fields"]) == [field]
    assert db.session.scalar(select(Order.id)) is None
