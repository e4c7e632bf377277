"""The beacon in a real browser (static/js/beacon.js): the expo hall sends its page view, a tap
on a store's WhatsApp button sends its own without holding up the navigation, and the counts
reach ``visit_tallies`` through the live server (CSRF on, as in production)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.visits.models import VisitTally
from tests.factories import gen_store
from tests.live_server import LiveServer, live_config

# a phone's Chrome: headless Chromium says "HeadlessChrome", which crawlerdetect rightly calls a bot
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537"


@pytest.fixture
def fair(e2e_app):
    store = gen_store(name="Batik Sari")
    opens = now() - timedelta(days=1)
    show = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opens, opens + timedelta(days=5))
    expo.add_exhibitor(None, show, store, booth="A1")
    db.session.commit()
    data = {"store": store.slug, "store_id": store.id, "expo": show.slug, "expo_id": show.id}
    db.session.remove()
    return data


@pytest.fixture
def counting_page(chromium, e2e_app, fair, tmp_path):
    config = {**live_config(e2e_app), "VISITS_ENABLED": True, "VISITS_FLUSH_EVERY": 1}
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        context = chromium.new_context(
            base_url=server.url, locale="id-ID", viewport={"width": 360, "height": 780}, user_agent=PHONE
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def counted(timeout: float = 10.0, want: int = 1) -> list[tuple[str, int, int, int]]:
    """The tallies, once ``want`` rows are there (the beacon is sent after the page, on its own)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        rows = db.session.execute(
            select(VisitTally.kind, VisitTally.expo_id, VisitTally.store_id, VisitTally.hits).order_by(VisitTally.kind)
        ).all()
        if len(rows) >= want or time.monotonic() > deadline:
            return [tuple(r) for r in rows]
        time.sleep(0.1)


def test_the_hall_sends_its_beacon_and_a_whatsapp_tap_is_counted(counting_page, fair):
    page = counting_page
    with page.expect_response(lambda r: r.url.endswith("/beacon")) as sent:
        page.goto(f"/expo/{fair['expo']}")
    assert sent.value.status == 204
    assert counted() == [("hall", fair["expo_id"], 0, 1)]

    page.goto(f"/stores/{fair['store']}")
    link = page.locator('a[data-beacon="whatsapp"]')
    # the link opens WhatsApp in a new tab: keep the tab from leaving for wa.me
    page.context.route("https://wa.me/**", lambda route: route.fulfill(status=200, body="WhatsApp"))
    page.context.route("https://api.whatsapp.com/**", lambda route: route.fulfill(status=200, body="WhatsApp"))
    with page.context.expect_page() as opened, page.expect_request(lambda r: r.url.endswith("/beacon")) as tap:
        link.click()
    assert "k=whatsapp" in (tap.value.post_data or "")
    opened.value.close()
    assert counted(want=2) == [("hall", fair["expo_id"], 0, 1), ("whatsapp", 0, fair["store_id"], 1)]
