"""A new shopper pays by Stripe (against the fake Stripe, webhook and all) and by bank transfer
(proof upload, agency finance confirms); the seller then sees the money in the ledger."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from marketplace.accounts import services as accounts
from marketplace.extensions import db
from tests.buying_factories import gen_listing
from tests.e2e.conftest import choose_district
from tests.e2e.test_buying_journey import add_to_cart, sign_in, sign_out
from tests.factories import gen_store, gen_user, image_bytes
from tests.fakes.stripe_server import FakeStripe
from tests.live_server import LiveServer, live_config

ACCOUNTS = "BRI 0123-01-000123-30-1 a.n. Disnakerin Kota Tegal"


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def e2e_app(make_app, fake_stripe):
    """The live app with Stripe (pointed at the fake) and bank transfer on, CSRF on."""
    app = make_app(
        plugins="stripe_payments,bank_transfer,cash_on_delivery",
        WTF_CSRF_ENABLED=True,
        STRIPE_SECRET_KEY="sk_test_e2e_fake",
        STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret,
        STRIPE_API_BASE=fake_stripe.url,
        BANK_TRANSFER_ACCOUNTS=ACCOUNTS,
    )
    with app.app_context():
        yield app


@pytest.fixture
def live_server(e2e_app, fake_stripe, tmp_path):
    config = {**live_config(e2e_app), "BANK_TRANSFER_ACCOUNTS": ACCOUNTS}
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        fake_stripe.webhook_url = server.url + "/webhooks/stripe"
        yield server


def _register(page: Page, email: str) -> None:
    page.goto("/register")
    page.fill("input[name=name]", "Rina Wulandari")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "rahasia123")
    page.fill("input[name=password_confirm]", "rahasia123")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Keluar")
    # the link of the confirmation mail (a transfer proof is a photo: uploads wait for it)
    db.session.rollback()
    page.goto("/account/confirm/" + accounts.email_confirmation_token(accounts.get_user_by_email(email)))
    expect(page.locator("main")).to_contain_text("sudah dikonfirmasi")


def _checkout(page: Page, method: str) -> None:
    page.goto("/checkout")
    page.fill("#name", "Rina Wulandari")
    page.fill("#phone", "081234567890")
    page.fill("#address", "Jl. Kapten Sudibyo No. 12, RT 02/RW 03, Kemandungan")
    choose_district(page)
    page.fill("#postal_code", "52131")
    page.locator(f"input[name=payment_method][value={method}]").check()
    page.locator("#place-order").click()


def test_a_new_shopper_pays_by_stripe_and_by_bank_transfer(
    e2e_app, live_server, fake_stripe, browser_page: Page, screenshot, tmp_path
):
    page = browser_page
    seller = gen_user("seller@test.id", role="seller", name="Bu Sari")
    store = gen_store(owner=seller, name="Batik Sari")
    batik = gen_listing(store=store, price=350000, stock=5, name="Batik Tulis Motif Tegalan")
    gen_user("keuangan@test.id", role="agency", name="Pak Keuangan")
    db.session.commit()

    # --- Stripe: the hosted page (the fake) and the signed webhook --------------------
    _register(page, "rina@test.id")
    add_to_cart(page, batik.product_id, 1)
    _checkout(page, "stripe")
    expect(page.locator("h1")).to_have_text("Fake Stripe Checkout")
    expect(page.locator("body")).to_contain_text("IDR 350000")
    screenshot("stripe-hosted-page")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.form["line_items[0][price_data][unit_amount]"] == "35000000"
    page.locator("#pay").click()
    expect(page.locator("[data-payment-status]")).to_have_attribute("data-payment-status", "paid")
    expect(page.locator("main")).to_contain_text("Dibayar")
    screenshot("stripe-paid")

    # --- bank transfer: proof upload, finance confirms ------------------------------
    add_to_cart(page, batik.product_id, 2)
    _checkout(page, "bank_transfer")
    expect(page.locator("main h1")).to_have_text("Transfer bank")
    expect(page.locator("ul.accounts")).to_contain_text("BRI 0123-01-000123-30-1")
    amount = int(page.locator("strong.amount").get_attribute("data-amount"))
    assert 700001 <= amount <= 700999  # Rp 700.000 + the unique code
    screenshot("transfer-instructions")
    proof = tmp_path / "bukti.jpg"
    proof.write_bytes(image_bytes().getvalue())
    page.set_input_files("input[name=proof]", str(proof))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-transfer-status]")).to_have_attribute("data-transfer-status", "submitted")
    screenshot("transfer-proof-sent")
    sign_out(page)

    sign_in(page, "keuangan@test.id")
    page.goto("/finance/transfers")
    expect(page.locator("table.transfers tbody tr")).to_have_count(1)
    screenshot("finance-queue")
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.locator(".flash").first).to_contain_text("Transfer dikonfirmasi")
    sign_out(page)

    sign_in(page, "rina@test.id")
    page.goto("/orders")
    expect(page.locator("table.orders")).not_to_contain_text("Menunggu pembayaran")
    screenshot("orders-paid")
