"""A cash-on-delivery order whose commission finance settles: the shopper checks out COD, the
seller sees its commission and net before accepting, ships, the shopper confirms receipt (the
cash went to the seller), the seller's ledger shows what the store owes, and finance records
the store's settlement on /finance/payouts — on a phone-sized screen."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from marketplace import site_settings
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from tests.buying_factories import gen_listing
from tests.e2e.conftest import choose_district
from tests.e2e.test_buying_journey import add_to_cart, sign_in, sign_out
from tests.factories import gen_store, gen_user
from tests.shipping_factories import ship_from_tegal

PHONE = {"width": 360, "height": 780}


WIDER = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
  .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"""


def _fits_the_screen(page: Page) -> None:
    """Nothing in the page's main part sticks out of a 360 px screen (a wide table scrolls inside
    its .table-wrap). The header is left out: its menu reaches past 360 px (seen on these pages)."""
    assert page.evaluate(WIDER) == []


def test_a_cod_order_whose_commission_finance_settles(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    seller = gen_user("seller@test.id", role="seller", name="Bu Sari")
    store = gen_store(owner=seller, name="Batik Sari")
    batik = gen_listing(store=store, price=350000, stock=5, name="Batik Tulis Motif Tegalan")
    gen_user("siti@test.id", name="Siti Aminah", phone="081234567890")
    gen_user("keuangan@test.id", role="agency", name="Pak Keuangan")
    site_settings.set_commission(None, "5")
    db.session.commit()
    ship_from_tegal(store, couriers={})  # delivers itself in Tegal: Rp 8.000 to Tegal Timur

    # --- the shopper checks out cash on delivery -----------------------------------------
    sign_in(page, "siti@test.id")
    add_to_cart(page, batik.product_id, 1)
    page.goto("/checkout")
    page.fill("#address", "Jl. Kapten Sudibyo No. 12, RT 02/RW 03, Kemandungan")
    choose_district(page)
    page.fill("#postal_code", "52131")
    page.locator(f"input[name='ship_{store.slug}'][value^='local|']").check()
    expect(page.locator("input[name=payment_method][value=cash_on_delivery]")).to_be_checked()
    page.locator("#place-order").click()
    expect(page.locator("main h1")).to_contain_text("Pesanan Anda sudah dibuat")
    sign_out(page)

    # --- the seller sees the commission and the net before accepting, accepts and ships ------
    page.set_viewport_size(PHONE)
    sign_in(page, "seller@test.id")
    page.goto("/seller/orders/")
    page.locator("table.orders tbody tr a").first.click()
    split = page.locator("#order-split")
    expect(split).to_have_attribute("data-commission", "17500")
    expect(split).to_have_attribute("data-net", "340500")  # goods less 5 % commission, plus Rp 8.000 ongkir
    expect(split).to_contain_text("Komisi pasar")
    _fits_the_screen(page)
    screenshot("seller-sees-commission")
    page.locator("#accept-order").click()
    expect(page.locator("#order-status")).to_have_text("Perlu dikirim (COD)")
    page.locator("#ship-order").click()  # "Dikirim oleh penjual": its own delivery, no waybill
    expect(page.locator("#order-status")).to_have_text("Dikirim — pembeli bayar tunai ke kurir")
    number = re.search(r"APK-\d{4}-\d{6}", page.locator("main h1").inner_text()).group(0)
    sign_out(page)

    # --- the shopper paid the courier and confirms receipt --------------------------------
    sign_in(page, "siti@test.id")
    page.goto(f"/orders/{number}")
    page.get_by_role("button", name="Pesanan sudah saya terima").click()
    expect(page.locator("#order-status")).to_have_text("Selesai")
    sign_out(page)

    # --- the seller's ledger: the sale, the ongkir, the cash it holds (both), what it owes ---
    sign_in(page, "seller@test.id")
    page.goto("/seller/ledger")
    expect(page.locator("strong.balance")).to_have_attribute("data-balance", "-17500")
    expect(page.locator("#owed")).to_contain_text("Rp 17.500")
    expect(page.locator("table.ledger")).to_contain_text("Uang COD di tangan penjual")
    _fits_the_screen(page)
    screenshot("seller-ledger-owes")
    sign_out(page)

    # --- finance: nothing to pay out, a receivable, the settlement -------------------------
    sign_in(page, "keuangan@test.id")
    page.goto("/finance/payouts")
    row = page.locator("table.receivables tr[data-store]")
    expect(row).to_have_attribute("data-owed", "17500")
    expect(page.locator("#payout-form select[name=store] option")).to_have_count(0)  # no cash to pay out
    _fits_the_screen(page)
    screenshot("finance-receivable")
    form = page.locator("#settlement-form")
    form.locator("input[name='settlement-amount']").fill("17501")
    form.locator("input[name='settlement-bank_reference']").fill("BRI-SETOR-0042")
    form.get_by_role("button", name="Catat setoran toko").click()
    expect(page.locator("#settlement-amount-error")).to_contain_text("Melebihi utang toko")
    screenshot("finance-settlement-too-much")
    form = page.locator("#settlement-form")
    form.locator("input[name='settlement-amount']").fill("17500")
    form.get_by_role("button", name="Catat setoran toko").click()
    expect(page.locator(".flash").first).to_contain_text("Setoran toko dicatat")
    expect(page.locator("main")).to_contain_text("Tidak ada toko yang berutang")
    expect(page.locator("ul.settlements")).to_contain_text("BRI-SETOR-0042")
    screenshot("finance-settled")
    db.session.rollback()
    assert ledger.balance(store.id) == 0
