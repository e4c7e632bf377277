"""On a phone (360 px wide): a shopper adds an address with the cascading region picker, and the
same page works with JavaScript switched off (the district search), under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.shipping import addresses
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import gen_user


def _phone(chromium, live_server, javascript: bool):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="id-ID",
        viewport={"width": 360, "height": 740},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def phone(chromium, live_server):
    context, page = _phone(chromium, live_server, javascript=True)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield page, problems
    context.close()


@pytest.fixture
def phone_without_js(chromium, live_server):
    context, page = _phone(chromium, live_server, javascript=False)
    yield page
    context.close()


def fits(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"address-picker-{name}.png"), full_page=True)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360, name


def fill_person(page: Page) -> None:
    page.fill("#label", "Kantor")
    page.fill("#recipient", "Siti Aminah")
    page.fill("#phone", "0812-3456-7890")
    page.fill("#street", "Jl. Kapten Sudibyo No. 5, RT 02/RW 03")
    page.fill("#postal_code", "52121")


def test_the_cascading_picker_fills_each_select_from_the_one_above(e2e_app, phone):
    page, problems = phone
    user = gen_user("siti@test.id", name="Siti Aminah")
    db.session.commit()
    sign_in(page, "siti@test.id")

    page.goto("/account")
    page.get_by_role("link", name="Buku alamat").click()
    page.get_by_role("link", name="Tambah alamat").click()
    expect(page.locator("#district_q")).to_be_hidden()  # the search is for browsers without JavaScript
    expect(page.locator("#regency_code")).to_be_disabled()
    fill_person(page)

    page.select_option("#province_code", "33")
    expect(page.locator("#regency_code")).to_be_enabled()
    page.select_option("#regency_code", label="Kota Tegal")
    expect(page.locator("#district_code option")).to_have_count(5)  # the placeholder and 4 districts
    page.select_option("#district_code", label="Tegal Timur")
    expect(page.locator("#village_code")).to_be_enabled()
    page.select_option("#village_code", label="Mintaragen")
    fits(page, "filled")

    page.select_option("#province_code", "31")  # a change above empties what is below
    expect(page.locator("#district_code")).to_be_disabled()
    expect(page.locator("#village_code")).to_be_disabled()
    page.select_option("#province_code", "33")
    page.select_option("#regency_code", "33.76")
    expect(page.locator("#district_code")).to_be_enabled()
    page.select_option("#district_code", "33.76.02")
    expect(page.locator("#village_code")).to_be_enabled()
    page.select_option("#village_code", "33.76.02.1005")
    page.get_by_role("button", name="Simpan alamat").click()

    expect(page.locator(".flash")).to_contain_text("Alamat disimpan.")
    expect(page.locator(".address").first).to_contain_text("Mintaragen, Tegal Timur, Kota Tegal, Jawa Tengah")
    fits(page, "book")
    db.session.expire_all()
    [saved] = addresses.list_for(user)
    assert (saved.province_code, saved.regency_code, saved.district_code, saved.village_code) == (
        "33",
        "33.76",
        "33.76.02",
        "33.76.02.1005",
    )
    assert problems == []


def test_without_javascript_the_district_search_does_it(e2e_app, phone_without_js):
    page = phone_without_js
    user = gen_user("siti@test.id", name="Siti Aminah")
    db.session.commit()
    sign_in(page, "siti@test.id")

    page.goto("/account/addresses/new")
    expect(page.locator("#province_code")).to_be_hidden()
    fill_person(page)
    page.fill("#district_q", "tegal timur")
    page.get_by_role("button", name="Cari", exact=True).last.click()
    page.get_by_label("Tegal Timur, Kota Tegal, Jawa Tengah").check()
    fits(page, "searched")
    page.get_by_role("button", name="Simpan alamat").click()

    expect(page.locator(".flash")).to_contain_text("Alamat disimpan.")
    db.session.expire_all()
    [saved] = addresses.list_for(user)
    assert (saved.district_code, saved.recipient, saved.is_default) == ("33.76.02", "Siti Aminah", True)
