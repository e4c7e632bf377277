"""On a 360x740 phone, signed in as a seller and as an agency officer: the header stays one
row inside the screen, the cart badge shows, the menu opens and every link in it is visible
and at least 44 px tall; the orders tables read as cards without sideways scroll (issue #20)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.buying_factories import buy, fill_cart, gen_listing
from tests.e2e.conftest import sign_in
from tests.factories import gen_store, gen_user

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser_page: Page) -> Page:
    browser_page.set_viewport_size(PHONE)
    return browser_page


@pytest.fixture
def market(e2e_app):
    """A seller with an order from a shopper, a cart item in the seller's own basket, an officer."""
    seller = gen_user("sari@test.id", role="seller", name="Bu Sari")
    store = gen_store(owner=seller, name="Batik Sari Tegalan")
    batik = gen_listing(store=store, price=150_000, stock=9, name="Batik Tulis Motif Beras Tumpah")
    teh = gen_listing(store=gen_store(name="Teh Poci Pak Darto"), price=25_000, stock=9, name="Teh Poci Gula Batu")
    shopper = gen_user("siti@test.id", name="Siti Aminah")
    buy(shopper, (batik, 2))  # cash on delivery: a row in /orders and in /seller/orders/
    fill_cart(seller, (teh, 1))  # the seller shops too: the header's badge
    gen_user("petugas@disnakerin.test", role="agency", name="Petugas Disnakerin")
    return {"teh": teh}


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def header_fits(page: Page) -> None:
    """One row of brand, cart and menu, inside the screen; the search row under it."""
    box = {
        name: page.locator(selector).bounding_box()
        for name, selector in {
            "brand": "header .brand",
            "cart": "header .cart-link",
            "menu": "header details.account-menu > summary",
        }.items()
    }
    for name, b in box.items():
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"], (name, b)
        assert b["height"] >= 44 and (name == "brand" or b["width"] >= 44), (name, b)
    assert abs(box["brand"]["y"] - box["menu"]["y"]) < 8 and abs(box["cart"]["y"] - box["menu"]["y"]) < 8


def open_menu(page: Page) -> list[str]:
    """Opens the menu and checks every link and button in it; returns their labels."""
    page.locator("header details.account-menu > summary").click()
    panel = page.locator("header .menu-panel")
    expect(panel).to_be_visible()
    labels = []
    targets = panel.locator("a, button")
    for i in range(targets.count()):
        target = targets.nth(i)
        target.scroll_into_view_if_needed()
        expect(target).to_be_visible()
        b = target.bounding_box()
        assert b and b["height"] >= 44 and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"], b
        labels.append(target.inner_text().strip())
    return labels


def header_passes_axe(page: Page) -> None:
    """No serious or critical WCAG 2.1 A/AA violation inside the header (the menu open or not)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    response = Axe().run(page, context={"include": [["header"]]}, options=options).response
    assert response["passes"], "axe checked nothing in the header"
    found = response["violations"]
    serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_the_sellers_header_and_menu_fit_a_phone(market, phone: Page, screenshot):
    page = phone
    sign_in(page, "sari@test.id")
    assert "/seller/" in page.url  # a seller lands on its store (/seller/ opens the only one)
    expect(page.locator("#cart-count")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("1")
    header_fits(page)
    no_sideways_scroll(page)
    labels = open_menu(page)
    for label in ("Pesanan", "Toko Saya", "Pesanan Masuk", "Akun", "Keluar"):
        assert label in labels, (label, labels)
    no_sideways_scroll(page)
    header_passes_axe(page)
    expect(page.locator("header details.account-menu > summary")).to_have_accessible_name("Menu")
    screenshot("seller-menu")
    page.keyboard.press("Escape")  # menu.js closes it
    expect(page.locator("header .menu-panel")).to_be_hidden()

    page.goto("/seller/orders/")
    card = page.locator("table.orders.stack tbody tr").first
    expect(card).to_contain_text("Siti Aminah")
    assert card.evaluate("r => getComputedStyle(r).display") == "block"  # a card, not a table row
    assert page.locator("table.orders thead").bounding_box()["height"] <= 1  # left to screen readers
    no_sideways_scroll(page)
    screenshot("seller-queue")


def test_the_agency_header_menu_and_tabs_fit_a_phone(market, phone: Page, screenshot):
    page = phone
    sign_in(page, "petugas@disnakerin.test")
    assert page.url.endswith("/agency/")  # an officer lands on the console
    header_fits(page)
    no_sideways_scroll(page)
    tabs = page.locator("nav.console-nav")
    assert tabs.evaluate("t => t.scrollWidth > t.clientWidth")  # its own strip scrolls, not the page
    page.goto("/agency/jobs")
    current = page.locator("nav.console-nav a[aria-current=page]")
    b, strip = current.bounding_box(), tabs.bounding_box()
    assert b and strip and b["x"] >= strip["x"] and b["x"] + b["width"] <= strip["x"] + strip["width"] + 1
    no_sideways_scroll(page)
    screenshot("agency-tabs")
    labels = open_menu(page)
    for label in ("Konsol Dinas", "Pencairan dana", "Pengembalian dana", "Keluar"):
        assert label in labels, (label, labels)
    screenshot("agency-menu")
    page.mouse.click(20, 600)  # a tap outside closes it
    expect(page.locator("header .menu-panel")).to_be_hidden()


def test_the_shoppers_orders_read_as_cards(market, phone: Page, screenshot):
    page = phone
    sign_in(page, "siti@test.id")
    page.goto("/orders")
    card = page.locator("table.orders.stack tbody tr").first
    expect(card).to_contain_text("Batik Sari Tegalan")
    assert card.evaluate("r => getComputedStyle(r).display") == "block"
    link = card.locator("a.card-title")
    assert link.bounding_box()["height"] >= 44
    no_sideways_scroll(page)
    screenshot("shopper-orders")


def test_a_visitor_sees_sign_in_on_a_phone_and_one_row_on_a_wide_screen(market, phone: Page, screenshot):
    page = phone
    page.goto("/search?q=batik")
    header_fits(page)
    sign_in_link = page.locator("header .top-link", has_text="Masuk")
    expect(sign_in_link).to_be_visible()
    assert sign_in_link.bounding_box()["height"] >= 44
    no_sideways_scroll(page)
    assert "Daftar" in open_menu(page)
    header_passes_axe(page)
    screenshot("visitor-menu")

    page.set_viewport_size({"width": 1100, "height": 800})
    sign_in(page, "sari@test.id")
    rows = {
        selector: page.locator(selector).bounding_box()["y"]
        for selector in ("header .brand", "header .search", "header .cart-link", "header details.account-menu")
    }
    assert max(rows.values()) - min(rows.values()) < 8, rows  # one row: nothing wraps out of the bar
    expect(page.locator("header .cart-text")).to_be_visible()
    screenshot("seller-wide")
