"""On a phone (360 px wide): a seller uploads the store's own rate table, is told which
lines are wrong, fixes them and sees the rows per courier; the agency uploads the
marketplace's table the same way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import gen_store, gen_user

HEADER = "courier,service,origin,destination,first_kg,next_kg,etd_min,etd_max\n"
GOOD = HEADER + "jne,reg,33.76,31,13000,13000,1,2\njne,yes,33.76,31,22000,22000,1,1\njnt,ez,,31,12500,12500,1,3\n"
BAD = HEADER + "jne,reg,33.76,31,13000,13000,1,2\nkilat,reg,,31,1,1,1,1\njne,reg,33.76,Jakarta,1,1,1,1\n"


@pytest.fixture
def e2e_app(make_app):
    app = make_app(plugins="cash_on_delivery,shipping_table", WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def fits(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"shipping-rates-{name}.png"), full_page=True)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360, name


def upload(page: Page, form, text: str) -> None:
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "tarif.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    form.locator("button[type=submit]").click()


def test_seller_and_agency_upload_rate_tables_on_a_phone(e2e_app, phone: Page):
    seller = gen_user("sari@test.id", role="seller", name="Bu Sari")
    gen_store(owner=seller, name="Batik Sari")
    gen_user("petugas@test.id", role="agency", name="Petugas")
    page = phone

    sign_in(page, "sari@test.id")
    page.goto("/seller/shipping-rates")
    store = page.locator("section[data-store]")
    expect(store.locator(".empty")).to_be_visible()
    upload(page, store.locator("form.upload"), BAD)
    errors = page.locator(".field-errors li")
    expect(errors).to_have_count(2)
    expect(errors.first).to_contain_text("Baris 3")
    fits(page, "seller-errors")
    upload(page, page.locator("section[data-store] form.upload"), GOOD)
    expect(page.locator("section[data-store] .counts")).to_contain_text("JNE: 2")
    expect(page.locator("section[data-store] .counts")).to_contain_text("J&T Express: 1")
    fits(page, "seller-done")

    page.context.clear_cookies()
    sign_in(page, "petugas@test.id")
    page.goto("/agency/shipping-rates")
    upload(page, page.locator("form.upload"), GOOD)
    expect(page.locator(".counts")).to_contain_text("JNE: 2")
    fits(page, "agency")
