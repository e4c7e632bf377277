"""The issue's "Done means" in the browser (issue #21): the Sekretariat Daerah's pejabat
pengadaan orders 120 nasi kotak and 40 snack boxes from two culinary IKM (a cart over the
direct-purchase limit refused first), the PPK approves, both sellers accept and deliver, the PPK
receives and the BAST opens as a PDF, the sellers invoice, the bendahara records the payments
and both stores are credited in the ledger."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.gov.models import GovOrder
from marketplace.ledger import services as ledger
from tests.e2e.conftest import sign_in
from tests.e2e.test_buying_journey import add_to_cart, sign_out
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day
from tests.shipping_factories import ship_from_tegal

LIMIT = 5_000_000  # 240 nasi kotak (Rp 6.000.000) go over it, the meeting's 120 (Rp 3.000.000) do not
PHONE = {"width": 360, "height": 800}


@pytest.fixture
def e2e_app(make_app, monkeypatch):
    """The journey's app, with a direct-purchase limit a test cart can pass (the live server
    reads it from the environment)."""
    monkeypatch.setenv("GOV_DIRECT_PURCHASE_LIMIT", str(LIMIT))
    app = make_app(plugins="cash_on_delivery", WTF_CSRF_ENABLED=True, GOV_DIRECT_PURCHASE_LIMIT=LIMIT)
    with app.app_context():
        yield app


def phone_shot(page: Page, screenshot, name: str) -> None:
    page.set_viewport_size(PHONE)
    screenshot(name)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
    page.set_viewport_size({"width": 1100, "height": 900})


def fill_purchase(page: Page) -> None:
    page.fill("#rup_code", PURCHASE_FIELDS["rup_code"])
    page.fill("#budget_code", PURCHASE_FIELDS["budget_code"])
    page.fill("#delivery_date", delivery_day().isoformat())
    page.fill("#delivery_place", PURCHASE_FIELDS["delivery_place"])
    page.locator("#gov-submit").click()


def step(page: Page, url: str, action: str, flash: str) -> None:
    page.goto(url)
    page.locator(f"#{action}-button").click()
    expect(page.locator(".flash").first).to_contain_text(flash)


def test_the_sekretariat_buys_a_meeting_from_two_ikm_in_the_browser(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    world = build_gov_world()
    for store in (world.catering, world.bakery):
        ship_from_tegal(store, couriers={})  # both deliver themselves in Tegal
    db.session.commit()

    sign_in(page, world.pp.email)
    page.goto("/gov/")
    expect(page.locator("main h1")).to_have_text("Sekretariat Daerah Kota Tegal")
    expect(page.locator("#gov-position")).to_contain_text("Pejabat Pengadaan")
    add_to_cart(page, world.nasi.product_id, 240)
    add_to_cart(page, world.snack.product_id, 40)
    page.goto("/cart")
    page.get_by_role("link", name="Ajukan pengadaan").click()
    expect(page.locator("#gov-limit")).to_contain_text("Rp 5.000.000")
    fill_purchase(page)
    expect(page.locator("main [role=alert]")).to_contain_text("melebihi batas pembelian langsung")
    screenshot("over-the-limit")

    page.goto("/cart")
    nasi_line = page.locator(f"li.cart-line[data-variant='{world.nasi.id}']")
    nasi_line.locator("input[name=quantity]").fill("120")
    nasi_line.locator("button.step-set").click()
    expect(page.locator("#cart-total")).to_have_text("Rp 3.500.000")
    page.get_by_role("link", name="Ajukan pengadaan").click()
    fill_purchase(page)
    expect(page.locator("main h1")).to_contain_text("Pengadaan PBJ-")
    expect(page.locator("#purchase-orders tbody tr")).to_have_count(2)

    db.session.rollback()
    orders = {o.store_name: o.number for o in db.session.scalars(select(GovOrder).order_by(GovOrder.id))}
    assert set(orders) == {"Katering Bu Sri", "Kue Bu Tini"}
    urls = {name: f"/gov/orders/{number}" for name, number in orders.items()}

    sign_out(page)
    sign_in(page, world.ppk.email)
    page.goto("/gov/")
    expect(page.locator("#waiting-submitted tbody tr")).to_have_count(2)
    phone_shot(page, screenshot, "gov-home-ppk")
    for url in urls.values():
        step(page, url, "approve", "Surat Pesanan terbit")
    phone_shot(page, screenshot, "gov-order-approved")

    for owner, name in ((world.catering_owner, "Katering Bu Sri"), (world.bakery_owner, "Kue Bu Tini")):
        sign_out(page)
        sign_in(page, owner.email)
        page.goto("/seller/orders/")
        expect(page.locator("#gov-waiting-count")).to_have_text("1")
        seller_url = f"/seller/gov/{orders[name]}"
        step(page, seller_url, "accept", "Surat Pesanan diterima")
        page.select_option("#ship-method", "local")
        page.locator("#ship-button").click()
        expect(page.locator(".flash").first).to_contain_text("ditandai dikirim")

    sign_out(page)
    sign_in(page, world.ppk.email)
    for url in urls.values():
        step(page, url, "receive", "Hasil pemeriksaan barang dicatat")
        expect(page.locator("#gov-order-status")).to_have_text("BAST ditandatangani")
    bast = page.locator("a[data-kind=bast]")
    response = page.request.get(bast.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert orders["Kue Bu Tini"].split("-", 1)[1] in text

    for owner, name in ((world.catering_owner, "Katering Bu Sri"), (world.bakery_owner, "Kue Bu Tini")):
        sign_out(page)
        sign_in(page, owner.email)
        step(page, f"/seller/gov/{orders[name]}", "invoice", "Tagihan dan kuitansi terbit")

    sign_out(page)
    sign_in(page, world.bendahara.email)
    page.goto("/gov/")
    expect(page.locator("#waiting-invoiced tbody tr")).to_have_count(2)
    for n, url in enumerate(urls.values(), start=1):
        page.goto(url)
        page.fill("#pay-reference", f"SP2D-00{n}/2026")
        page.locator("#pay-button").click()
        expect(page.locator(".flash").first).to_contain_text("Pembayaran dicatat")
        expect(page.locator("#gov-order-status")).to_have_text("Dibayar")
    screenshot("paid")

    db.session.rollback()
    for order in db.session.scalars(select(GovOrder)):
        assert order.status == "paid"
        credited = ledger.balance(order.store_id)
        if order.commission_bps == 0:
            assert credited == order.total
        else:
            assert 0 < credited < order.total
