"""The product page on a 360x740 phone: no sideways scroll, the buy bar at the bottom of the
screen before any scrolling, photos that swipe, a variant chip that changes the price, adding
to the cart from the bar, and a review left below the description with the star buttons (by
tap and by keyboard)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from tests.buying_factories import buy, variant_of
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def shop(e2e_app):
    """A batik shirt of three sizes (XL sold out) and three photos, its store at booth A-12 of a
    running expo, and Siti Rahayu's completed order of it, ready to review."""
    owner = gen_user("sari@test.id", role="seller", name="Bu Sari")
    store = gen_store(owner, name="Batik Sari")
    shirt = gen_product(
        store,
        name="Kemeja Batik Cap Tegalan",
        variants=[
            {"name": "M", "sku": None, "price": 150000, "stock": 12},
            {"name": "L", "sku": None, "price": 165000, "stock": 3},
            {"name": "XL", "sku": None, "price": 175000, "stock": 0},
        ],
    )
    for color in ((160, 60, 30), (30, 60, 160), (60, 140, 60)):
        catalog.add_image(shirt, owner, image_bytes("JPEG", size=(800, 800), color=color))
    fair = expo.create_expo(
        None, "apik-banget", "Apik Banget Virtual Expo", now() - timedelta(days=1), now() + timedelta(days=2)
    )
    expo.add_exhibitor(None, fair, store, booth="A-12")
    siti = gen_user("siti@test.id", name="Siti Rahayu")
    db.session.commit()
    order = buy(siti, (variant_of(shirt), 1)).orders[0]
    for status, actor in (("processing", owner), ("shipped", owner), ("completed", siti)):
        transition(
            orders.get_for_shopper(siti, order.number),
            status,
            actor,
            tracking_number="JNE1" if status == "shipped" else None,
        )
        db.session.commit()
    return shirt, order.number


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


def test_a_shopper_buys_and_reviews_on_a_phone(browser_page: Page, shop, screenshot):
    page = browser_page
    shirt, number = shop
    page.set_viewport_size(PHONE)
    page.goto(f"/products/{shirt.id}")
    no_sideways_scroll(page)
    bar = page.locator(".buy-bar")
    expect(bar).to_be_in_viewport(ratio=1)
    box = bar.bounding_box()
    assert box and box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1), box
    for button in (bar.get_by_role("button", name="+ Keranjang"), bar.get_by_role("button", name="Beli sekarang")):
        size = button.bounding_box()
        assert size and size["width"] >= 44 and size["height"] >= 44, size
    screenshot("product-360")

    # swipe through the photos: the strip scrolls sideways, the page does not
    strip = page.locator(".gallery .strip")
    expect(page.locator("#foto-1 .count")).to_have_text("1/3")
    strip.evaluate("el => el.scrollTo({left: el.clientWidth * 2, behavior: 'instant'})")
    expect(page.locator("#foto-3")).to_be_in_viewport(ratio=0.9)
    expect(page.locator("#foto-3 .count")).to_have_text("3/3")
    no_sideways_scroll(page)

    # a variant chip changes the price in the bar; the sold-out one cannot be chosen
    expect(page.get_by_role("radio", name="XL")).to_be_disabled()
    expect(bar.locator("[data-chosen-price]")).to_have_text("Rp 150.000")
    page.locator("label.chip", has_text="L").filter(has_text="Rp 165.000").click()
    expect(bar.locator("[data-chosen-price]")).to_have_text("Rp 165.000")
    plus = page.get_by_role("button", name="Tambah jumlah")
    plus.click()
    plus.click()
    plus.click()  # stock 3: the stepper stops there
    expect(page.locator("#quantity")).to_have_value("3")
    screenshot("variant-chosen")

    bar.get_by_role("button", name="+ Keranjang").click()
    expect(page.locator(".flash")).to_contain_text("Ditambahkan ke keranjang")
    expect(page.locator("#cart-count")).to_have_text("3")
    no_sideways_scroll(page)

    # the review: star buttons by tap, then by keyboard
    page.goto("/login")
    page.fill("input[name=email]", "siti@test.id")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"/products/{shirt.id}#ulas")  # the form sits below the description
    no_sideways_scroll(page)
    stars = page.locator("#ulas form.review-form label.star")
    expect(stars).to_have_count(5)
    for n in range(5):
        size = stars.nth(n).bounding_box()
        assert size and size["width"] >= 44 and size["height"] >= 44, size
    stars.nth(1).click()
    expect(page.get_by_role("radio", name="2 bintang")).to_be_checked()
    page.get_by_role("radio", name="2 bintang").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4 bintang")).to_be_checked()
    page.fill("#ulas textarea", "Kainnya adem, jahitan rapi.")
    screenshot("review-stars")
    page.get_by_role("button", name="Kirim ulasan").click()
    expect(page.locator(".flash")).to_contain_text("Terima kasih atas ulasan Anda")
    expect(page).to_have_url(re.compile(rf"/products/{shirt.id}#reviews-title$"))
    expect(page.locator("#ulas")).to_have_count(0)
    reviews = page.locator("section.reviews")
    expect(reviews).to_contain_text("Siti R.")
    expect(reviews).not_to_contain_text("Rahayu")
    expect(reviews).to_contain_text("4,0 · 1 ulasan")
    no_sideways_scroll(page)
    screenshot("product-reviewed")
