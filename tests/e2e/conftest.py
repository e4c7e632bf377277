"""Browser fixtures: Playwright driving the system's Chromium against a live gunicorn
server on the test database, with CSRF on, as in production.

``browser_page`` is a fresh page (its own cookies) whose relative URLs go to the
live server; ``screenshot(name)`` saves a full-page PNG under
test-artifacts/screenshots/. Without /usr/bin/chromium the browser tests are
skipped with a loud reason — except under CI=true, where they fail.
Never run ``playwright install``: the tests use Debian's chromium package.

The browser tests run in the SQLite pass only. What they add to the integration tests is the
browser (pages, forms, scripts, layout), which does not depend on the database; the services
they drive run on PostgreSQL in the integration tests, and `make test` runs the two passes side
by side, so the PostgreSQL pass, the longer one, stays inside the time CI allows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES
from tests.live_server import LiveServer, live_config

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    message = (
        f"!!! Chromium not found at {CHROMIUM}: browser tests SKIPPED. "
        "Install Debian's package (apt-get install chromium); never `playwright install`."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message + " CI=true: the browser tests must run.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session."""
    if ON_POSTGRES:
        pytest.skip("browser tests run in the SQLite pass only (see tests/e2e/conftest.py)")
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_app(make_app):
    """The app the live server runs: cash on delivery on, CSRF on; an app context for test data."""
    app = make_app(plugins="cash_on_delivery", WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


@pytest.fixture
def live_server(e2e_app, tmp_path):
    with LiveServer(live_config(e2e_app), workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        yield server


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(browser_page, request):
    """``screenshot("checkout")`` → test-artifacts/screenshots/<test>-<n>-checkout.png"""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []

    def take(name: str) -> Path:
        taken.append(name)
        path = SCREENSHOTS / f"{request.node.name}-{len(taken):02d}-{name}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path

    return take


def choose_district(page, province: str = "33", regency: str = "33.76", district: str = "33.76.02") -> None:
    """Checkout's new address: pick the district with the cascading region picker (Tegal Timur by
    default); the shipping options are then fetched for it (static/js/checkout-shipping.js)."""
    from playwright.sync_api import expect

    page.select_option("#province_code", province)
    expect(page.locator("#regency_code")).to_be_enabled()
    page.select_option("#regency_code", regency)
    expect(page.locator("#district_code")).to_be_enabled()
    with page.expect_response(lambda r: r.url.endswith("/checkout/shipping-options")):
        page.select_option("#district_code", district)


def sign_in(page, email: str) -> None:
    """Sign in through the real form (the demo password of tests.factories) and wait until the
    header says so and the page, stylesheet included, has loaded."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Keluar")
    page.wait_for_load_state()
