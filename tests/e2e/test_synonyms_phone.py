"""The search synonym page on a 360x740 phone: the officer reads the searches without results,
taps "Tambahkan ke grup sinonim", finds the form filled in, adds the group and deletes another
after being asked; no sideways scroll, nothing clipped, every tap target at least 44x44 px, no
serious or critical axe-core finding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.catalog import misses
from marketplace.catalog.models import SearchMiss
from marketplace.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.phone_checks import AXE_TAGS, GEOMETRY, axe_problems
from tests.factories import gen_user

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def missed(e2e_app):
    gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    today = misses.today()
    rows = [
        (today, "btaik", 6),
        (today, "keripik tempe pedas manis level lima ekstra renyah khas tegal", 2),
        (today - timedelta(days=3), "kripik", 3),
    ]
    db.session.add_all(SearchMiss(day=day, query_text=query, count=n) for day, query, n in rows)
    db.session.commit()


def fits_a_phone(page: Page) -> None:
    """The phone walk's checks (tests/e2e/phone_checks.py): layout, tap targets, axe-core WCAG 2.1 AA."""
    from axe_playwright_python.sync_playwright import Axe

    problems = [problem for script in GEOMETRY for problem in page.evaluate(script)]
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    problems += axe_problems(Axe().run(page, options=options).response)
    assert problems == [], problems


def test_officer_turns_a_search_without_results_into_a_group_on_a_phone(browser_page: Page, missed, screenshot):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, "petugas@disnakerin.test")
    page.goto("/agency/search/synonyms")
    expect(page.locator("h1")).to_have_text("Sinonim pencarian")
    expect(page.locator("#missed tbody tr").first).to_contain_text("btaik")
    fits_a_phone(page)
    screenshot("synonyms-360")

    page.get_by_role("link", name="Tambahkan “btaik” ke grup sinonim").click()
    field = page.locator("input[name=terms]")
    expect(field).to_have_value("btaik, ")
    field.fill("btaik, batik salah ketik")
    page.get_by_role("button", name="Tambah grup").click()
    expect(page.locator(".flash")).to_contain_text("Grup sinonim ditambahkan: btaik, batik salah ketik.")
    fits_a_phone(page)

    page.get_by_role("link", name="Ubah grup: keripik, kripik").click()
    expect(page.locator("input[name=terms]")).to_have_value("keripik, kripik")
    page.locator("input[name=terms]").fill("keripik, kripik, k")
    page.get_by_role("button", name="Simpan grup").click()
    expect(page.locator("#terms-error")).to_contain_text("“k” terlalu pendek")  # beside the field
    fits_a_phone(page)
    page.goto("/agency/search/synonyms")

    page.get_by_role("link", name="Hapus grup: tempe, tempeh").click()
    expect(page.locator("#confirm-h")).to_have_text("Hapus grup sinonim?")
    fits_a_phone(page)
    page.locator("#confirm-delete").click()
    expect(page.locator(".flash")).to_contain_text("Grup sinonim dihapus: tempe, tempeh.")
    expect(page.locator("#synonym-groups")).not_to_contain_text("tempe, tempeh")
