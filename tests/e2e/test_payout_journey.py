"""A seller is paid out without asking: the owner enters the store's payout account, the agency
verifies it, finance previews and runs the payouts, downloads the bank's bulk-transfer file and
marks it sent — every page on a phone-sized screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.ledger import postings
from marketplace.ledger import services as ledger
from marketplace.ledger.models import store_account
from tests.e2e.test_buying_journey import sign_in, sign_out
from tests.e2e.test_ledger_journey import PHONE
from tests.factories import gen_store, gen_user

# what sticks out of a 360 px screen in the page's main part, but inside a strip that scrolls on
# its own (a wide table's .table-wrap, the seller menu's .chips); the header is left out as in
# test_ledger_journey.py (its menu reaches past 360 px)
WIDER = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap, .chips'))
  .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"""


def _fits_the_screen(page: Page) -> None:
    assert page.evaluate(WIDER) == []


def test_a_seller_is_paid_out_to_a_verified_account(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    page.set_viewport_size(PHONE)
    seller = gen_user("seller@test.id", role="seller", name="Bu Sari")
    store = gen_store(owner=seller, name="Batik Sari")
    gen_user("keuangan@test.id", role="agency", name="Pak Keuangan")
    postings.add_once("adjustment:e2e", account=store_account(store.id), kind="adjustment", amount=275_000)
    db.session.commit()

    # --- the owner enters the payout account; a wrong number is refused next to its field ---
    sign_in(page, "seller@test.id")
    page.goto(f"/seller/stores/{store.slug}/payout-account")
    page.select_option("#bank", "BCA")
    page.fill("#account_number", "123 456")
    page.fill("#holder_name", "Sari Rahayu")
    page.locator("#payout-account-form button[type=submit]").click()
    expect(page.locator("#account_number-error")).to_contain_text("10 angka")
    page.fill("#account_number", "123-456-7890")
    page.locator("#payout-account-form button[type=submit]").click()
    expect(page.locator("#payout-account")).to_have_attribute("data-status", "unverified")
    expect(page.locator(".account-number")).to_have_text("1234567890")
    _fits_the_screen(page)
    screenshot("seller-sets-payout-account")
    sign_out(page)

    # --- the agency verifies it ---------------------------------------------------------------
    sign_in(page, "keuangan@test.id")
    page.goto("/finance/payouts")
    page.locator("#unverified-accounts").click()
    row = page.locator(f"tr[data-store='{store.slug}']")
    expect(row).to_contain_text("1234567890")
    row.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("main")).to_contain_text("terverifikasi")
    _fits_the_screen(page)

    # --- finance previews the run, runs it, downloads the file and marks it sent ---------------
    page.goto("/finance/payouts")
    expect(page.locator(f"table.payout-plan tr[data-store='{store.slug}']")).to_have_attribute("data-amount", "275000")
    _fits_the_screen(page)
    screenshot("finance-previews-payout-run")
    page.get_by_role("button", name="Jalankan pencairan").click()
    expect(page.locator("main")).to_contain_text("1 toko")
    batch = page.locator(".payout-batch")
    with page.expect_download() as download:
        batch.get_by_role("link").click()
    body = open(download.value.path(), encoding="utf-8").read()
    assert "014,BCA,1234567890,Sari Rahayu,275000,APIK" in body
    batch.locator("input[name=bank_reference]").fill("KLIKBCA-0001")
    batch.get_by_role("button", name="Tandai seluruh berkas terkirim").click()
    expect(page.locator("ul.payouts-recent li").first).to_have_attribute("data-status", "succeeded")
    expect(page.locator("ul.payouts-recent li").first).to_contain_text("KLIKBCA-0001")
    _fits_the_screen(page)
    screenshot("finance-marks-payouts-sent")
    db.session.rollback()
    assert ledger.balance(store.id) == 0
