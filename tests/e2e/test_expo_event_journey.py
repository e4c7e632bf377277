"""Issue #22's journey in a real browser (Debian's chromium, gunicorn, CSRF on): an agency officer
adds three sessions to the running expo's programme; a visitor on a phone sees the one on now in
the hall, opens a booth page from the hall and taps WhatsApp; after the roll-up the officer's
report shows those counts in the booth's funnel.

The officer's browser is headless Chromium, which the beacon rightly counts as a bot: only the
visitor (a phone's User-Agent) is counted, so the report's figures are exactly the visitor's."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from marketplace.clock import now, to_jakarta
from marketplace.expo import services as expo_services
from marketplace.expo.models import ExpoSession
from marketplace.extensions import db
from marketplace.visits import rollup
from marketplace.visits.models import VisitTally
from tests.e2e.conftest import sign_in
from tests.factories import gen_product, gen_store, gen_user
from tests.live_server import LiveServer, live_config

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537"
)


@pytest.fixture
def expo_world(e2e_app):
    officer = gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    store = gen_store(name="Kupat Glabed Mbak Tarni", sector="kuliner", whatsapp="081234567890")
    gen_product(store, name="Kupat Glabed Komplit")
    opens = now() - timedelta(days=1)
    fair = expo_services.create_expo(
        officer, "apik-banget", "Apik Banget Virtual Expo", opens, opens + timedelta(days=5)
    )
    expo_services.add_zone(officer, fair, "Kuliner", slug="kuliner")
    expo_services.add_exhibitor(officer, fair, store, booth="K-01", zone="kuliner")
    db.session.commit()
    ids = {"expo_id": fair.id, "store_id": store.id}
    db.session.remove()
    return ids


@pytest.fixture
def counting_server(e2e_app, tmp_path):
    config = {**live_config(e2e_app), "VISITS_ENABLED": True, "VISITS_FLUSH_EVERY": 1}
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        yield server


def _local(at) -> str:
    return to_jakarta(at).strftime("%Y-%m-%dT%H:%M")


def _add_session(page: Page, title: str, kind: str, starts, ends, booth: str | None = None) -> None:
    page.select_option("#kind", kind)
    page.fill("#title", title)
    page.fill("#speaker", "Disnakerin Kota Tegal")
    page.fill("#starts_at", _local(starts))
    page.fill("#ends_at", _local(ends))
    if booth:
        page.select_option("#booth", label=booth)
    else:
        page.select_option("#zone", label="Kuliner")
    page.get_by_role("button", name="Tambah sesi").click()
    expect(page.locator(".flash, [role=status]").first).to_be_visible()


def _tallied(want: int, timeout: float = 10.0) -> int:
    """Tallies written by the live server (each beacon is its own request, after the page)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        rows = db.session.scalar(select(func.count()).select_from(VisitTally))
        if rows >= want or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_an_officer_programmes_a_visitor_taps_whatsapp_and_the_report_counts_it(chromium, expo_world, counting_server):
    officer_context = chromium.new_context(base_url=counting_server.url, locale="id-ID")
    officer = officer_context.new_page()
    officer.set_default_timeout(15_000)
    sign_in(officer, "petugas@disnakerin.test")

    # 1. three sessions: one on now, one later today, one tomorrow at the booth
    officer.goto("/agency/expos/apik-banget/sessions")
    at = now().replace(second=0, microsecond=0)
    _add_session(officer, "Demo masak kupat glabed", "demo", at - timedelta(minutes=20), at + timedelta(minutes=40))
    _add_session(officer, "Talk show: go digital untuk IKM", "talk", at + timedelta(hours=1), at + timedelta(hours=2))
    _add_session(
        officer,
        "Peluncuran kupat beku",
        "launch",
        at + timedelta(days=1),
        at + timedelta(days=1, hours=1),
        booth="K-01",
    )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ExpoSession)) == 3

    # 2. a visitor on a phone: the hall shows the session on now and the next one
    visitor_context = chromium.new_context(
        base_url=counting_server.url, locale="id-ID", viewport={"width": 360, "height": 780}, user_agent=PHONE_UA
    )
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(15_000)
    with visitor.expect_response(lambda r: r.url.endswith("/beacon")) as hall_beacon:
        visitor.goto("/expo/apik-banget")
    assert hall_beacon.value.status == 204
    strip = visitor.locator("#now-strip")
    expect(strip).to_contain_text("Sedang berlangsung")
    expect(strip).to_contain_text("Demo masak kupat glabed")
    expect(strip).to_contain_text("Talk show: go digital untuk IKM")

    # 3. the booth page, from the hall's card; then a tap on WhatsApp
    with visitor.expect_response(lambda r: r.url.endswith("/beacon")) as booth_beacon:
        visitor.locator('a[href="/expo/apik-banget/booths/K-01"]').first.click()
    assert booth_beacon.value.status == 204
    expect(visitor).to_have_url(counting_server.url + "/expo/apik-banget/booths/K-01")
    expect(visitor.locator("main")).to_contain_text("Peluncuran kupat beku")  # the session held at the booth
    visitor_context.route("https://wa.me/**", lambda route: route.fulfill(status=200, body="WhatsApp"))
    visitor_context.route("https://api.whatsapp.com/**", lambda route: route.fulfill(status=200, body="WhatsApp"))
    link = visitor.locator('a[data-beacon="whatsapp"]')
    with visitor_context.expect_page() as chat, visitor.expect_request(lambda r: r.url.endswith("/beacon")) as tap:
        link.click()
    assert "k=whatsapp" in (tap.value.post_data or "") and "e=apik-banget" in (tap.value.post_data or "")
    chat.value.close()
    assert _tallied(3) == 3  # hall, booth, WhatsApp: one visitor each
    visitor_context.close()

    # 4. the roll-up (the worker runs it every 5 minutes), then the officer's report
    rollup.run()
    db.session.commit()
    officer.goto("/agency/reports?expo=apik-banget")
    expect(officer.locator("#hall-views")).to_have_text("1")
    expect(officer.locator("#hall-visitors")).to_have_text("1")
    booth_row = officer.locator("table.funnel-booths tr.funnel-total").filter(has_text="Kupat Glabed Mbak Tarni")
    expect(booth_row.locator('td[data-label="Kunjungan harian unik"]')).to_have_text("1")
    expect(booth_row.locator('td[data-label="Klik WhatsApp"]')).to_have_text("1")
    expect(booth_row.locator('td[data-label="Keranjang"]')).to_have_text("0")
    expect(booth_row.locator('td[data-label="Pesanan"]')).to_have_text("0")
    officer_context.close()
