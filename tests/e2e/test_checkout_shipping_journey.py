"""On a 360-px phone (issue #18): a shopper with a Tegal home and a Jakarta office checks out from
two Tegal stores. At home she sees pickup and the stores' own delivery; she switches to the
office and the options become JNE and J&T prices; the summary adds each store's ongkir; she
pays cash on delivery and the orders carry the ongkir she saw."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.models import Order
from plugins.shipping_table import tables
from plugins.shipping_table.demo import DEFAULT_TABLE
from tests.buying_factories import gen_listing
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_address_picker import sign_in
from tests.e2e.test_buying_journey import add_to_cart
from tests.factories import gen_store, gen_user
from tests.shipping_factories import KEBAYORAN_BARU, TEGAL_TIMUR, gen_address, ship_from_tegal


@pytest.fixture
def e2e_app(make_app):
    """The live app with cash on delivery and the rate table on, CSRF on."""
    app = make_app(plugins="cash_on_delivery,shipping_table", WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield page, problems
    context.close()


def fits(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checkout-shipping-{name}.png"), full_page=True)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360, name


def choose(page: Page, slug: str, option: str) -> None:
    page.locator(f"input[name='ship_{slug}'][value^='{option}|']").check()


def test_a_shopper_chooses_an_address_and_an_option_per_store_and_pays_with_ongkir(e2e_app, phone):
    page, problems = phone
    tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
    batik, telur = gen_store(name="Batik Sari"), gen_store(name="Telur Asin Bu Tin")
    ship_from_tegal(batik, courier_cod=True)
    ship_from_tegal(telur, local={TEGAL_TIMUR: 5000}, couriers={"jnt": ["ez"]}, courier_cod=True)
    kain = gen_listing(store=batik, price=150000, name="Batik Tulis", weight_grams=400)
    asin = gen_listing(store=telur, price=30000, name="Telur Asin", weight_grams=500)
    shopper = gen_user("siti@test.id", name="Siti Aminah")
    gen_address(shopper, TEGAL_TIMUR, label="Rumah")
    office = gen_address(shopper, KEBAYORAN_BARU, "12110", label="Kantor")
    db.session.commit()

    sign_in(page, "siti@test.id")
    add_to_cart(page, kain.product_id, 1)
    add_to_cart(page, asin.product_id, 2)
    page.goto("/checkout")

    # at home in Tegal: pickup and the stores' own delivery
    expect(page.locator("input[name=address_id]").first).to_be_checked()
    expect(page.locator(f"fieldset[data-store='{batik.slug}']")).to_contain_text("Diantar penjual")
    expect(page.locator(f"fieldset[data-store='{batik.slug}']")).to_contain_text("Ambil sendiri di Stand B-12")
    choose(page, batik.slug, "local")
    choose(page, telur.slug, "local")
    expect(page.locator("#checkout-total")).to_have_text("Rp 223.000")  # 210.000 + 8.000 + 5.000
    fits(page, "home")

    # the office in Jakarta: couriers, the table's prices
    with page.expect_response(lambda r: r.url.endswith("/checkout/shipping-options")):
        page.locator(f"input[name=address_id][value='{office.id}']").check()
    expect(page.locator(f"fieldset[data-store='{batik.slug}']")).to_contain_text("JNE REG")
    expect(page.locator(f"fieldset[data-store='{telur.slug}']")).to_contain_text("J&T")
    expect(page.locator(f"fieldset[data-store='{telur.slug}']")).not_to_contain_text("Diantar penjual")
    choose(page, batik.slug, "courier:jne:reg")
    choose(page, telur.slug, "courier:jnt:ez")
    expect(page.locator(f"[data-ongkir='{batik.slug}']")).to_have_text("Rp 12.000")
    expect(page.locator(f"[data-ongkir='{telur.slug}']")).to_have_text("Rp 11.500")
    expect(page.locator("#checkout-total")).to_have_text("Rp 233.500")
    fits(page, "office")

    page.locator("input[name=payment_method][value=cash_on_delivery]").check()
    page.locator("#place-order").click()
    expect(page.locator("main h1")).to_contain_text("Pesanan Anda sudah dibuat")
    expect(page.locator("main")).to_contain_text("Rp 233.500")
    fits(page, "placed")

    db.session.expire_all()
    placed = {o.store_id: o for o in db.session.scalars(select(Order))}
    assert (placed[batik.id].shipping_cost, placed[batik.id].shipping_label) == (12000, "JNE REG")
    assert (placed[telur.id].shipping_cost, placed[telur.id].ship_district) == (11500, "Kebayoran Baru")
    assert problems == []
