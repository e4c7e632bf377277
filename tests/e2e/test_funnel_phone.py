"""The expo funnel on a 360x740 phone: the officer reads "Corong pengunjung" without sideways
scroll, sorts it by WhatsApp taps, and the seller sees its booth card on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.agency.reports import jakarta_today
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.e2e.conftest import sign_in
from tests.factories import gen_store, gen_user
from tests.visits_support import gen_visits

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def fair(e2e_app):
    """A running expo with two booths; Batik Sari has today's visits, WhatsApp taps and a cart."""
    gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    sari = gen_store(gen_user("sari@test.id", role="seller", name="Sari Rahayu"), name="Batik Sari")
    teh = gen_store(name="Teh Poci Mas Bagus Sekali Namanya Panjang", sector="kuliner")
    apik = expo.create_expo(
        None, "apik", "Apik Banget", now() - timedelta(days=1), now() + timedelta(days=2), zones=["Kuliner", "Fesyen"]
    )
    expo.add_exhibitor(None, apik, teh, booth="K-01", zone="kuliner")
    expo.add_exhibitor(None, apik, sari, booth="F-01", zone="fesyen")
    db.session.commit()
    today = jakarta_today()
    gen_visits(
        [
            (today, "hall", apik, 0, 40, 30),
            (today, "booth", apik, sari, 25, 20),
            (today, "whatsapp", 0, sari, 5, 4),
            (today, "cart", 0, sari, 2, 2),
            (today, "booth", apik, teh, 9, 9),
        ]
    )


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


def test_officer_reads_and_sorts_the_funnel_on_a_phone(browser_page: Page, fair, screenshot):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, "petugas@disnakerin.test")
    page.goto("/agency/reports?expo=apik")
    section = page.locator("#corong")
    expect(section).to_contain_text("Corong pengunjung")
    expect(page.locator("#hall-views")).to_have_text("40")
    booths = page.locator("table.funnel-booths tbody tr.funnel-total")
    expect(booths.first).to_contain_text("Teh Poci Mas")  # the hall's order: Kuliner first
    expect(page.locator("table.funnel-booths tr.funnel-phase")).to_have_count(0)  # nothing "after" yet
    no_sideways_scroll(page)
    section.get_by_role("link", name="Klik WhatsApp").click()
    expect(booths.first).to_contain_text("Batik Sari")
    no_sideways_scroll(page)
    screenshot("funnel-360")


def test_seller_sees_its_booth_card_on_a_phone(browser_page: Page, fair, screenshot):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, "sari@test.id")
    page.goto("/seller/stores/batik-sari/")
    card = page.locator("#booth-card")
    expect(card).to_contain_text("Stan Anda di Apik Banget")
    expect(page.locator("#booth-visitors")).to_have_text("20")
    expect(page.locator("#booth-whatsapp")).to_have_text("5")
    expect(card.get_by_role("link")).to_have_attribute("href", "/expo/apik/booths/F-01")
    no_sideways_scroll(page)
    screenshot("booth-card-360")
