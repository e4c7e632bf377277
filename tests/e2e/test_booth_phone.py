"""The booth page, the storefront's booth links and the seller's booth editor on a 360 px
phone: nothing scrolls sideways, no text or control is clipped, every tap target is 44x44 px
and axe-core finds nothing serious (the phone walk's own checks)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.clock import now
from marketplace.expo import booths
from marketplace.expo import services as expos
from marketplace.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.phone_checks import AXE_TAGS, GEOMETRY, axe_problems
from tests.factories import gen_product, gen_store, gen_user


def _problems(page) -> list:
    """The phone walk's geometry checks and its axe-core run (WCAG 2.1 AA, serious and critical)."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for check in GEOMETRY:
        found += page.evaluate(check)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return found + axe_problems(Axe().run(page, options=options).response)


def test_booth_page_and_editor_fit_a_phone(e2e_app, browser_page):
    officer = gen_user("petugas@disnakerin.test", role="agency")
    start = now() - timedelta(days=1)
    expo = expos.create_expo(officer, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=30))
    expos.add_zone(officer, expo, "Fesyen", slug="fesyen")
    store = gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari Tegal Wangi Sejahtera")
    exhibitor = expos.add_exhibitor(officer, expo, store, booth="F-01", zone="fesyen")
    pinned = gen_product(store, name="Batik Tulis Kawung Tegalan Warna Alam")
    gen_product(store, name="Selendang Sutra")
    hours = {d: {"closed": False, "open": "08:00", "close": "20:00"} for d in "12345"}
    booths.update_booth(
        exhibitor,
        None,
        "Batik tulis asli Tegal, diwarnai bahan alam",
        "https://youtu.be/dQw4w9WgXcQ",
        hours,
        [pinned.id],
    )
    later = expos.create_expo(officer, "expo-2027", "Expo 2027", start + timedelta(days=60), start + timedelta(days=62))
    expos.add_exhibitor(officer, later, store, booth="B-2")
    db.session.commit()
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/expo/apik-banget/booths/F-01")
    wa = page.locator("a[data-beacon=whatsapp]")
    assert wa.get_attribute("data-store") == "batik-sari-tegal-wangi-sejahtera"
    assert wa.get_attribute("data-expo") == "apik-banget"
    assert _problems(page) == []

    page.goto("/stores/batik-sari-tegal-wangi-sejahtera")
    assert page.locator(".store-booths a").count() == 2
    assert _problems(page) == []

    sign_in(page, "sari@test.id")
    page.goto("/seller/stores/batik-sari-tegal-wangi-sejahtera/booths")
    assert _problems(page) == []
    page.goto("/seller/stores/batik-sari-tegal-wangi-sejahtera/booths/apik-banget")
    assert _problems(page) == []
    page.fill("#hours_1_close", "07:00")
    page.locator("form.booth-form button[type=submit]").click()
    assert "sesudah jam buka" in page.locator("#hours_1_close-error").inner_text()
    assert _problems(page) == []
