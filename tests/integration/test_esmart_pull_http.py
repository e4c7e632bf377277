"""Pulling from the E-Smart server over HTTP (the fake in tests/fakes)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.stores.models import Store
from plugins.esmart_sync import importer
from plugins.esmart_sync.models import EsmartRun
from tests.integration.esmart_support import (  # noqa: F401  (fixtures)
    catalogue,
    counts,
    esmart_app,
    expected_catalogue,
    fake,
    files_app,
    sample_records,
    sleeps,
)


def pages_asked(fake) -> list[dict]:
    return [parse_qs(urlsplit(path).query) for path in fake.calls_to("GET", "/ikm")]


def test_http_pull_pages_through_the_directory(esmart_app, fake):
    esmart_app.config["ESMART_PAGE_SIZE"] = 2
    run = importer.pull_http()
    assert run.status == "succeeded", run.message
    assert counts(run, "stores_created", "products_created") == {"stores_created": 6, "products_created": 10}
    assert [q["page"] for q in pages_asked(fake)] == [["1"], ["2"], ["3"]]
    assert all(q["per_page"] == ["2"] for q in pages_asked(fake))
    assert "updated_since" not in pages_asked(fake)[0]  # the first pull asks for everything
    assert run.pages == 3
    assert catalogue() == expected_catalogue(sample_records())


def test_the_next_pull_asks_only_for_what_changed_since_the_last_successful_one(esmart_app, fake):
    first = importer.pull_http()
    later = to_jakarta(now() + timedelta(minutes=5)).isoformat()
    fake.touch("ESM-3376-000124", later, alamat="Jl. Kol. Sudiarto No. 47, Panggung")
    fake.calls.clear()
    second = importer.pull_http()
    (query,) = pages_asked(fake)
    since = query["updated_since"][0]
    assert since.endswith("+07:00")  # asked in the directory's own time zone
    assert second.updated_since == first.started_at
    assert counts(second, "stores_updated", "stores_unchanged", "products_unchanged") == {
        "stores_updated": 1,
        "stores_unchanged": 0,
        "products_unchanged": 2,
    }
    assert db.session.scalar(select(Store.address).where(Store.nib == "9120002345678")).startswith(
        "Jl. Kol. Sudiarto No. 47"
    )


def test_a_503_is_retried_with_backoff_then_succeeds(esmart_app, fake, sleeps):
    fake.fail(503, times=2)
    run = importer.pull_http()
    assert run.status == "succeeded"
    assert sleeps == [1.0, 2.0]  # exponential backoff
    assert run.counts["stores_created"] == 6


def test_a_429_waits_as_long_as_retry_after_says(esmart_app, fake, sleeps):
    fake.fail(429, headers={"Retry-After": "7"})
    run = importer.pull_http()
    assert run.status == "succeeded"
    assert sleeps == [7.0]


def test_a_dropped_connection_is_retried(esmart_app, fake, sleeps):
    fake.fail(0, reset=True)
    assert importer.pull_http().status == "succeeded"
    assert sleeps == [1.0]


def test_retries_stop_within_the_wait_budget_and_fail_the_run(esmart_app, fake, sleeps):
    esmart_app.config["ESMART_MAX_WAIT"] = 10
    fake.fail(503, times=50)
    run = importer.pull_http()
    assert run.status == "failed"
    assert "503" in run.message
    assert sum(sleeps) <= 10 and sleeps == [1.0, 2.0, 4.0]
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0


def test_a_wrong_api_key_fails_the_run_with_a_clear_message_and_writes_nothing(esmart_app, fake):
    esmart_app.config["ESMART_API_KEY"] = "kunci-salah"
    run = importer.pull_http()
    assert run.status == "failed"
    assert "ESMART_API_KEY" in run.message and "401" in run.message
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0
    assert run.counts == dict.fromkeys(run.counts, 0)


def test_a_run_interrupted_half_way_converges_when_run_again(esmart_app, fake, sleeps):
    esmart_app.config["ESMART_PAGE_SIZE"] = 2
    fake.fail(500, times=99, page=3)
    broken = importer.pull_http()
    assert broken.status == "failed"
    assert counts(broken, "stores_created", "products_created") == {"stores_created": 4, "products_created": 9}
    fake.faults.clear()
    rerun = importer.pull_http()
    assert rerun.status == "succeeded"
    assert rerun.updated_since is None  # a failed run does not move the cursor
    assert counts(rerun, "stores_created", "stores_unchanged", "products_created", "products_unchanged") == {
        "stores_created": 2,
        "stores_unchanged": 4,
        "products_created": 1,
        "products_unchanged": 9,
    }
    assert catalogue() == expected_catalogue(sample_records())


def test_dry_run_over_http_counts_what_the_real_run_does(esmart_app, fake):
    esmart_app.config["ESMART_PAGE_SIZE"] = 4
    dry = importer.pull_http(dry_run=True)
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0
    real = importer.pull_http()
    assert dry.counts == real.counts and real.counts["stores_created"] == 6
    assert real.updated_since is None  # a dry run does not move the cursor either


def test_pull_over_http_needs_the_server_configured(files_app):
    with pytest.raises(ValidationError) as exc:
        importer.pull_http()
    assert "ESMART_BASE_URL" in exc.value.message


def test_a_second_pull_is_refused_while_one_runs_and_a_silent_one_is_marked_interrupted(esmart_app, fake):
    running = EsmartRun(kind="pull", source="http", status="running", started_at=now(), heartbeat_at=now())
    db.session.add(running)
    db.session.commit()
    with pytest.raises(Conflict):
        importer.pull_http()
    running.heartbeat_at = now() - timedelta(hours=1)
    db.session.commit()
    assert importer.pull_http().status == "succeeded"
    db.session.refresh(running)
    assert running.status == "failed" and "Terputus" in running.message


def test_photos_on_the_directory_host_are_fetched_even_on_a_private_network(make_app, fake, sleeps):
    records = sample_records()
    fake.touch(
        records[0]["id"],
        records[0]["updated_at"],
        produk=[{**records[0]["produk"][0], "foto": [fake.url + "/foto/batik.jpg"]}],
    )
    app = make_app(plugins="esmart_sync", ESMART_BASE_URL=fake.url, ESMART_API_KEY=fake.api_key, ESMART_SLEEP=sleeps)
    with app.app_context():
        run = importer.pull_http()
        assert run.counts["photos_added"] == 1
        assert run.counts["photos_failed"] == 2  # the other records' photos are on esmart.test, which does not resolve
