"""The product page's ongkir estimate (issue #18): "Ongkir mulai Rp …" for visitors, the same for
all of them (the page is cached for them), and for a signed-in shopper the cheapest delivery to
their default address, never taken from the cache."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from plugins.shipping_table import tables
from plugins.shipping_table.demo import DEFAULT_TABLE
from tests.factories import PASSWORD, gen_product, gen_store, gen_user
from tests.shipping_factories import KEBAYORAN_BARU, TEGAL_BARAT, TEGAL_TIMUR, gen_address, ship_from_tegal


@pytest.fixture
def app(make_app):
    app = make_app(plugins="shipping_table", PAGE_CACHE=True)
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        db.session.commit()
        yield app


@pytest.fixture
def batik(app):
    store = gen_store(name="Batik Sari")
    ship_from_tegal(store, local={TEGAL_BARAT: 5000, TEGAL_TIMUR: 8000})
    product = gen_product(store, name="Batik Tulis", price=150000, category=None, weight_grams=400)
    return product.id


def estimate_of(html: str) -> str:
    start = html.index('id="ongkir-estimate">') + len('id="ongkir-estimate">')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_a_visitor_sees_the_least_a_delivery_costs_and_pickup(client, batik):
    html = client.get(f"/products/{batik}").get_data(as_text=True)
    assert estimate_of(html) == "Ongkir mulai Rp 5.000 · bisa diambil sendiri"


def test_a_shopper_sees_the_cheapest_to_their_default_address_not_the_cached_page(app, client, batik):
    client.get(f"/products/{batik}")  # the visitor's page, now cached
    shopper = gen_user("rina@test.id")
    gen_address(shopper, KEBAYORAN_BARU, "12110")
    client.post("/login", data={"email": "rina@test.id", "password": PASSWORD})

    html = client.get(f"/products/{batik}").get_data(as_text=True)

    assert estimate_of(html) == "Ongkir ke Kebayoran Baru mulai Rp 11.500 · bisa diambil sendiri"  # J&T EZ, 1 kg
    visitor = app.test_client()
    assert estimate_of(visitor.get(f"/products/{batik}").get_data(as_text=True)).startswith("Ongkir mulai Rp 5.000")
