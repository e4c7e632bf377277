"""A shopper buys from two stores with cash on delivery and sees two orders; a seller ships one."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.buying_factories import gen_listing, stock_of
from tests.e2e.conftest import choose_district, sign_in
from tests.factories import gen_store, gen_user
from tests.shipping_factories import ship_from_tegal


def sign_out(page: Page) -> None:
    page.locator("header details.account-menu > summary").click()  # the menu holds sign-out
    page.locator("header form button", has_text="Keluar").click()
    expect(page.locator("header")).to_contain_text("Masuk")


def add_to_cart(page: Page, product_id: int, quantity: int) -> None:
    page.goto(f"/products/{product_id}")
    page.fill("form.add-to-cart input[name=quantity]", str(quantity))
    page.locator("form.add-to-cart button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Ditambahkan ke keranjang")


def test_shopper_buys_from_two_stores_with_cod_and_a_seller_ships_one(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    seller = gen_user("seller@test.id", role="seller", name="Bu Sari")
    batik_store = gen_store(owner=seller, name="Batik Sari")
    batik = gen_listing(store=batik_store, price=350000, stock=5, name="Batik Tulis Motif Tegalan")
    tea = gen_listing(store=gen_store(name="Teh Poci Pak Darmo"), price=25000, stock=20, name="Teh Poci Gula Batu")
    gen_user("siti@test.id", name="Siti Aminah", phone="081234567890")
    db.session.commit()
    ship_from_tegal(batik_store, couriers={})  # delivers itself in Tegal: Rp 8.000 to Tegal Timur

    sign_in(page, "siti@test.id")
    screenshot("signed-in")
    add_to_cart(page, batik.product_id, 1)
    screenshot("batik-added")
    add_to_cart(page, tea.product_id, 3)
    expect(page.locator("#cart-count")).to_have_text("4")

    page.locator("header a.cart-link").click()
    expect(page.locator("main h1")).to_have_text("Keranjang")
    expect(page.locator("section.cart-store")).to_have_count(2)
    expect(page.locator("#cart-total")).to_have_text("Rp 425.000")
    screenshot("cart-two-stores")

    page.get_by_role("link", name="Lanjut ke checkout").click()
    page.fill("#address", "Jl. Kapten Sudibyo No. 12, RT 02/RW 03, Kemandungan")
    choose_district(page)
    page.fill("#postal_code", "52131")
    page.locator(f"input[name='ship_{batik_store.slug}'][value^='local|']").check()  # the tea: pickup only
    expect(page.locator("input[name=payment_method][value=cash_on_delivery]")).to_be_checked()
    screenshot("checkout")
    page.locator("#place-order").click()

    expect(page.locator("main h1")).to_contain_text("Pesanan Anda sudah dibuat")
    expect(page.locator("main")).to_contain_text("Siapkan uang tunai Rp 433.000")  # with Rp 8.000 ongkir
    screenshot("orders-placed")
    page.goto("/orders")
    rows = page.locator("table.orders tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.orders")).to_contain_text("Diproses — bayar saat barang tiba")  # COD: nothing to pay yet
    screenshot("my-orders")
    assert stock_of(batik.id) == 4 and stock_of(tea.id) == 17

    sign_out(page)
    sign_in(page, "seller@test.id")
    page.goto("/seller/orders/")
    expect(page.locator("table.orders tbody tr")).to_have_count(1)  # its own store's order only
    screenshot("seller-queue")
    page.locator("table.orders tbody tr a").first.click()
    page.locator("#accept-order").click()
    expect(page.locator("#order-status")).to_have_text("Perlu dikirim (COD)")
    expect(page.locator("#ship-order")).to_have_text("Dikirim oleh penjual")  # its own delivery: no waybill
    screenshot("seller-ships")
    page.locator("#ship-order").click()
    expect(page.locator("#order-status")).to_have_text("Dikirim — pembeli bayar tunai ke kurir")
    screenshot("seller-shipped")

    number = re.search(r"APK-\d{4}-\d{6}", page.locator("main h1").inner_text()).group(0)
    sign_out(page)
    sign_in(page, "siti@test.id")
    page.goto(f"/orders/{number}")
    expect(page.locator("#order-status")).to_have_text("Dikirim — siapkan uang tunai")
    expect(page.locator("main")).to_contain_text("Rp 8.000")  # the ongkir on the buyer's order
    screenshot("shopper-sees-shipped")
    statuses = sorted(db.session.scalars(db.select(Order.status).execution_options(populate_existing=True)))
    assert statuses == ["pending_payment", "shipped"]
