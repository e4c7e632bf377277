"""A misspelt search on a 360x740 phone: the page says which words it shows and offers them as
a link that fits the screen; tapping it searches the words as the catalogue spells them."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.catalog_seed import seed_catalogue
from tests.e2e.phone_checks import GEOMETRY

PHONE = {"width": 360, "height": 740}


def test_a_misspelt_search_on_a_phone_says_what_it_shows(e2e_app, browser_page, screenshot):
    seed_catalogue()
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/search?q=btaik")
    line = page.locator("p.did-you-mean")
    expect(line).to_contain_text("Menampilkan hasil untuk “batik”.")
    expect(line).to_contain_text("Maksud Anda: batik")
    expect(page.locator("article.card").first).to_be_visible()
    assert [problem for script in GEOMETRY for problem in page.evaluate(script)] == []
    screenshot("btaik")
    line.get_by_role("link", name="batik").click()
    expect(page).to_have_url("/search?q=batik")
    expect(page.locator("p.did-you-mean")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("batik")
