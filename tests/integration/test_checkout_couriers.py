"""Couriers at checkout (issue #18): a shopper with a Jakarta address sees JNE and J&T prices per
Tegal store from the enabled rate plugins, only the services each store chose; a line without a
weight keeps its store to pickup and local delivery; Biteship down → the table's rates and a
notice, never a failed checkout; the price charged is the one quoted again."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.orders.models import Order
from plugins.shipping_table import tables
from plugins.shipping_table.demo import DEFAULT_TABLE
from tests.buying_factories import FakePrepaidPlugin, fill_cart, gen_listing
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.shipping_factories import address_fields, ship_from_tegal

NOTICE = "Tarif kurir langsung sedang tidak tersedia; harga di bawah dari tabel tarif."


def closed_port() -> int:
    """A local port nobody listens on: connecting is refused at once (Biteship down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _world(app):
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        batik, kuliner = gen_store(name="Batik Sari"), gen_store(name="Telur Asin Bu Tin")
        ship_from_tegal(batik)  # JNE REG and YES, J&T EZ
        ship_from_tegal(kuliner, couriers={"jnt": ["ez"]})
        shopper = gen_user("rina@test.id", name="Rina")
        fill_cart(
            shopper,
            (gen_listing(price=150000, store=batik, name="Batik Tulis", weight_grams=300), 2),
            (gen_listing(price=30000, store=kuliner, name="Telur Asin", weight_grams=700), 3),
        )
        db.session.commit()
        return {"batik": batik.slug, "kuliner": kuliner.slug}


@pytest.fixture
def jakarta(make_app):
    app = make_app(plugins="cash_on_delivery,shipping_table")
    slugs = _world(app)
    api = ApiClient(app.test_client())
    with app.app_context():
        yield app, api, slugs, api.token("rina@test.id")


def _options(api, token, shipping=None) -> dict:
    response = api.post("/checkout/shipping-options", shipping or address_fields(), token=token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return {item["store"]: item for item in body["items"]} | {"notices": body["notices"]}


def test_a_shopper_in_jakarta_sees_jne_and_jnt_prices_per_tegal_store(jakarta):
    _app, api, slugs, token = jakarta
    items = _options(api, token)

    batik = [(o["id"], o["price"], o["etd_days"]) for o in items[slugs["batik"]]["options"]]
    assert batik == [
        ("pickup", 0, "0"),
        ("courier:jnt:ez", 11500, "1-2"),  # 600 g: one kilo to Jakarta Selatan
        ("courier:jne:reg", 12000, "1-2"),
        ("courier:jne:yes", 20500, "1"),
    ]
    labels = {o["id"]: o["label"] for o in items[slugs["batik"]]["options"]}
    assert labels["courier:jne:reg"] == "JNE REG"
    kuliner = [(o["id"], o["price"]) for o in items[slugs["kuliner"]]["options"]]
    assert kuliner == [("pickup", 0), ("courier:jnt:ez", 2 * 11500)]  # 2.1 kg, only the service it chose
    assert items["notices"] == []


def test_checkout_by_courier_charges_the_quoted_ongkir_and_cod_is_refused(jakarta):
    app, api, slugs, token = jakarta
    plugin_api.register(app, FakePrepaidPlugin(), "fake_prepaid")
    shipping = address_fields() | {
        "options": {slugs["batik"]: "courier:jne:reg", slugs["kuliner"]: "courier:jnt:ez"},
        "prices": {slugs["batik"]: 12000, slugs["kuliner"]: 23000},
    }
    refused = api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": shipping}, token=token)
    assert refused.status_code == 422  # neither store takes cash with a courier
    assert set(refused.get_json()["error"]["fields"]) == {f"shipping.options.{slug}" for slug in slugs.values()}

    response = api.post("/checkout", {"payment_method": "fake_transfer", "shipping": shipping}, token=token)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    orders = {o["store"]: o for o in body["orders"]}
    assert (orders[slugs["batik"]]["shipping_cost"], orders[slugs["batik"]]["total"]) == (12000, 312000)
    assert orders[slugs["batik"]]["shipping"]["courier"] == "jne"
    assert orders[slugs["batik"]]["shipping"]["district"] == "Kebayoran Baru"
    assert (orders[slugs["kuliner"]]["shipping_cost"], orders[slugs["kuliner"]]["total"]) == (23000, 113000)
    assert body["payment"]["amount"] == 312000 + 113000


def test_a_line_without_a_weight_keeps_its_store_to_pickup_and_local(make_app):
    app = make_app(plugins="cash_on_delivery,shipping_table")
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        store = gen_store(name="Batik Sari")
        ship_from_tegal(store)
        fill_cart(gen_user("rina@test.id"), (gen_listing(store=store, name="Sarung"), 1))
        slug = store.slug
        api = ApiClient(app.test_client())
        items = _options(api, api.token("rina@test.id"))

    assert [o["id"] for o in items[slug]["options"]] == ["pickup"]
    assert items[slug]["message"] is None


def test_biteship_down_means_table_rates_and_a_notice_and_checkout_goes_on(make_app):
    app = make_app(
        plugins="cash_on_delivery,shipping_table,biteship",
        BITESHIP_API_KEY="biteship_test.key",
        BITESHIP_BASE_URL=f"http://127.0.0.1:{closed_port()}",
        BITESHIP_CACHE_SECONDS=0,
    )
    slugs = _world(app)
    api = ApiClient(app.test_client())
    with app.app_context():
        token = api.token("rina@test.id")
        items = _options(api, token)
        assert items["notices"] == [NOTICE]
        assert [o["price"] for o in items[slugs["batik"]]["options"] if o["id"] == "courier:jne:reg"] == [12000]
        assert {o["kind"] for o in items[slugs["batik"]]["options"] if o["method"] == "courier"} == {"table"}

        shipping = address_fields() | {"options": {slugs["batik"]: "courier:jne:reg", slugs["kuliner"]: "pickup"}}
        response = api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": shipping}, token=token)
        assert response.status_code == 422  # JNE does not take cash at this store
        shipping["options"][slugs["batik"]] = "pickup"
        response = api.post("/checkout", {"payment_method": "cash_on_delivery", "shipping": shipping}, token=token)
        assert response.status_code == 201, response.get_json()
        assert db.session.scalar(select(Order.shipping_method).limit(1)) == "pickup"
