"""Issue #20, the buying pages: the cart's lines carry a photo and a - / + stepper that works
without JavaScript, checkout starts from the saved address and the shopper's last way of paying
(read from their last payment, not from the browser's session), and the order page shows its
lines as cards with the totals right after them."""

from __future__ import annotations

import re

import pytest

from marketplace.catalog.models import ProductImage
from marketplace.extensions import db
from marketplace.shipping import addresses
from tests.buying_factories import cod_app, fill_cart, gen_listing, place
from tests.channels_support import METHOD_ID, va
from tests.factories import PASSWORD, gen_user

__all__ = ["cod_app", "va"]  # fixtures used by name
TEGAL = {
    "label": "Rumah",
    "recipient": "Siti Aminah",
    "phone": "081234567891",
    "province_code": "33",
    "regency_code": "33.76",
    "district_code": "33.76.02",
    "village_code": "33.76.02.1001",
    "street": "Jl. Kapten Sudibyo No. 5",
    "postal_code": "52131",
}


@pytest.fixture
def client(cod_app, va):
    return cod_app.test_client()


@pytest.fixture
def siti(client):
    user = gen_user("siti@test.id", name="Siti Aminah")
    assert client.post("/login", data={"email": "siti@test.id", "password": PASSWORD}).status_code == 302
    return user


def _photographed_listing(**kw):
    variant = gen_listing(**kw)
    db.session.add(ProductImage(product_id=variant.product_id, path="products/teh.jpg", width=800, height=800))
    db.session.commit()
    return variant


def _line(html: str) -> str:
    return re.search(r'<li class="cart-line.*?</li>', html, re.S).group(0)


def test_a_cart_line_shows_its_photo_linked_name_and_a_stepper(client, siti):
    variant = _photographed_listing(name="Teh Poci Gula Batu", price=25000)
    fill_cart(siti, (variant, 1))
    line = _line(client.get("/cart").get_data(as_text=True))
    assert "/media/products/teh" in line and f'href="/products/{variant.product_id}"' in line
    assert re.search(r'name="step" value="-1"[^>]*disabled', line), "no fewer than one"
    assert 'name="step" value="1"' in line and ">Hapus<" in line and 'id="cart-total"' in client.get("/cart").text


def test_the_stepper_adds_and_takes_one_without_javascript(client, siti):
    variant = _photographed_listing(stock=3)
    fill_cart(siti, (variant, 1))
    item = re.search(r"/cart/items/(\d+)\"", client.get("/cart").text).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/cart").text).group(1)

    def step(quantity: str, by: str):
        return client.post(f"/cart/items/{item}", data={"csrf_token": token, "quantity": quantity, "step": by})

    assert step("1", "1").status_code == 302
    assert re.search(r'name="quantity"[^>]*value="2"', client.get("/cart").text)
    assert step("2", "-1").status_code == 302
    assert re.search(r'name="quantity"[^>]*value="1"', client.get("/cart").text)
    too_many = step("3", "1")  # the stock is 3: the message comes back next to the line
    assert too_many.status_code in (409, 422) and "qty-" + item + "-error" in too_many.text
    assert step("1", "0").status_code == 302  # anything but -1 or 1 is no step: the typed quantity


def test_checkout_starts_from_the_saved_address_and_the_last_payment(client, siti):
    home = addresses.create(siti, TEGAL)
    fill_cart(siti, (gen_listing(), 1))
    place(siti, METHOD_ID, payment_channel="BRI", shipping={"address_id": home.id})  # no web session saw it
    fill_cart(siti, (gen_listing(), 1))
    html = client.get("/checkout").get_data(as_text=True)
    assert re.search(rf'name="address_id" value="{home.id}"[^>]*checked', html)
    assert re.search(rf'name="payment_method" value="{METHOD_ID}" checked', html)
    assert re.search(r'name="channel-fake_va" value="BRI" checked', html)
    assert 'class="total-bar checkout-total"' in html and 'id="place-order"' in html


def test_the_order_page_shows_lines_as_cards_and_totals_after_them(client, siti):
    fill_cart(siti, (_photographed_listing(name="Batik Tulis", price=150000), 2))
    order = place(siti, "cash_on_delivery").orders[0]
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    lines, totals = html.index('class="order-lines"'), html.index('class="order-totals"')
    assert lines < totals < html.index('class="history"')
    line = re.search(r'<li class="order-line">.*?</li>', html, re.S).group(0)
    assert "/media/products/teh" in line and "2 × Rp 150.000" in line and "Rp 300.000" in line
    assert re.search(r'class="order-total">Rp 300\.000<', html)
    assert 'class="order-actions"' in html and html.count(">Batalkan pesanan<") == 1
    assert html.count('id="cancel-reason"') == 1
