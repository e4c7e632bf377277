"""On a phone (360 px wide): a seller prints the packing slips of the orders waiting to be sent,
ships one by JNE after a waybill in the wrong format is refused, and the buyer follows the parcel:
the courier's tracking link and the steps the courier reported."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.shipping import tracking
from tests.buying_factories import FakePrepaidPlugin
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.conftest import sign_in as sign_in_as
from tests.factories import gen_store, gen_user
from tests.shipping_support import FakeCourierPlugin, journey, processing, reload

STEPS = [
    ("2026-12-01T04:00:00+00:00", "picked_up", "Paket dijemput kurir di Tegal"),
    ("2026-12-01T12:00:00+00:00", "in_transit", "Paket tiba di gudang transit Semarang dan menunggu diberangkatkan"),
]


@pytest.fixture
def e2e_app(make_app):
    """The live server's app with the rate table on, so that orders go by courier."""
    from plugins.shipping_table import tables
    from plugins.shipping_table.demo import DEFAULT_TABLE

    app = make_app(plugins="cash_on_delivery,shipping_table", WTF_CSRF_ENABLED=True)
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        plugin_api.register(app, FakePrepaidPlugin(), "fake_prepaid")  # in this process: placing the orders
        db.session.commit()
        yield app


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Page, email: str) -> None:
    page.context.clear_cookies()
    sign_in_as(page, email)


def fits(page: Page, name: str, selector: str = "main") -> None:
    """Nothing is wider than the phone; a screenshot for the record."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"shipping-journey-{name}.png"), full_page=True)
    assert page.evaluate(f"document.querySelector('{selector}').scrollWidth") <= 360, name


def test_a_seller_prints_slips_ships_by_jne_and_the_buyer_follows_the_parcel_on_a_phone(e2e_app, phone: Page):
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    people = {
        "seller": seller,
        "shopper": gen_user("siti@test.id"),
        "store": gen_store(owner=seller, name="Batik Darto"),
    }
    first, second = processing(people), processing(people)
    page = phone

    sign_in(page, "darto@test.id")
    page.goto("/seller/orders/")
    page.locator("#packing-slips-link").click()
    expect(page.locator("article.slip")).to_have_count(2)
    expect(page.locator(f"#slip-{first.number} .number")).to_have_text(first.number)
    fits(page, "slips", "body")

    page.goto(f"/seller/orders/{first.number}")
    expect(page.locator("#courier")).to_have_value("jne")  # the buyer's choice
    page.fill("#tracking_number", "JNE-0042")
    fits(page, "ship-form")
    page.locator("#ship-order").click()
    expect(page.locator("#tracking_number-error")).to_contain_text("contoh: CGK1234567890")
    fits(page, "waybill-refused")
    page.fill("#tracking_number", "cgk 1234 5678 90")
    page.locator("#ship-order").click()
    expect(page.locator("#order-status")).to_have_text("Dikirim — menunggu pembeli")
    expect(page.locator("#shipment")).to_contain_text("CGK1234567890")

    courier = FakeCourierPlugin(journeys={"CGK1234567890": journey("CGK1234567890", *STEPS)})
    plugin_api.register(e2e_app, courier, "kurir_uji")  # asked here, as the worker would
    tracking.refresh(reload(first))
    db.session.commit()

    sign_in(page, "siti@test.id")
    page.goto(f"/orders/{first.number}")
    expect(page.locator("#tracking-link")).to_have_attribute(
        "href", "https://www.jne.co.id/tracking-package?awb=CGK1234567890"
    )
    expect(page.locator("#tracking-events li")).to_have_count(2)
    expect(page.locator("#shipment-status")).to_have_text("Dalam perjalanan")
    fits(page, "buyer-follows")
    assert reload(second).status == "processing"
