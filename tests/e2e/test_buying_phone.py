"""Issue #20 on a 360 x 740 phone: the cart shows the photo and a stepper (+ then -), checkout
starts from the saved address and the shopper's last way of paying, and the order page has its
totals on the first screen after the lines; no page scrolls sideways. The screenshots cart,
checkout and order are the ones the README links. The live server runs tests/channels_app.py
(cash on delivery beside the tests-only ``fake_va`` method)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from marketplace import plugin_api
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.shipping import addresses
from tests.buying_factories import fill_cart, gen_listing, place
from tests.channels_support import METHOD_ID, FakeChannelsPlugin
from tests.e2e.test_buying_journey import sign_in
from tests.factories import gen_store, gen_user
from tests.live_server import LiveServer, live_config

PHONE = {"width": 360, "height": 740}
HOME = {
    "label": "Rumah",
    "recipient": "Siti Aminah",
    "phone": "081234567890",
    "province_code": "33",
    "regency_code": "33.76",
    "district_code": "33.76.02",
    "village_code": "33.76.02.1001",
    "street": "Jl. Kapten Sudibyo No. 12",
    "postal_code": "52131",
}


@pytest.fixture
def live_server(e2e_app, tmp_path):
    config = live_config(e2e_app)
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log", app="tests.channels_app:app") as s:
        yield s


def _photo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (180, 83, 9)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def _shop(e2e_app):
    """A tea with a photo, and Siti: a saved address and a last payment by virtual account (BRI)."""
    plugin_api.register(e2e_app, FakeChannelsPlugin(), METHOD_ID)
    seller = gen_user("darto@test.id", role="seller", name="Pak Darmo")
    tea = gen_listing(store=gen_store(owner=seller, name="Teh Poci Pak Darmo"), price=25000, stock=20)
    catalog.add_image(db.session.get(Product, tea.product_id), seller, _photo())
    siti = gen_user("siti@test.id", name="Siti Aminah", phone="081234567890")
    home = addresses.create(siti, HOME)
    db.session.commit()
    fill_cart(siti, (tea, 1))
    place(siti, METHOD_ID, payment_channel="BRI", shipping={"address_id": home.id})
    fill_cart(siti, (tea, 1))
    return home


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_a_shopper_buys_on_a_phone(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    page.set_viewport_size(PHONE)
    home = _shop(e2e_app)
    sign_in(page, "siti@test.id")

    page.goto("/cart")
    line = page.locator("li.cart-line")
    assert "/media/" in line.locator("img").get_attribute("src")
    assert line.locator("img").evaluate("img => img.complete && img.naturalWidth > 0"), "the photo loads"
    line.get_by_role("button", name="Tambah satu").click()
    expect(page.locator("li.cart-line input[name=quantity]")).to_have_value("2")
    expect(page.locator("#cart-total")).to_have_text("Rp 50.000")
    page.locator("li.cart-line").get_by_role("button", name="Kurangi satu").click()
    expect(page.locator("li.cart-line input[name=quantity]")).to_have_value("1")
    expect(page.locator("#cart-total")).to_have_text("Rp 25.000")
    expect(page.locator(".total-bar")).to_be_in_viewport()
    no_sideways_scroll(page)
    screenshot("cart")

    page.get_by_role("link", name="Lanjut ke checkout").click()
    expect(page.locator(f"input[name=address_id][value='{home.id}']")).to_be_checked()
    expect(page.locator(f"input[name=payment_method][value={METHOD_ID}]")).to_be_checked()
    expect(page.locator(f"input[name=channel-{METHOD_ID}][value=BRI]")).to_be_checked()
    expect(page.locator("#place-order")).to_be_in_viewport()  # the bar at the bottom of the screen
    no_sideways_scroll(page)
    screenshot("checkout")

    page.locator("input[name=payment_method][value=cash_on_delivery]").check()
    page.locator("#place-order").click()
    expect(page.locator("main h1")).to_contain_text("Pesanan Anda sudah dibuat")
    no_sideways_scroll(page)
    page.locator("table.complete-orders a").first.click()
    expect(page.locator("#order-status")).to_have_text("Diproses — bayar saat barang tiba")
    totals = page.locator(".order-totals").bounding_box()
    lines = page.locator(".order-lines").bounding_box()
    assert totals and lines and lines["y"] + lines["height"] <= totals["y"] < PHONE["height"], (lines, totals)
    expect(page.locator(".order-total")).to_be_in_viewport()
    no_sideways_scroll(page)
    screenshot("order")
