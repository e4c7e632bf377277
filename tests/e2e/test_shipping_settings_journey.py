"""On a phone (360 px wide), without help from JavaScript: a seller sets where the store ships
from, pickup at its expo booth, its own delivery across Kota Tegal and JNE, fixes a typo the
page points at, and saves."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.shipping.offers import offers_for
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, gen_store, gen_user


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def fits(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"shipping-settings-{name}.png"), full_page=True)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360, name


def test_a_seller_sets_up_shipping_on_a_phone(e2e_app, phone: Page):
    seller = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    store = gen_store(seller, name="Batik Sari", city="Kota Tegal", address="Jl. Kartini 12")
    store_id = store.id
    page = phone
    page.goto("/login")
    page.fill("input[name=email]", "sari@test.id")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto("/seller/stores/batik-sari/")
    page.locator("nav.chips a", has_text="Pengiriman").click()
    expect(page.locator("main")).to_contain_text("belum mengatur pengiriman")
    fits(page, "empty")

    page.select_option("select[name=origin_district_code]", "33.76.02")
    page.fill("input[name=origin_postal_code]", "52121")
    page.check("input[name=pickup_place][value=booth]")
    page.fill("input[name=pickup_address]", "Stand F-01, Apik Banget Virtual Expo")
    page.fill("input[name=pickup_hours]", "Setiap hari 09.00–21.00")
    page.check("input[name=local_enabled]")
    page.locator("main form button[type=submit]", has_text="Simpan").click()
    # the districts of Kota Tegal appear once the origin is saved... but no price was given yet
    expect(page.locator("main")).to_contain_text("Isi ongkir untuk setidaknya satu kecamatan.")
    fits(page, "no-prices")

    for code, price in (("33.76.01", "10.000"), ("33.76.02", "8000"), ("33.76.03", "12.5OO"), ("33.76.04", "15000")):
        page.fill(f"input[name='local_price_{code}']", price)
    page.fill("input[name=local_free_above]", "150.000")
    page.check("input[name=couriers_enabled]")
    page.check("input[name=courier_jne][value=reg]")
    page.locator("main form button[type=submit]", has_text="Simpan").click()
    error = page.locator("#local_price_33\\.76\\.03-error")
    expect(error).to_contain_text("Isi ongkir dalam rupiah")
    fits(page, "typo")

    page.fill("input[name='local_price_33.76.03']", "12.500")
    page.locator("main form button[type=submit]", has_text="Simpan").click()
    expect(page.locator("main")).to_contain_text("Pengaturan pengiriman tersimpan.")
    expect(page.locator("main")).to_contain_text("Tegal Timur, Kota Tegal, Jawa Tengah")
    fits(page, "saved")

    db.session.rollback()
    offer = offers_for([store_id])[store_id]
    assert offer.local.prices == {"33.76.01": 10_000, "33.76.02": 8_000, "33.76.03": 12_500, "33.76.04": 15_000}
    assert offer.couriers == {"jne": ("reg",)} and offer.pickup.place == "booth"
