"""Pages shared by the workers (marketplace/pagecache_storage.py, "The rendered pages live in
two places"): a page one worker rendered is a hit in every other, never older than a change
the other has seen, and a worker that cannot tell renders its own.

Each app of ``make_app`` is a worker: its own memory, its own reading of the change log, the
files (or Redis) of the deployment in common.
"""

from __future__ import annotations

import os
import re

import pytest

from marketplace.catalog import services as catalog
from marketplace.extensions import db
from marketplace.pagecache_log import FileLog
from marketplace.pagecache_storage import Entry, FilePages, _pack, _unpack
from tests.buying_factories import variant_of
from tests.factories import gen_product, gen_store
from tests.integration.test_page_cache import CSRF_FIELD, html, pages, shop, shows_price  # noqa: F401
from tests.sql_count import counting

CACHED = ("home", "search", "all", "sector", "category", "store", "product", "api", "api-product")


def _change_price(app, shop, rupiah: int) -> None:
    with app.app_context():
        catalog.update_variant(catalog.get_variant(shop["variant"]), None, {"price": rupiah})
        db.session.commit()


def test_a_page_one_worker_rendered_is_a_hit_in_another_with_no_statement(make_app, shop):
    first, second = make_app(), make_app()
    for name in CACHED:
        url = pages(shop)[name]
        made = first.test_client().get(url)
        assert made.headers["X-Page-Cache"] == "miss", name
        with counting(second) as seen:
            served = second.test_client().get(url)
        assert served.headers["X-Page-Cache"] == "hit" and seen.statements == [], name
        assert _masked(served) == _masked(made), name
        if "csrf_token" not in html(made):  # a page with a form has each visitor's own token and ETag
            assert served.headers["ETag"] == made.headers["ETag"], name


def _masked(response) -> str:
    return CSRF_FIELD.sub('name="csrf_token" value="…"', html(response))


def test_a_shared_page_is_never_older_than_a_change_the_worker_has_seen(make_app, shop):
    first, second = make_app(), make_app()
    urls = [pages(shop)[name] for name in ("product", "store", "search", "api")]
    for url in urls:
        assert shows_price(html(first.test_client().get(url)), 350_000), url
    _change_price(first, shop, 199_000)
    for url in urls:
        answer = second.test_client().get(url)
        assert answer.headers["X-Page-Cache"] == "miss", url
        assert shows_price(html(answer), 199_000) and not shows_price(html(answer), 350_000), url
    for url in urls:  # and what the second rendered serves the first
        answer = first.test_client().get(url)
        assert answer.headers["X-Page-Cache"] == "hit" and shows_price(html(answer), 199_000), url


def test_a_change_to_another_product_leaves_a_shared_page_servable(make_app, shop):
    first, second = make_app(), make_app()
    url = pages(shop)["product"]
    with first.app_context():
        elsewhere = variant_of(gen_product(gen_store(name="Logam Tegal"), name="Wajan Besi", price=120_000))
        db.session.commit()
        elsewhere_id = elsewhere.id
    first.test_client().get(url)
    with first.app_context():
        catalog.update_variant(catalog.get_variant(elsewhere_id), None, {"price": 99_000})
        db.session.commit()
    assert second.test_client().get(url).headers["X-Page-Cache"] == "hit"


def test_a_worker_started_later_takes_the_pages_made_before_it(make_app, shop):
    first = make_app()
    _change_price(first, shop, 275_000)  # the log holds a line before the page is made
    url = pages(shop)["product"]
    first.test_client().get(url)
    later = make_app()
    answer = later.test_client().get(url)
    assert answer.headers["X-Page-Cache"] == "hit" and shows_price(html(answer), 275_000)


def test_a_worker_that_cannot_judge_a_shared_page_renders_its_own(make_app, shop, monkeypatch):
    first = make_app()
    url = pages(shop)["product"]
    first.test_client().get(url)
    _change_price(first, shop, 180_000)  # a change after the page, which the worker will not read
    monkeypatch.setattr(FileLog, "CATCH_UP_BYTES", 0)  # it starts at the log's end
    later = make_app()
    answer = later.test_client().get(url)
    assert answer.headers["X-Page-Cache"] == "miss" and shows_price(html(answer), 180_000)


