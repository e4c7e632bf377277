"""Every page of every role on a phone, at 360x740 and 390x844 (issue #20).

The world of the access matrix (tests/security/access_matrix.py: two stores, orders, a ledger,
policies and claims, an expo...) is built once and served by one live gunicorn server with every
plugin of the matrix and CSRF on. Each representative role signs in through the real form once;
then every HTML page of the matrix it may see (tests/e2e/phone_checks.py derives the list, so a
new page is walked by itself), and the 404 page, is loaded at 360 px and checked for sideways
scroll, clipped text or controls and tap targets under 44x44 px, run through axe-core (WCAG 2.1
AA, serious and critical fail), then resized to 390 px and checked again. Each is saved as a
full-page screenshot under test-artifacts/screenshots/phone/<width>/<role>/<page>.png.
Every problem of the walk is collected and reported at once.

SQLite pass only: layout does not depend on the database, and the walk is the slowest browser
test; under TEST_DATABASE_URL=postgresql://... it is skipped.
"""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import ON_POSTGRES
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, _require_chromium
from tests.e2e.phone_checks import AXE_TAGS, GEOMETRY, WALKERS, WIDTHS, Stop, axe_problems, report, stops
from tests.factories import PASSWORD
from tests.live_server import LiveServer
from tests.security.access_matrix import MATRIX, PLUGINS, ROLE_EMAILS, app_routes, build_world, route_url

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="the phone walk runs in the SQLite pass only (layout)")

PHONE_SHOTS = SCREENSHOTS / "phone"
NOT_FOUND = "GET /tidak-ada-halaman-ini"
LANE = ("admin", "seller_a", "anonymous")  # about half the pages; the other roles walk beside it


@pytest.fixture(scope="module")
def walk_server(database_template, tmp_path_factory):
    """The matrix's world on a live server; yields (server, the URL of each matrix key)."""
    root = tmp_path_factory.mktemp("walk")
    shutil.copy(database_template, root / "world.sqlite")
    config = {
        "DATABASE_URL": f"sqlite:///{root / 'world.sqlite'}",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "UPLOAD_FOLDER": str(root / "uploads"),
        "REPORTS_FOLDER": str(root / "reports"),
        "MARKETPLACE_PLUGINS": PLUGINS,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "BANK_TRANSFER_ACCOUNTS": "BRI 0123-01-000123-30-1 a.n. Uji",
    }
    app = create_app({**config, "TESTING": True, "SERVER_NAME": None, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.test_request_context():
        world = build_world()
        db.session.remove()
        db.engine.dispose()
    routes = app_routes(app)
    urls = {key: route_url(world, routes[key], MATRIX[key]) for key in MATRIX if key in routes}
    urls[NOT_FOUND] = NOT_FOUND.split(" ", 1)[1]
    with LiveServer(config, workers=2, threads=4, log_path=root / "server.log") as server:
        yield server, urls


def sign_in(context, role: str) -> None:
    if role == "anonymous":
        return
    page = context.new_page()
    page.goto("/login")
    page.fill("main input[name=email]", ROLE_EMAILS[role])
    page.fill("main input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login" not in page.url, f"{role} could not sign in"
    page.close()


def open_page(page, url: str, expect_status: int) -> bool:
    """Load ``url``; False when it is not the HTML page itself (a redirect, a file, another status
    that the access matrix test judges). A server error is no page to skip: it fails the walk."""
    try:
        response = page.goto(url, wait_until="load")
    except Exception as exc:  # a download (a file the matrix names like a page) aborts the navigation
        if "Download is starting" in str(exc) or "net::ERR_ABORTED" in str(exc):
            return False
        raise
    if response is not None and response.status >= 500:
        raise ServerError(f"{url} answered {response.status}")
    if response is None or response.status != expect_status or response.request.redirected_from is not None:
        return False
    return response.headers.get("content-type", "").startswith("text/html")


class ServerError(Exception):
    pass


def check(page, stop: Stop, width: int, axe) -> list[tuple[Stop, int, dict]]:
    problems = [problem for script in GEOMETRY for problem in page.evaluate(script)]
    if axe is not None:
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        problems += axe_problems(axe.run(page, options=options).response)
    shot = PHONE_SHOTS / str(width) / stop.role / f"{stop.name}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    return [(stop, width, problem) for problem in problems]


def walk_role(browser, base_url: str, role: str, urls: dict, axe) -> tuple[list, int]:
    """Every page ``role`` may see, at both widths (the page is resized, not reloaded). Not
    ``is_mobile``: a mobile viewport zooms out to fit a page that is too wide, which would hide
    the very overflow the walk looks for."""
    (width, height), (wide, wide_height) = WIDTHS
    context = browser.new_context(
        base_url=base_url, locale="id-ID", viewport={"width": width, "height": height}, has_touch=True
    )
    sign_in(context, role)
    page = context.new_page()
    page.set_default_timeout(15_000)
    failures, walked = [], 0
    mine = [s for s in stops() if s.role == role]
    if role in ("anonymous", "shopper"):
        mine.append(Stop(NOT_FOUND, role))
    for stop in mine:
        try:
            if not open_page(page, urls[stop.key], 404 if stop.key == NOT_FOUND else 200):
                continue
        except ServerError as exc:
            failures.append((stop, width, {"check": "server error", "element": "page", "detail": str(exc)}))
            continue
        page.set_viewport_size({"width": width, "height": height})
        failures += check(page, stop, width, axe)
        page.set_viewport_size({"width": wide, "height": wide_height})
        failures += check(page, stop, wide, None)  # contrast and names do not change with width
        walked += 1
    context.close()
    return failures, walked


def walk_roles(base_url: str, roles: tuple[str, ...], urls: dict) -> tuple[list, dict]:
    """One browser of its own (Playwright's sync API keeps to its thread) walking ``roles``."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    failures, walked = [], {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for role in roles:
            found, walked[role] = walk_role(browser, base_url, role, urls, Axe())
            failures += found
        browser.close()
    return failures, walked


def test_every_page_of_every_role_fits_a_phone(walk_server):
    """Two browsers walk half the roles each: the walk waits on the server and on rendering
    more than on Python, so two lanes nearly halve it on a 2-core machine."""
    _require_chromium()
    server, urls = walk_server
    shutil.rmtree(PHONE_SHOTS, ignore_errors=True)
    failures, walked = [], {}
    started = time.monotonic()
    lanes = (LANE, tuple(r for r in WALKERS if r not in LANE))
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for found, counts in pool.map(lambda roles: walk_roles(server.url, roles, urls), lanes):
            failures += found
            walked.update(counts)
    seconds = time.monotonic() - started
    total = sum(walked.values())
    print(f"\nphone walk: {total} pages x roles, {total * len(WIDTHS)} page views in {seconds:.0f} s; {walked}")
    assert total > 100, f"the walk found only {total} pages: is the world or the sign-in broken? {walked}"
    assert not failures, report(failures)
