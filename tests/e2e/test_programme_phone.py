"""On a 360 px phone: the agenda reads without sideways scroll, the video's poster becomes a
button, and a tap puts the player's frame in its place under the page's policy (no violation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.clock import now, to_jakarta
from marketplace.expo import programme
from marketplace.expo import services as expo_services
from marketplace.extensions import db
from tests.e2e.test_csp import WATCH_VIOLATIONS

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def agenda(e2e_app):
    start = now() - timedelta(days=1)
    fair = expo_services.create_expo(None, "apik-live", "Apik Banget Virtual Expo", start, start + timedelta(days=9))
    wib = to_jakarta(now())
    programme.add_session(
        None,
        fair,
        programme.SessionInput(
            kind="opening",
            title="Pembukaan Apik Banget Virtual Expo bersama Wali Kota Tegal dan para pelaku IKM",
            speaker="Wali Kota Tegal",
            starts_at=(wib - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
            ends_at=(wib + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M"),
            video_url="https://youtu.be/dQw4w9WgXcQ",
        ),
    )
    db.session.commit()
    return fair


def test_the_agenda_on_a_phone_plays_the_video_on_a_tap(browser_page: Page, agenda):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.add_init_script(WATCH_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # no network in tests: the video's hosts answer an empty page (what matters is the policy)
    page.route("https://**/*", lambda route: route.fulfill(status=200, body="", content_type="text/html"))
    response = page.goto("/expo/apik-live/agenda")
    assert response is not None and response.status == 200
    assert "frame-src 'self' https://www.youtube-nocookie.com" in response.headers["content-security-policy"]
    expect(page.get_by_text("Sedang berlangsung")).to_be_visible()
    poster = page.locator(".video-player button.video-poster")
    expect(poster).to_be_visible()  # the link became a button (js/video.js)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the agenda scrolls sideways: {widths}"
    assert page.locator("iframe").count() == 0  # nothing from YouTube before the tap
    poster.click()
    frame = page.locator(".video-player iframe")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1")
    expect(frame).to_have_attribute("loading", "lazy")
    assert "Pembukaan" in (frame.get_attribute("title") or "")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == [] and errors == []
