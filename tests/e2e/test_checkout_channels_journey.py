"""On a 360-px phone (issue #19): a shopper picks a virtual account, forgets the bank and is told
next to the choices, picks BRI, lands on the payment's page, and later finds "Lanjutkan
pembayaran" with the deadline on her orders. The live server runs tests/channels_app.py (the
tests-only ``fake_va`` method with five banks beside cash on delivery)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payments.models import Payment
from tests.buying_factories import gen_listing, stock_of
from tests.e2e.conftest import SCREENSHOTS, choose_district
from tests.e2e.test_address_picker import sign_in
from tests.e2e.test_buying_journey import add_to_cart
from tests.factories import gen_store, gen_user
from tests.live_server import LiveServer, live_config


@pytest.fixture
def live_server(e2e_app, tmp_path):
    config = live_config(e2e_app)
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log", app="tests.channels_app:app") as s:
        yield s


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # script errors only: the 422 of the refused form and the bare fake page's favicon are expected
    page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
    )
    yield page, problems
    context.close()


def fits(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checkout-channels-{name}.png"), full_page=True)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360, name


def test_a_shopper_picks_a_bank_and_finds_continue_paying_on_her_order(e2e_app, phone):
    page, problems = phone
    tea = gen_listing(store=gen_store(name="Teh Poci Pak Darmo"), price=25000, stock=20, name="Teh Poci Gula Batu")
    gen_user("siti@test.id", name="Siti Aminah", phone="081234567890")
    db.session.commit()

    sign_in(page, "siti@test.id")
    add_to_cart(page, tea.product_id, 2)
    page.goto("/checkout")
    page.fill("#address", "Jl. Kapten Sudibyo No. 12, RT 02/RW 03, Kemandungan")
    choose_district(page)
    page.fill("#postal_code", "52131")
    banks = page.locator("[data-channels-of=fake_va]")
    expect(banks).to_be_hidden()  # the script shows a method's banks once the method is chosen
    page.locator("input[name=payment_method][value=fake_va]").check()
    expect(banks).to_be_visible()
    expect(banks).to_contain_text("Mandiri")
    fits(page, "banks")
    page.locator("#place-order").click()

    expect(page.locator("#payment-channel-error")).to_contain_text("Pilih salah satu untuk Virtual Account uji: BCA")
    expect(page.locator("input[name=payment_method][value=fake_va]")).to_be_checked()
    fits(page, "no-bank")
    assert stock_of(tea.id) == 20
    page.locator("[data-channels-of=fake_va] label", has_text="BRI").click()
    page.locator("#place-order").click()

    expect(page.locator("#va")).to_contain_text("Virtual account BRI")
    db.session.rollback()
    payment = db.session.scalars(select(Payment)).one()
    assert payment.channel == "BRI" and stock_of(tea.id) == 18

    page.goto("/orders")
    button = page.locator("table.orders a.continue-paying")
    expect(button).to_have_text("Lanjutkan pembayaran")
    expect(page.locator("table.orders")).to_contain_text("Bayar sebelum")
    fits(page, "orders")
    page.locator("table.orders tbody tr a").first.click()
    expect(page.locator("#continue-paying")).to_contain_text("setelah itu pesanan dibatalkan otomatis")
    fits(page, "order")
    page.locator("#continue-paying-link").click()
    expect(page).to_have_url(re.compile(rf"/fake-va/{payment.id}$"))
    assert problems == []
