"""On a 360 px phone, a shopper pays two stores' orders by QRIS and, in a second checkout, by a
BCA virtual account; the fake Xendit's notification reaches the live app and the pay page
moves on to the orders, paid."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from tests.buying_factories import gen_listing
from tests.e2e.conftest import choose_district
from tests.e2e.test_buying_journey import add_to_cart, sign_in
from tests.factories import gen_store, gen_user
from tests.fakes.xendit_server import CALLBACK_TOKEN, SECRET_KEY, FakeXendit
from tests.live_server import LiveServer, live_config


@pytest.fixture
def fake_xendit():
    fake = FakeXendit().start()
    yield fake
    fake.stop()


@pytest.fixture
def e2e_app(make_app, fake_xendit):
    app = make_app(
        plugins="xendit,cash_on_delivery",
        WTF_CSRF_ENABLED=True,
        XENDIT_SECRET_KEY=SECRET_KEY,
        XENDIT_CALLBACK_TOKEN=CALLBACK_TOKEN,
        XENDIT_API_BASE=fake_xendit.url,
    )
    with app.app_context():
        yield app


@pytest.fixture
def live_server(e2e_app, fake_xendit, tmp_path):
    config = {
        **live_config(e2e_app),
        "XENDIT_SECRET_KEY": SECRET_KEY,
        "XENDIT_CALLBACK_TOKEN": CALLBACK_TOKEN,
        "XENDIT_API_BASE": fake_xendit.url,
    }
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        fake_xendit.webhook_url = server.url + "/webhooks/xendit"
        yield server


@pytest.fixture
def browser_page(chromium, live_server):
    """A phone: 360 px wide."""
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _checkout(page: Page, method: str, channel: str | None = None) -> None:
    page.goto("/checkout")
    page.fill("#name", "Rina Wulandari")
    page.fill("#phone", "081234567890")
    page.fill("#address", "Jl. Kapten Sudibyo No. 12, RT 02/RW 03, Kemandungan")
    choose_district(page)
    page.fill("#postal_code", "52131")
    page.locator(f"input[name=payment_method][value={method}]").check()
    if channel:
        page.locator(f"input[name=channel-{method}][value={channel}]").check()
    page.locator("#place-order").click()


def _fits(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _open_request(fake: FakeXendit) -> str:
    [pr_id] = [pr["id"] for pr in fake.payment_requests.values() if pr["status"] != "SUCCEEDED"]
    return pr_id


def test_a_shopper_pays_two_stores_by_qris_then_by_virtual_account_on_a_phone(
    e2e_app, live_server, fake_xendit, browser_page: Page, screenshot
):
    page = browser_page
    gen_user("rina@test.id", name="Rina Wulandari")
    batik = gen_listing(store=gen_store(name="Batik Sari"), price=150000, stock=5, name="Batik Tulis Tegalan")
    teh = gen_listing(store=gen_store(name="Teh Poci Bu Tin"), price=25000, stock=9, name="Teh Poci")
    db.session.commit()
    sign_in(page, "rina@test.id")

    # --- QRIS: the QR drawn by the app, amount, countdown; paid by the notification --------
    add_to_cart(page, batik.product_id, 1)
    add_to_cart(page, teh.product_id, 2)
    _checkout(page, "qris")
    expect(page.locator("main h1")).to_have_text("Bayar pesanan")
    expect(page.locator("#xendit-qr svg")).to_be_visible()
    expect(page.locator("#xendit-amount")).to_have_text("Rp 200.000")
    expect(page.locator("[data-deadline]")).to_have_text(re.compile(r"^00:(29|30):\d\d$"))
    assert page.locator("#xendit-qr svg").bounding_box()["width"] >= 280  # large on a phone
    _fits(page)
    screenshot("qris-pay-page")
    assert fake_xendit.send(fake_xendit.pay(_open_request(fake_xendit))) == 200
    page.wait_for_url("**/orders")  # the page saw it paid and moved on
    expect(page.locator("main")).not_to_contain_text("Menunggu pembayaran")
    expect(page.locator("main")).to_contain_text("Dibayar")
    screenshot("qris-orders-paid")

    # --- virtual account: the bank picked at checkout, the number to copy, the steps -------
    add_to_cart(page, teh.product_id, 1)
    _checkout(page, "virtual_account", "BCA")
    number = page.locator("#xendit-va-number")
    expect(number).to_have_text(re.compile(r"^8808\d{12}$"))
    expect(page.locator("main")).to_contain_text("m-Transfer")
    page.locator("main details summary").nth(1).click()
    expect(page.locator("main details").nth(1)).to_have_attribute("open", "")
    _fits(page)
    screenshot("va-pay-page")
    assert fake_xendit.send(fake_xendit.pay(_open_request(fake_xendit))) == 200
    page.wait_for_url("**/orders")
    expect(page.locator("main")).not_to_contain_text("Menunggu pembayaran")
    screenshot("va-orders-paid")
