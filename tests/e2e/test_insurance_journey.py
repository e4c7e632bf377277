"""The insurance programme in the browser: the agency grants Warungku to every
exhibitor of the expo; a seller files a claim with a photo; the Jasindo claims
officer approves it and marks it paid; the seller sees the outcome. And a
shopper adds order protection at checkout, seeing its premium before paying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.clock import now
from marketplace.expo import services as expos
from marketplace.extensions import db
from plugins.insurance.policies import today
from tests.buying_factories import gen_listing
from tests.e2e.conftest import choose_district, sign_in
from tests.factories import gen_store, gen_user, image_bytes
from tests.insurance_support import PLUGINS


@pytest.fixture
def e2e_app(make_app):
    """The live server's app with the insurance plugin on (overrides the default e2e_app)."""
    app = make_app(plugins=PLUGINS, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def sign_out(page: Page) -> None:
    page.locator("header details.account-menu > summary").click()  # the menu holds sign-out
    page.locator("header form button", has_text="Keluar").click()
    expect(page.locator("header")).to_contain_text("Masuk")


def test_agency_grants_expo_exhibitors_seller_claims_insurer_approves(
    e2e_app, browser_page: Page, screenshot, tmp_path
):
    page = browser_page
    agency = gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    seller = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    gen_user("klaim@jasindo.test", role="insurer", name="Dewi Lestari", insurer="jasindo")
    expo = expos.create_expo(
        agency, "apik-banget", "Apik Banget Virtual Expo", now() - timedelta(days=1), now() + timedelta(days=5)
    )
    mine = gen_store(seller, name="Batik Tegalan Sari", address="Jl. Kapten Sudibyo No. 12")
    for i, store in enumerate([mine, gen_store(name="Teh Poci Pak Darmo"), gen_store(name="Logam Jaya")]):
        expos.add_exhibitor(agency, expo, store, booth=f"A{i + 1}")
    db.session.commit()

    # the agency grants Warungku to every exhibitor
    sign_in(page, "petugas@disnakerin.test")
    page.goto("/agency/insurance")
    form = page.locator("#grant-expo-form")
    form.locator("select[name=expo]").select_option("apik-banget")
    form.locator("select[name=product]").select_option("warungku")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("kepada 3 toko?")  # asks first, listing them
    page.locator("#confirm-grant").click()
    expect(page.locator(".flash").first).to_contain_text("3 polis diberikan")
    expect(page.locator("table.policies tbody tr")).to_have_count(3)
    screenshot("agency-granted")
    sign_out(page)

    # the seller sees its policy, its certificate, and files a claim with a photo
    sign_in(page, "sari@test.id")
    page.locator("header details.account-menu > summary").click()  # the role's links are in the menu
    page.get_by_role("link", name="Asuransi", exact=True).click()
    expect(page.locator("table.policies")).to_contain_text("Warungku")
    page.get_by_role("link", name="Sertifikat").click()
    expect(page.locator(".certificate")).to_contain_text("Rp 10.000.000")
    screenshot("certificate")
    page.locator("p.actions").get_by_role("link", name="Ajukan klaim").click()
    photo = tmp_path / "bukti.jpg"
    photo.write_bytes(image_bytes(size=(320, 240)).getvalue())
    expect(page.locator("#cause option[value=pencurian]")).to_have_count(0)  # Warungku does not cover theft
    page.fill("#incident_date", today().isoformat())
    page.select_option("#cause", "kebakaran")
    page.fill("#description", "Korsleting listrik membakar rak kain dan batik siap jual.")
    page.fill("#amount", "25000000")  # over the sum insured: a clear error first
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#amount-error")).to_contain_text("melebihi nilai pertanggungan")
    expect(page.locator("#description")).to_have_value("Korsleting listrik membakar rak kain dan batik siap jual.")
    screenshot("claim-error")
    page.fill("#amount", "2500000")
    page.set_input_files("#photos", str(photo))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("diajukan")
    expect(page.locator("#claim-status")).to_have_text("Diajukan")
    claim_url = page.url
    screenshot("claim-filed")
    sign_out(page)

    # the Jasindo officer finds it in the queue and approves it, then marks it paid
    sign_in(page, "klaim@jasindo.test")
    page.locator("header details.account-menu > summary").click()  # the role's links are in the menu
    page.get_by_role("link", name="Klaim asuransi").click()
    expect(page.locator("table.claims tbody tr")).to_have_count(1)
    expect(page.locator("table.claims")).to_contain_text("0 hari")
    screenshot("insurer-queue")
    page.locator("table.claims tbody tr a").first.click()
    page.fill("#approve-form input[name=amount]", "2000000")
    page.fill("#approve-form textarea[name=note]", "Sesuai hasil survei lokasi.")
    page.locator("#approve-form button[type=submit]").click()
    expect(page.locator("#claim-status")).to_have_text("Disetujui")
    page.locator("#paid-form button[type=submit]").click()
    expect(page.locator("#claim-status")).to_have_text("Dibayar")
    screenshot("insurer-paid")
    sign_out(page)

    # the seller sees the outcome
    sign_in(page, "sari@test.id")
    page.goto(claim_url)
    expect(page.locator("#claim-status")).to_have_text("Dibayar")
    expect(page.locator("main")).to_contain_text("Rp 2.000.000")


def test_shopper_adds_order_protection_at_checkout(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    batik = gen_listing(store=gen_store(name="Batik Sari"), price=1_500_000, stock=5, name="Batik Tulis Tegalan")
    gen_user("siti@test.id", name="Siti Aminah", phone="081234567890")
    db.session.commit()

    sign_in(page, "siti@test.id")
    page.goto(f"/products/{batik.product_id}")
    page.fill("form.add-to-cart input[name=quantity]", "1")
    page.locator("form.add-to-cart button[type=submit]").click()
    page.goto("/checkout")
    expect(page.locator("main")).to_contain_text("Proteksi pesanan")
    expect(page.locator("main")).to_contain_text("Untuk keranjang ini: Rp 3.000")
    page.fill("#address", "Jl. Kapten Sudibyo No. 12, RT 02/RW 03, Kemandungan")
    choose_district(page)
    page.fill("#postal_code", "52131")
    page.check("input[name=extras][value=order_protection]")
    screenshot("checkout-protection")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("Rp 1.503.000")
    screenshot("placed-with-protection")
    page.locator("header details.account-menu > summary").click()  # the role's links are in the menu
    page.get_by_role("link", name="Proteksi pesanan").first.click()
    expect(page.locator("main table")).to_contain_text("Rp 3.000")
