"""The agency in a real browser: approves a pending store, features it, puts it in
the expo; the hall shows it; the report page draws its charts; the officer helps
a store that asked for help."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.agency_support import order_row, seed_orders
from tests.e2e.conftest import sign_in
from tests.factories import gen_product, gen_store, gen_user


def watch_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_agency_approves_features_exhibits_and_reads_the_report(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    problems = watch_errors(page)
    officer = gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    owner = gen_user("tarni@test.id", role="seller", name="Bu Tarni")
    tarni = gen_store(owner, name="Tahu Aci Bu Tarni", sector="kuliner", approved=False, nib="9120101234599")
    gen_product(tarni, "Tahu Aci Frozen isi 20", price=38000, category=None)
    batik = gen_store(name="Batik Tegalan Sari", sector="fesyen")
    fair = expo.create_expo(
        officer,
        "apik-banget",
        "Apik Banget Virtual Expo",
        now() - timedelta(days=3),
        now() + timedelta(days=10),
        "Pameran virtual IKM Kota Tegal.",
        zones=["Kuliner", "Fesyen & Tekstil", "Kriya", "Minuman & Herbal", "Logam & Furnitur"],
    )
    expo.add_exhibitor(officer, fair, batik, booth="F-01", zone="fesyen")
    db.session.commit()
    shoppers = [gen_user(f"pembeli{i}@test.id") for i in range(5)]
    seed_orders(
        [
            order_row(
                batik if i % 3 else tarni,
                shoppers[i % 5],
                25_000 + 5_000 * (i % 7),
                now() - timedelta(days=i % 4, hours=i % 5),
            )
            for i in range(30)
        ]
    )

    sign_in(page, "petugas@disnakerin.test")
    page.locator("header details.account-menu > summary").click()
    page.locator("header").get_by_role("link", name="Konsol Dinas").click()
    expect(page.locator("#count-pending")).to_have_text("1")
    screenshot("agency-dashboard")

    # verify: the queue, the store, approve
    page.locator(".stats a", has_text="Menunggu verifikasi").click()
    queue = page.locator("table.store-queue")
    expect(queue).to_contain_text("9120101234599")
    expect(queue).to_contain_text("Bu Tarni")
    screenshot("verification-queue")
    queue.get_by_role("link", name="Tahu Aci Bu Tarni").click()
    page.locator("#approve-store").click()
    expect(page.locator(".flash")).to_contain_text("disetujui")
    expect(page.locator("#store-status")).to_contain_text("Terverifikasi")
    screenshot("store-approved")

    # feature it on the home page
    page.locator(".console-nav").get_by_role("link", name="Toko unggulan").click()
    page.select_option("#store", "tahu-aci-bu-tarni")
    page.locator("#add-featured").click()
    expect(page.locator("#featured-list")).to_contain_text("Tahu Aci Bu Tarni")
    screenshot("featured")
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Tahu Aci Bu Tarni")

    # put it in the expo's food zone at a booth
    page.goto("/agency/expos/apik-banget")
    page.select_option("#store", "tahu-aci-bu-tarni")
    page.fill("#booth", "K-07")
    page.select_option("#zone", "kuliner")
    page.locator("#add-exhibitor").click()
    expect(page.locator("table.exhibitors")).to_contain_text("Tahu Aci Bu Tarni")
    screenshot("expo-exhibitors")

    # the public hall shows it in its zone, live
    page.goto("/expo/apik-banget")
    expect(page.locator(".expo-state")).to_contain_text("LIVE")
    zone = page.locator("#zona-kuliner")
    expect(zone).to_contain_text("Tahu Aci Bu Tarni")
    expect(zone).to_contain_text("Stan K-07")
    expect(page.locator(".zone-tabs a")).to_have_count(5)
    screenshot("expo-hall")
    page.locator("#zona-kuliner").get_by_role("link", name="Tahu Aci Bu Tarni").click()
    expect(page.locator("main h1")).to_contain_text("Tahu Aci Bu Tarni")
    expect(page.locator("main .badge.expo").first).to_be_visible()

    # the report: charts drawn by the server, tables, CSV
    page.goto("/agency/reports?expo=apik-banget")
    expect(page.locator("main svg.chart")).to_have_count(3)
    expect(page.locator("svg.chart-days rect").first).to_be_visible()
    expect(page.locator("#total-orders")).not_to_have_text("0")
    expect(page.locator("table.per-store")).to_contain_text("Batik Tegalan Sari")
    expect(page.locator("table.per-zone")).to_contain_text("Kuliner")
    assert page.locator("svg.chart-days").bounding_box()["height"] > 150
    screenshot("report")
    with page.expect_download() as download:
        page.locator("#csv-link").click()
    assert download.value.suggested_filename.startswith("penjualan-apik-banget-")
    assert problems == [], problems


def test_officer_helps_a_store_that_allowed_it(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    seller = gen_user("tarni@test.id", role="seller", name="Bu Tarni")
    store = gen_store(seller, name="Tahu Aci Bu Tarni", sector="kuliner")
    stores.update_store(store, seller, {"allow_agency_assist": True})
    db.session.commit()

    sign_in(page, "petugas@disnakerin.test")
    page.goto("/agency/stores/tahu-aci-bu-tarni")
    page.locator("#start-assist").click()
    expect(page.locator("#assist-banner")).to_contain_text("Anda membantu toko Tahu Aci Bu Tarni")
    page.locator("nav.chips").get_by_role("link", name="Tambah produk").click()
    page.fill("#name", "Tahu Aci Frozen isi 20")
    page.fill("input[name='variants-0-price']", "38000")
    page.fill("input[name='variants-0-stock']", "12")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#assist-banner")).to_be_visible()
    screenshot("assisting")

    page.locator("header details.account-menu > summary").click()  # the menu holds sign-out

    page.locator("header form button", has_text="Keluar").click()
    sign_in(page, "tarni@test.id")
    page.goto("/seller/stores/tahu-aci-bu-tarni/")
    history = page.locator("table.assist-history")
    expect(history).to_contain_text("Bambang Sutrisno")
    expect(history).to_contain_text("Menambah produk")
    expect(page.locator("svg.chart")).to_have_count(1)  # the seller's own sales chart
    screenshot("seller-sees-assistance")


def test_the_hall_of_an_expo_not_yet_open_counts_down(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    problems = watch_errors(page)
    expo.create_expo(
        None,
        "apik-2027",
        "Apik Banget Virtual Expo 2027",
        now() + timedelta(days=2, hours=3),
        now() + timedelta(days=12),
        zones=["Kuliner", "Kriya"],
    )
    db.session.commit()
    page.goto("/expo/apik-2027")
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^2 hari 0?[23]:\d\d:\d\d$"))
    first = countdown.inner_text()
    page.wait_for_timeout(1200)
    assert countdown.inner_text() != first  # it ticks
    expect(page.locator(".zone-tabs a")).to_have_count(2)
    screenshot("hall-countdown")
    assert problems == [], problems
