"""On a 360-px phone (issue #22): a shopper opens her notice settings from the account menu,
forgets the consent and is told next to the box, ticks it, is opted in, then stops. The live
server runs tests/notice_channel_app.py (the tests-only ``fake_chat`` channel)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import gen_user
from tests.live_server import LiveServer, live_config


@pytest.fixture
def live_server(e2e_app, tmp_path):
    config = live_config(e2e_app)
    app = "tests.notice_channel_app:app"
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log", app=app) as server:
        yield server


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _fits(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def _siti() -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.email == "siti@test.id")).one()


def test_a_shopper_opts_in_and_out_on_a_phone(e2e_app, phone: Page):
    gen_user("siti@test.id", name="Siti Aminah")
    db.session.commit()
    sign_in(phone, "siti@test.id")
    phone.goto("/account")
    phone.get_by_role("link", name="Notifikasi WhatsApp").click()
    expect(phone.get_by_role("heading", name="Notifikasi")).to_be_visible()
    _fits(phone)
    phone.fill("input[name=whatsapp]", "0812-3456-7890")
    phone.get_by_role("button", name="Simpan").click()
    expect(phone.locator("#consent-error")).to_contain_text("Centang persetujuan")
    assert _siti().whatsapp is None
    phone.check("input[name=consent]")
    phone.get_by_role("button", name="Simpan").click()
    expect(phone.get_by_text("Notifikasi WhatsApp aktif.")).to_be_visible()
    _fits(phone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "notice-prefs-360.png"), full_page=True)
    box = phone.get_by_role("button", name="Berhenti").bounding_box()
    assert box and box["height"] >= 44 and box["x"] + box["width"] <= 360
    assert _siti().whatsapp == "+6281234567890"
    phone.get_by_role("button", name="Berhenti").click()
    expect(phone.get_by_text("Notifikasi WhatsApp dihentikan.")).to_be_visible()
    assert (_siti().whatsapp, _siti().whatsapp_opt_in_at) == (None, None)
