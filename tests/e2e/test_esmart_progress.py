"""The E-Smart run page follows its job in a real browser, under the CSP: the script file polls
status.json, fills in the progress, and reloads the page with the full report once it is over."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from marketplace.extensions import db
from marketplace.jobs.models import Job
from plugins.esmart_sync.models import EsmartRun
from tests.e2e.test_csp import WATCH_VIOLATIONS
from tests.factories import PASSWORD, gen_user


@pytest.fixture
def e2e_app(make_app):
    """The live server's app with the E-Smart plugin on (overrides the default e2e_app)."""
    app = make_app(plugins="esmart_sync", WTF_CSRF_ENABLED=True, BASE_URL="https://pasar.test")
    with app.app_context():
        yield app


def test_the_run_page_follows_its_job_and_reloads_when_it_is_over(browser_page, e2e_app):
    page = browser_page
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.add_init_script(WATCH_VIOLATIONS)
    gen_user("dinas@test.id", role="agency")
    job = Job(kind="esmart_pull", status="running", done=2, total=6, message="")
    db.session.add(job)
    db.session.flush()
    run = EsmartRun(kind="pull", source="file:expo.json", status="running", job_id=job.id)
    db.session.add(run)
    db.session.commit()
    run_id, job_id = run.id, job.id

    page.goto("/login")
    page.fill("input[name=email]", "dinas@test.id")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Keluar")
    page.set_viewport_size({"width": 360, "height": 740})  # a phone
    page.goto(f"/agency/esmart/runs/{run_id}")
    expect(page.locator("#esmart-rows [data-done]")).to_have_text("2")

    db.session.execute(update(Job).where(Job.id == job_id).values(done=5))
    db.session.commit()
    expect(page.locator("#esmart-rows [data-done]")).to_have_text("5")  # filled in by the poll, no reload

    db.session.execute(update(Job).where(Job.id == job_id).values(done=6, status="done", message="Run selesai"))
    db.session.execute(update(EsmartRun).where(EsmartRun.id == run_id).values(status="succeeded"))
    db.session.commit()
    expect(page.locator(".esmart-progress")).not_to_have_attribute("data-following", "1")  # reloaded, over
    expect(page.locator("#esmart-rows")).to_contain_text("Selesai")
    # the run's content fits a phone (the agency's header menu is the site's, not this page's)
    assert page.evaluate("document.querySelector('.esmart-progress').scrollWidth") <= 360
    assert page.evaluate("window.__csp") == [] and problems == []
