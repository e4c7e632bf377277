"""A new seller opens a store in the browser, the agency approves it, the seller lists a
product with a photo, and a shopper finds it by searching."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.catalog.models import Product, ProductImage
from marketplace.extensions import db
from marketplace.stores import services as stores
from marketplace.stores.models import Store
from tests.factories import PASSWORD, gen_category, gen_user, image_bytes


def test_new_seller_opens_a_store_and_lists_a_product_with_a_photo(e2e_app, browser_page: Page, screenshot, tmp_path):
    page = browser_page
    gen_user("sari@test.id", name="Siti Aminah")
    gen_category("batik", "Batik", "fesyen")
    photo = Path(tmp_path) / "batik.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(640, 480)).getvalue())

    page.goto("/login")
    page.fill("input[name=email]", "sari@test.id")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Keluar")

    page.goto("/seller/stores/new")
    page.fill("input[name=name]", "Batik Tegalan Sari")
    page.fill("input[name=nib]", "9120001234567")
    page.fill("input[name=city]", "Kota Tegal")
    page.select_option("select[name=sector]", "fesyen")
    page.fill("input[name=whatsapp]", "0812-2345-6789")
    screenshot("open-store-form")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Batik Tegalan Sari")
    screenshot("store-pending")

    db.session.rollback()
    store = db.session.scalar(select(Store).where(Store.name == "Batik Tegalan Sari"))
    assert store.status == "pending" and store.whatsapp == "+6281223456789"
    stores.approve_store(store, None)  # the agency's decision, as its console makes it
    db.session.commit()

    page.goto(f"/seller/stores/{store.slug}/products/new")
    page.fill("input[name=name]", "Batik Tulis Motif Tegalan")
    page.fill("textarea[name=description]", "Batik tulis pewarna alami, 2 meter.")
    page.select_option("select[name=category]", "batik")
    page.select_option("select[name=status]", "active")
    page.fill("input[name='variants-0-name']", "2 meter")
    page.fill("input[name='variants-0-price']", "350000")
    page.fill("input[name='variants-0-stock']", "12")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Foto")
    page.set_input_files("input[name=photo]", str(photo))
    screenshot("product-before-photo")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("main img[src*='/media/products/']").first).to_be_visible()
    screenshot("product-with-photo")

    db.session.rollback()
    product = db.session.scalar(select(Product).where(Product.name == "Batik Tulis Motif Tegalan"))
    assert product.status == "active" and product.price_min == 350000
    assert db.session.scalar(select(ProductImage.path).where(ProductImage.product_id == product.id))

    page.goto("/search?q=batik")
    expect(page.locator("main")).to_contain_text("Batik Tulis Motif Tegalan")
    expect(page.locator("main")).to_contain_text("Rp 350.000")
    screenshot("found-by-search")
