"""The checkout page with shipping (issue #18): the default address pre-selected, each store's
options with ongkir and days, the summary adding ongkir; without JavaScript a new district is
quoted by a round trip; the price charged is the one shown (409 when it changed)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.shipping import offer_settings
from tests.buying_factories import cod_app, fill_cart, gen_listing  # noqa: F401
from tests.factories import gen_store, gen_user
from tests.integration.test_buying_pages import hidden, login
from tests.shipping_factories import MARGADANA, TEGAL_TIMUR, gen_address, ship_from_tegal


@pytest.fixture
def client(cod_app):
    return cod_app.test_client()


@pytest.fixture
def tegal(client):
    store = gen_store(name="Batik Sari")
    ship_from_tegal(store)
    shopper = gen_user("siti@test.id", name="Siti")
    address = gen_address(shopper, TEGAL_TIMUR)
    fill_cart(shopper, (gen_listing(price=150000, store=store, name="Batik Tulis"), 1))
    login(client, "siti@test.id")
    return {"store": store, "slug": store.slug, "address": address.id}


def form_of(html: str, **fields) -> dict:
    return {
        "payment_method": "cash_on_delivery",
        "cart_version": hidden(html, "cart_version"),
        "idempotency_key": hidden(html, "idempotency_key"),
        **fields,
    }


def test_the_page_shows_each_stores_options_and_adds_the_cheapest_to_the_total(client, tegal):
    html = client.get("/checkout").get_data(as_text=True)

    assert re.search(rf'name="address_id" value="{tegal["address"]}"[^>]*checked', html)
    assert f'name="ship_{tegal["slug"]}" value="pickup|0"' in html
    assert 'value="local|8000" data-price="8000"' in html and "0-1 hari" in html
    assert "Ambil sendiri di Stand B-12" in html and "Bisa bayar di tempat" in html
    assert 'id="checkout-total" data-goods="150000">Rp 150.000<' in html  # pickup, the cheapest, is chosen


def test_without_javascript_a_new_district_is_quoted_by_a_round_trip(client, tegal):
    html = client.get("/checkout").get_data(as_text=True)
    response = client.post(
        "/checkout",
        data=form_of(
            html,
            address_id="new",
            district_code=MARGADANA,
            refresh_shipping="1",
            **{f"ship_{tegal['slug']}": "local|8000"},
        ),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="local|12000"' in page and "Rp 162.000" in page  # the local option kept, at Margadana's price
    assert db.session.scalar(select(Order.id)) is None


def test_the_shopper_chooses_local_delivery_and_pays_goods_plus_ongkir(client, tegal):
    html = client.get("/checkout").get_data(as_text=True)
    response = client.post(
        "/checkout", data=form_of(html, address_id=str(tegal["address"]), **{f"ship_{tegal['slug']}": "local|8000"})
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    order = db.session.scalar(select(Order))
    assert (order.shipping_cost, order.total, order.shipping_label) == (8000, 158000, "Diantar penjual")
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rp 158.000" in done
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Diantar penjual" in page and "Rp 8.000" in page


def test_a_price_changed_since_the_page_was_shown_comes_back_with_the_new_price(client, tegal):
    html = client.get("/checkout").get_data(as_text=True)
    offer_settings.update_settings(
        tegal["store"], {"local": {"prices": [{"district_code": TEGAL_TIMUR, "price": 9000}]}}, None
    )
    db.session.commit()
    response = client.post(
        "/checkout", data=form_of(html, address_id=str(tegal["address"]), **{f"ship_{tegal['slug']}": "local|8000"})
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ongkos kirim berubah" in page and 'value="local|9000"' in page
    assert db.session.scalar(select(Order.id)) is None


def test_a_new_address_without_a_district_comes_back_with_the_message(client, tegal):
    html = client.get("/checkout").get_data(as_text=True)
    response = client.post(
        "/checkout",
        data=form_of(
            html,
            address_id="new",
            name="Siti",
            phone="0812-3456-7890",
            address="Jl. Gajah Mada No. 5",
            postal_code="52124",
            village_code="99.99.99.9999",
        ),
    )

    assert response.status_code == 422
    assert db.session.scalar(select(Order.id)) is None


def test_the_mails_show_ongkir_method_and_days(client, tegal, monkeypatch):
    sent = []
    monkeypatch.setattr("marketplace.mail.deliver", sent.append)
    owner = gen_user("darto@test.id", role="seller", name="Pak Darto")
    tegal["store"].owner_id = owner.id
    db.session.commit()
    html = client.get("/checkout").get_data(as_text=True)
    client.post(
        "/checkout", data=form_of(html, address_id=str(tegal["address"]), **{f"ship_{tegal['slug']}": "local|8000"})
    )

    to_shopper = next(m.get_content() for m in sent if m["To"] == "siti@test.id")
    assert "Ongkir (Diantar penjual, 0-1 hari) Rp 8.000" in to_shopper and "Total: Rp 158.000" in to_shopper
    to_seller = next(m.get_content() for m in sent if m["To"] == "darto@test.id")
    assert "Ongkos kirim (untuk toko, tanpa komisi): Rp 8.000" in to_seller
    assert "Cara pengiriman: Diantar penjual (0-1 hari)" in to_seller
