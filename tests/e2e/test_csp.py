"""The pages work under the Content-Security-Policy in a real browser: no violation, no script error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo_services
from marketplace.extensions import db
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

# Recorded by the page itself (init scripts run outside the page's policy).
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile));
"""


@pytest.fixture
def watched(browser_page: Page):
    """The page, and the CSP complaints and script errors it reports."""
    problems: list[str] = []
    browser_page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and ("Content Security Policy" in m.text or "Refused to" in m.text)
            else None
        ),
    )
    browser_page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    browser_page.add_init_script(WATCH_VIOLATIONS)
    return browser_page, problems


@pytest.fixture
def listing(e2e_app):
    owner = gen_user("sari@test.id", role="seller", name="Bu Sari")
    gen_user("siti@test.id", name="Siti Aminah")
    store = gen_store(owner, name="Batik Sari")
    product = gen_product(store, name="Batik Tulis Motif Tegalan", price=350000, stock=5)
    catalog.add_image(product, owner, image_bytes("JPEG", size=(640, 480)))
    db.session.commit()
    return store, product


def visit(page: Page, problems: list[str], path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__csp")
    assert violations == [] and problems == [], f"{path}: {violations + problems}"


def test_public_pages_load_under_the_policy(watched, listing):
    page, problems = watched
    store, product = listing
    for path in (
        "/",
        "/search?q=batik",
        f"/stores/{store.slug}",
        f"/products/{product.id}",
        "/login",
        "/register",
        "/cart",
        "/?lang=en",
    ):
        visit(page, problems, path)
    page.goto(f"/products/{product.id}")
    image = page.locator("main img").first
    expect(image).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())


def test_signing_in_and_the_seller_pages_work_under_the_policy(watched, listing):
    page, problems = watched
    store, product = listing
    visit(page, problems, "/login")
    page.fill("input[name=email]", "sari@test.id")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Keluar")
    for path in (
        "/seller/",
        f"/seller/stores/{store.slug}/products/{product.id}/edit",
        f"/seller/stores/{store.slug}/settings",
        "/orders",
    ):
        visit(page, problems, path)
    assert page.evaluate("window.__csp") == [] and problems == []


def test_the_expo_countdown_script_runs_under_the_policy(watched, listing):
    """The site's one script, /static/js/countdown.js, is allowed and ticks."""
    page, problems = watched
    agency = gen_user("dinas@test.id", role="agency")
    expo_services.create_expo(
        agency,
        "apik-banget-2027",
        "Apik Banget Virtual Expo 2027",
        now() + timedelta(days=3),
        now() + timedelta(days=10),
    )
    db.session.commit()
    visit(page, problems, "/expo/apik-banget-2027")
    expect(page.locator("[data-countdown]").first).to_contain_text(":")
    assert page.evaluate("window.__csp") == [] and problems == []


def test_the_browser_really_enforces_the_policy(watched, listing):
    """The watch above would see a violation: an injected inline script is refused."""
    page, problems = watched
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__inlineRan = true'; document.head.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inlineRan") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