def test_a_shared_form_gets_each_visitors_own_working_token(make_app, shop):
    first, second = make_app(WTF_CSRF_ENABLED=True), make_app(WTF_CSRF_ENABLED=True)
    url = pages(shop)["product"]
    alice, bob = first.test_client(), second.test_client()
    alice_token = CSRF_FIELD.search(html(alice.get(url))).group(1)
    served = bob.get(url)
    bob_token = CSRF_FIELD.search(html(served)).group(1)
    assert served.headers["X-Page-Cache"] == "hit"
    assert alice_token != bob_token and "pagecache-csrf" not in html(served)
    own = bob.post("/cart/items", data={"csrf_token": bob_token, "variant_id": shop["variant"], "quantity": "1"})
    assert own.status_code in (302, 303)


def test_sharing_can_be_switched_off(make_app, shop):
    first, second = make_app(PAGE_CACHE_SHARED_MAX_BYTES=0), make_app(PAGE_CACHE_SHARED_MAX_BYTES=0)
    url = pages(shop)["product"]
    first.test_client().get(url)
    assert second.test_client().get(url).headers["X-Page-Cache"] == "miss"


def test_an_unreadable_shared_page_is_a_miss(make_app, shop):
    first, second = make_app(), make_app()
    url = pages(shop)["home"]
    first.test_client().get(url)
    folder = first.extensions["apik_pagecache"].shared.folder
    for name in os.listdir(folder):
        (folder / name).write_bytes(b"not a page")
    answer = second.test_client().get(url)
    assert answer.status_code == 200 and answer.headers["X-Page-Cache"] == "miss"


def test_a_page_survives_packing_whole():
    entry = Entry(
        body=b"Batik <b>Rp 350.000</b>",
        status=200,
        content_type="text/html; charset=utf-8",
        etag="abc",
        has_csrf=True,
        rendered_at=1.5,
        valid_until=301.5,
        csp_sources=(("frame-src", ("https://www.youtube-nocookie.com",)),),
        tags=frozenset({"p:1", "store:2"}),
        position=42,
        epoch=3,
    )
    back, origin = _unpack(_pack(entry, (5, 77)))
    assert origin == (5, 77) and back == Entry(**{**entry.__dict__, "epoch": 0})


def test_the_folder_is_made_on_first_use_but_never_its_parents(tmp_path):
    missing = FilePages(tmp_path / "no-such-dir" / "pages", max_bytes=40_000, ttl=300)
    missing.clear()
    missing.prune()
    assert missing.get("page") is None
    with pytest.raises(FileNotFoundError):  # shared_put logs it: the page was served anyway
        missing.put("page", b"x", 300)
    assert not (tmp_path / "no-such-dir").exists()
    made = FilePages(tmp_path / "pages", max_bytes=40_000, ttl=300)
    made.put("page", b"x", 300)
    assert made.get("page") == b"x"


def test_the_shared_folder_stays_within_its_bytes(tmp_path):
    pages_ = FilePages(tmp_path / "pages", max_bytes=40_000, ttl=300)
    for n in range(60):
        pages_.put(f"page{n}", b"x" * 2_000, 300)
    total = sum(item.stat().st_size for item in os.scandir(tmp_path / "pages"))
    assert total <= 40_000 and pages_.get("page59") == b"x" * 2_000
    old = tmp_path / "pages" / "page59"
    os.utime(old, (1, 1))  # older than the TTL: no page lives that long
    pages_.prune()
    assert pages_.get("page59") is None


@pytest.mark.redis
def test_workers_share_pages_through_redis(make_app, shop, redis_url):
    first, second = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    assert first.extensions["apik_pagecache"].shared.__class__.__name__ == "RedisPages"
    url = pages(shop)["product"]
    made = first.test_client().get(url)
    with counting(second) as seen:
        served = second.test_client().get(url)
    assert served.headers["X-Page-Cache"] == "hit" and seen.statements == []
    assert _masked(served) == _masked(made)
    _change_price(second, shop, 199_000)
    answer = first.test_client().get(url)
    assert answer.headers["X-Page-Cache"] == "miss" and shows_price(html(answer), 199_000)
    assert re.search(r"199\.000", html(second.test_client().get(url)))
