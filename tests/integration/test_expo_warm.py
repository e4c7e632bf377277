"""An open expo's pages rendered into the page cache by the job worker (marketplace/expo/warming.py):
the first visitor of each page, in any web worker, is served from the cache; a page a change
dropped is rendered again at the next run; nothing outside an expo's time is warmed."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from marketplace import jobs
from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.expo import warming
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.buying_factories import variant_of
from tests.factories import gen_product, gen_store
from tests.integration.test_page_cache import html, shows_price
from tests.sql_count import counting


@pytest.fixture
def fair(app):
    """An expo open now: two exhibitors with two products each, and a store outside it."""
    batik, logam = gen_store(name="Batik Sari"), gen_store(name="Logam Tegal")
    products = [
        gen_product(batik, name="Batik Tulis Sekar Jagad", price=350_000),
        gen_product(batik, name="Batik Cap Kawung", price=150_000),
        gen_product(logam, name="Wajan Besi Tegal", price=120_000),
        gen_product(logam, name="Pisau Dapur", price=45_000),
    ]
    outside = gen_product(gen_store(name="Toko Lain"), name="Teh Poci", price=8_000)
    opened = expo.create_expo(None, "apik-banget", "Apik Banget", now() - timedelta(hours=1), now() + timedelta(days=2))
    expo.add_exhibitor(None, opened, stores.get_store(batik.slug), booth="A1")
    expo.add_exhibitor(None, opened, stores.get_store(logam.slug), booth="B2")
    db.session.commit()
    data = {
        "stores": [batik.slug, logam.slug],
        "products": [p.id for p in products],
        "variant": variant_of(products[0]).id,
        "outside": outside.id,
    }
    db.session.remove()
    return data


def _paths(fair) -> list[str]:
    return [
        "/",
        "/expo/apik-banget",
        "/expo/apik-banget/booths/A1",
        "/expo/apik-banget/booths/B2",
        *(f"/stores/{slug}" for slug in fair["stores"]),
        # each store's newest first, the stores taking turns in the hall's order
        *(f"/products/{fair['products'][n]}" for n in (1, 3, 0, 2)),
    ]


def test_the_pages_come_in_the_order_visitors_meet_them(app, fair):
    assert warming.paths_of(expo.get_expo("apik-banget"), 100) == _paths(fair)
    assert warming.paths_of(expo.get_expo("apik-banget"), 3) == _paths(fair)[:3]
    assert warming.paths_of(expo.get_expo("apik-banget"), 8) == _paths(fair)[:8]  # each store's newest


def test_every_web_worker_gets_the_warmed_pages_with_no_statement(app, make_app, fair):
    counts = warming.warm_expos()["apik-banget"]
    assert counts["rendered"] == len(_paths(fair)) and not counts["refused"] and not counts["left"]
    web = make_app()
    for path in _paths(fair):
        with counting(web) as seen:
            answer = web.test_client().get(path)
        assert answer.headers["X-Page-Cache"] == "hit" and seen.statements == [], path
    assert warming.warm_expos()["apik-banget"]["cached"] == len(_paths(fair))


def test_a_page_a_change_dropped_is_rendered_again_at_the_next_run(app, make_app, fair):
    warming.warm_expos()
    catalog.update_variant(catalog.get_variant(fair["variant"]), None, {"price": 199_000})
    db.session.commit()
    again = warming.warm_expos()["apik-banget"]
    assert 1 <= again["rendered"] < len(_paths(fair))  # the product, the listings showing it; not the rest
    answer = make_app().test_client().get(f"/products/{fair['products'][0]}")
    assert answer.headers["X-Page-Cache"] == "hit" and shows_price(html(answer), 199_000)


def test_nothing_is_warmed_outside_an_expos_time(app, fair):
    fair_ = expo.get_expo("apik-banget")
    fair_.starts_at, fair_.ends_at = now() + timedelta(minutes=16), now() + timedelta(days=1)
    db.session.commit()
    assert warming.warm_expos() == {}
    fair_ = expo.get_expo("apik-banget")
    fair_.starts_at = now() + timedelta(minutes=14)  # the quarter hour before the opening
    db.session.commit()
    assert warming.warm_expos()["apik-banget"]["rendered"] == len(_paths(fair))
    fair_ = expo.get_expo("apik-banget")
    fair_.starts_at, fair_.ends_at = now() - timedelta(days=2), now() - timedelta(minutes=1)
    db.session.commit()
    assert warming.warm_expos() == {}


def test_it_can_be_switched_off_and_stops_in_time(app, fair):
    app.config["EXPO_WARM_PAGES"] = 0
    assert warming.warm_expos() == {}
    app.config["EXPO_WARM_PAGES"] = 5000
    counts = warming.warm_expos(seconds=0)["apik-banget"]
    assert counts["left"] == len(_paths(fair)) and not counts["rendered"]


def test_the_worker_runs_it_every_minute(app):
    task = next(item for item in jobs.periodic_tasks(app) if item.name == "expo.warm_pages")
    assert task.schedule == "* * * * *"


def test_warm_requests_are_not_logged_as_visits(make_app, fair, caplog):
    web = make_app(LOG_REQUESTS=True)
    with web.app_context(), caplog.at_level(logging.INFO, logger="marketplace.request"):
        warming.warm_expos()
        web.test_client().get("/expo/apik-banget")
    logged = [r.getMessage() for r in caplog.records if r.name == "marketplace.request"]
    assert logged == ["GET /expo/apik-banget 200"]


def test_the_command_warms_a_named_expo(app, fair, runner):
    result = runner.invoke(args=["expo", "warm", "--expo", "apik-banget"])
    assert result.exit_code == 0, result.output
    assert f"apik-banget: {len(_paths(fair))} pages; rendered {len(_paths(fair))}" in result.output
    assert "Expo tidak ditemukan" in runner.invoke(args=["expo", "warm", "--expo", "tidak-ada"]).output
    app.config["PAGE_CACHE"] = False
    assert runner.invoke(args=["expo", "warm"]).exit_code != 0
