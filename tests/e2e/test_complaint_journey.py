"""On a phone (360 px wide): a shopper opens a complaint about a received order, the seller
offers a partial refund, the shopper accepts it and sees the money back on the order page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from tests.buying_factories import buy, gen_listing
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import gen_store, gen_user


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def fits(page: Page, name: str) -> None:
    """The page's content is no wider than the phone (the header's menu is the layout's own),
    and a screenshot for the record."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"complaint-journey-{name}.png"), full_page=True)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360, name


def _received_order():
    seller = gen_user("sari@test.id", role="seller", name="Bu Sari")
    batik = gen_listing(store=gen_store(owner=seller, name="Batik Sari"), price=150_000, stock=5, name="Batik Tulis")
    shopper = gen_user("siti@test.id", name="Siti Aminah")
    order = buy(shopper, (batik, 2)).orders[0]  # cash on delivery
    transition(order, "processing", seller)
    transition(order, "shipped", seller, courier="JNE", tracking_number="JP777")
    transition(order, "completed", shopper)  # paid the courier, confirmed receipt
    db.session.commit()
    return order.number


def test_complaint_partial_refund_accepted_on_a_phone(e2e_app, phone: Page):
    number = _received_order()
    page = phone
    sign_in(page, "siti@test.id")
    page.goto(f"/orders/{number}")
    page.locator("#open-complaint").click()
    page.locator("input[name=line]").check()
    page.fill("input[name^=quantity_]", "1")
    page.select_option("#reason", "barang_rusak")
    page.fill("#description", "Satu kain sobek di bagian tepi saat dibuka.")
    fits(page, "form")
    page.locator("#complaint-form button[type=submit]").click()
    expect(page.locator(".complaint-status")).to_have_text("Menunggu jawaban penjual")
    fits(page, "opened")

    sign_out(page)
    sign_in(page, "sari@test.id")
    page.goto("/seller/complaints/")
    page.locator("table.complaints-list a").first.click()
    page.locator("input[name=decision][value=partial]").check()
    page.fill("#amount", "60000")
    page.fill("#note", "Kain bisa dijahit; kami ganti sebagian.")
    fits(page, "answer")
    page.locator("#answer-form button[type=submit]").click()
    expect(page.locator(".complaint-status")).to_have_text("Menunggu tanggapan pembeli")

    sign_out(page)
    sign_in(page, "siti@test.id")
    page.goto(f"/orders/{number}")
    page.get_by_role("button", name="Terima tawaran Rp 60.000").click()
    expect(page.locator(".complaint-status")).to_have_text("Selesai, dana dikembalikan")
    expect(page.locator(".complaint-refunded")).to_contain_text("Dana dikembalikan: Rp 60.000")
    fits(page, "refunded")
