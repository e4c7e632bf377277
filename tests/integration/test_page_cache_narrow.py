"""The page cache drops what a write changed, not every page (marketplace/pagecache_products.py).

A small market: Batik Sari (fesyen, Kota Tegal; exhibiting in a running expo) sells two batiks,
Telur Asin Bu Tin (kuliner, Brebes) one box of salted eggs. Every page below is cached, then one
kind of write is made through the services (or SQL) and committed; each page is asked again, and
a page served without a single statement survived, one rendered again was dropped. Each case
names what must be dropped; everything else must survive.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from marketplace import pagecache
from marketplace import pagecache_tags as tags
from marketplace.catalog import facets, stock
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category, Product, Variant
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.expo.links import booth_key
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.buying_factories import variant_of
from tests.factories import gen_category, gen_product, gen_store, gen_user, image_bytes
from tests.sql_count import counting

EVERY_PAGE = "every page"


@pytest.fixture
def market(app):
    sari = gen_store(name="Batik Sari", sector="fesyen", city="Kota Tegal")
    tin = gen_store(name="Telur Asin Bu Tin", sector="kuliner", city="Brebes")
    gen_category("olahan-telur", "Olahan Telur", "kuliner")
    gen_category("tenun", "Tenun", "fesyen")
    tulis = gen_product(sari, name="Batik Tulis Sekar Jagad", price=350000, stock=7)
    cap = gen_product(sari, name="Batik Cap Kawung", price=150000, stock=3)
    telur = gen_product(tin, name="Telur Asin Brebes", price=25000, stock=50, category="olahan-telur")
    fair = expo.create_expo(None, "apik-banget", "Apik Banget", now() - timedelta(days=1), now() + timedelta(days=3))
    expo.add_exhibitor(None, fair, sari, booth="A1")
    db.session.commit()
    market = {
        "sari": sari.slug,
        "sari_id": sari.id,
        "tin": tin.slug,
        "tulis": tulis.id,
        "cap": cap.id,
        "telur": telur.id,
        "variant": variant_of(tulis).id,
        "pages": {
            "tulis": f"/products/{tulis.id}",
            "cap": f"/products/{cap.id}",
            "telur": f"/products/{telur.id}",
            "home": "/",
            "all": "/search",
            "word": "/search?q=batik",
            "word-telur": "/search?q=telur",
            "in-stock": "/search?in_stock=1",
            "cheap": "/search?sort=price_asc",
            "kuliner-cheap": "/sectors/kuliner?sort=price_asc",
            "sari": f"/stores/{sari.slug}",
            "tin": f"/stores/{tin.slug}",
            "batik": "/categories/batik",
            "tenun": "/categories/tenun",
            "olahan": "/categories/olahan-telur",
            "fesyen": "/sectors/fesyen",
            "kuliner": "/sectors/kuliner",
            "tegal": "/search?city=Kota+Tegal",
            "brebes": "/search?city=Brebes",
            "api": "/api/v1/products",
            "api-tulis": f"/api/v1/products/{tulis.id}",
            "api-telur": f"/api/v1/products/{telur.id}",
            "stores": "/stores",
            "hall": "/expo/apik-banget",
            "booth": f"/expo/apik-banget/booths/{booth_key('A1', sari.slug)}",
        },
    }
    db.session.remove()
    return market


def warm(client, pages: dict[str, str]) -> None:
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
    for name, url in pages.items():  # each one now a hit
        with counting() as sent:
            client.get(url)
        assert sent.statements == [], name


def dropped(client, pages: dict[str, str]) -> set[str]:
    """The pages rendered again (the others were served from the cache)."""
    found = set()
    for name, url in pages.items():
        with counting() as sent:
            client.get(url)
        if sent.statements:
            found.add(name)
    return found


def change_price(m):
    catalog.update_variant(catalog.get_variant(m["variant"]), None, {"price": 275000})


def rename(m):
    catalog.update_product(catalog.get_product(m["tulis"]), None, {"name": "Batik Tulis Parang Rusak"})


def add_photo(m):
    catalog.add_image(catalog.get_product(m["tulis"]), None, image_bytes())


def stock_stays(m):
    catalog.update_variant(catalog.get_variant(m["variant"]), None, {"stock": 4})


def stock_to_zero(m):
    catalog.update_variant(catalog.get_variant(m["variant"]), None, {"stock": 0})


def sale_leaving_stock(m):
    assert stock.reserve(m["variant"], 2)  # the checkout's own statement


def sale_of_the_last_units(m):
    assert stock.reserve(m["variant"], 7)


def new_product(m):
    gen_product(stores.get_store(m["sari"]), name="Batik Lasem", price=500000)


def archive(m):
    catalog.set_product_status(catalog.get_product(m["tulis"]), None, "archived")


def move_category(m):
    catalog.update_product(catalog.get_product(m["tulis"]), None, {"category": "tenun"})


def suspend_store(m):
    stores.set_status(stores.get_store(m["sari"]), gen_user(role="agency"), "suspended", reason="NIB tidak valid")


def rename_category(m):
    db.session.get(Category, gen_category("batik").id).name = "Batik Pesisir"


def add_exhibitor(m):
    fair = expo.get_expo("apik-banget")
    expo.add_exhibitor(None, fair, stores.get_store(m["tin"]), booth="B2")


def raw_sql(m):
    db.session.execute(text("UPDATE variants SET price = 99000 WHERE id = :id"), {"id": m["variant"]})


def bulk_statement_without_ids(m):
    db.session.execute(update(Variant).where(Variant.price > 100000).values(price=Variant.price + 1000))


# the pages that show Batik Tulis's card or page
SHOWS_TULIS = {"tulis", "cap", "home", "all", "word", "cheap", "sari", "batik", "fesyen", "tegal", "api", "api-tulis"}
SHOWS_TULIS |= {"booth", "in-stock"}
# the listings drawing on every product (home, search without a filter, the API listing); and
# the city facet of a page filtered by another city counts every city's products
EVERY_LISTING = {"home", "all", "word", "word-telur", "cheap", "api", "brebes", "in-stock"}
# the listings that show only what is in stock; the in-stock and price counts of the other
# facet pages may lag (catalog/facets.py, COUNT_MAX_AGE; test_facet_counts_of_stock_and_price_lag...)
IN_STOCK_ONLY = {"in-stock"}

CASES = {
    "price": (change_price, SHOWS_TULIS),
    "name": (rename, SHOWS_TULIS | {"word-telur"}),  # any search may now find it
    "photo": (add_photo, SHOWS_TULIS),
    "stock that stays above zero": (stock_stays, {"tulis", "api-tulis"}),
    "stock to zero": (stock_to_zero, {"tulis", "api-tulis"} | IN_STOCK_ONLY),
    "a sale leaving stock": (sale_leaving_stock, {"tulis", "api-tulis"}),
    "a sale of the last units": (sale_of_the_last_units, {"tulis", "api-tulis"} | IN_STOCK_ONLY),
    # its store's pages (a product page's "more from this store", the booth) and every listing it may be in
    "new product": (new_product, EVERY_LISTING | {"tulis", "cap", "sari", "batik", "fesyen", "tegal", "booth"}),
    "archived": (archive, SHOWS_TULIS | EVERY_LISTING),
    "moved to another category": (move_category, SHOWS_TULIS | EVERY_LISTING | {"tenun"}),
    "store suspended": (suspend_store, EVERY_PAGE),
    "category renamed": (rename_category, EVERY_PAGE),
    "exhibitor added": (add_exhibitor, EVERY_PAGE),
    "raw SQL": (raw_sql, EVERY_PAGE),
    "a statement naming no ids": (bulk_statement_without_ids, EVERY_PAGE),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_write_drops_what_it_changed_and_nothing_else(client, market, case):
    write, expected = CASES[case]
    pages = market["pages"]
    warm(client, pages)
    write(market)
    db.session.commit()
    db.session.remove()
    assert dropped(client, pages) == (set(pages) if expected == EVERY_PAGE else expected)


def test_what_a_dropped_page_shows_is_new(client, market):
    pages = market["pages"]
    warm(client, pages)
    change_price(market)
    db.session.commit()
    for name in SHOWS_TULIS - {"api", "api-tulis"}:
        page = client.get(pages[name]).get_data(as_text=True)
        assert "275.000" in page and "350.000" not in page, name
    assert client.get(pages["tulis"]).status_code == 200
    archive(market)
    db.session.commit()
    assert client.get(pages["tulis"]).status_code == 404
    assert "Sekar Jagad" not in client.get(pages["sari"]).get_data(as_text=True)
    assert client.get(pages["api"]).get_json()["total"] == 2


def test_stock_back_above_zero_drops_the_product_page_and_the_in_stock_listings(client, market):
    stock_to_zero(market)
    db.session.commit()
    pages = market["pages"]
    warm(client, pages)
    catalog.update_variant(catalog.get_variant(market["variant"]), None, {"stock": 5})
    db.session.commit()
    assert dropped(client, pages) == {"tulis", "api-tulis"} | IN_STOCK_ONLY
    assert "Stok: 5" in client.get(pages["tulis"]).get_data(as_text=True)


def test_facet_counts_of_stock_and_price_lag_a_minute_at_most(client, market, monkeypatch):
    """A sale of the last units keeps the facet pages (the products they show did not change)
    until they are COUNT_MAX_AGE old; then they show the new counts. A page nothing changed
    for lives on."""
    pages = {name: market["pages"][name] for name in ("all", "word", "batik", "fesyen", "tegal")}
    # a clock that moves only when the test moves it, however slow the machine, from the start
    # of a PAGE_CACHE_TTL slice: counts are also remembered per slice (search.filter_key)
    shift = [time.time() // 300 * 300 + 1]
    monkeypatch.setattr(time, "time", lambda: shift[0])
    warm(client, pages)
    before = {name: in_stock_count(client, url) for name, url in pages.items()}
    shift[0] += facets.COUNT_MAX_AGE / 2
    sale_of_the_last_units(market)  # (a price's lag: the "price" case, word-telur)
    db.session.commit()
    db.session.remove()
    assert dropped(client, pages) == set()
    assert {name: in_stock_count(client, url) for name, url in pages.items()} == before
    # a page first rendered now reads the counts remembered before the sale: it lives no longer
    sorted_url = "/search?sort=price_desc"
    assert in_stock_count(client, sorted_url) == before["all"]
    shift[0] += facets.COUNT_MAX_AGE / 2
    assert dropped(client, pages | {"sorted": sorted_url}) == set(pages) | {"sorted"}
    after = {name: in_stock_count(client, url) for name, url in pages.items()}
    assert after == {name: count - 1 for name, count in before.items()}
    shift[0] += facets.COUNT_MAX_AGE * 3  # nothing changed since: the pages stay
    assert dropped(client, pages) == set()


def in_stock_count(client, url: str) -> int:
    """The count the page's in-stock switch shows."""
    found = re.search(r'in_stock=1[^>]*>[^<]*<span class="n">(\d+)</span>', client.get(url).get_data(as_text=True))
    assert found, url
    return int(found.group(1))


def test_a_rolled_back_savepoint_keeps_what_the_transaction_changed(client, market):
    """A plugin's event handler runs in a savepoint: one that fails is rolled back alone, and
    the product change around it still drops its pages when the transaction commits."""
    pages = {name: market["pages"][name] for name in ("tulis", "telur")}
    warm(client, pages)
    change_price(market)
    try:
        with db.session.begin_nested():
            db.session.execute(text("SELECT 1"))
            raise RuntimeError("a plugin's handler fails")
    except RuntimeError:
        pass
    db.session.commit()
    assert dropped(client, pages) == {"tulis"}


def test_a_savepoint_publishes_nothing_before_the_transaction_commits(client, market):
    pages = {name: market["pages"][name] for name in ("tulis", "telur")}
    warm(client, pages)
    change_price(market)
    with db.session.begin_nested():
        db.session.execute(text("SELECT 1"))
    assert dropped(client, pages) == set()  # not committed yet: the old price is still the truth
    db.session.commit()
    assert dropped(client, pages) == {"tulis"}


def test_a_big_import_drops_every_page(client, market, monkeypatch):
    """Past MAX_PRODUCTS products in one transaction the changes are not narrowed: every page goes."""
    from marketplace import pagecache_products

    monkeypatch.setattr(pagecache_products, "MAX_PRODUCTS", 2)
    pages = {name: market["pages"][name] for name in ("tulis", "telur", "tin")}
    warm(client, pages)
    for product_id in (market["cap"], market["telur"], market["tulis"]):
        db.session.get(Product, product_id).description = "Baru."
    db.session.commit()
    assert dropped(client, pages) == set(pages)


def test_an_undeclared_table_of_a_plugin_drops_every_page(make_app, market, monkeypatch):
    from marketplace import pagecache_rules
    from plugins.esmart_sync.models import EsmartRun

    app = make_app(plugins="esmart_sync")
    client = app.test_client()
    pages = {name: market["pages"][name] for name in ("tulis", "tin", "stores")}
    with app.app_context():
        warm(client, pages)
        monkeypatch.setattr(pagecache_rules, "_built_for", -1)
        monkeypatch.delattr(EsmartRun, "__page_cache__")
        db.session.add(EsmartRun(kind="pull", source="file", status="succeeded"))
        db.session.commit()
        assert dropped(client, pages) == set(pages)
    monkeypatch.undo()
    pagecache_rules._built_for = -1


def test_another_app_on_the_database_sees_the_change_and_keeps_the_rest(make_app, market):
    """Two workers of one host: the change log is a file beside the generation files."""
    first, second = make_app(), make_app()
    pages = {name: market["pages"][name] for name in ("tulis", "telur", "tin", "sari")}
    client = first.test_client()
    with first.app_context():
        warm(client, pages)
    with second.app_context():
        change_price(market)
        db.session.commit()
    with first.app_context():
        assert dropped(client, pages) == {"tulis", "sari"}
    assert "275.000" in client.get(pages["tulis"]).get_data(as_text=True)


@pytest.mark.redis
def test_another_host_sees_the_change_through_redis(make_app, market, redis_url):
    import uuid

    prefix = f"apik:test:{uuid.uuid4().hex}:"  # this test's own keys: other runs share the Redis
    first, second = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    for app in (first, second):
        app.extensions[pagecache._EXTENSION].generations = pagecache.RedisGenerations(redis_url, prefix)
    pages = {name: market["pages"][name] for name in ("tulis", "telur", "tin", "sari", "api")}
    client = first.test_client()
    try:
        with first.app_context():
            warm(client, pages)
        with second.app_context():
            change_price(market)
            db.session.commit()
            stock_stays(market)
            db.session.commit()
        with first.app_context():
            assert dropped(client, pages) == {"tulis", "sari", "api"}
        assert "275.000" in client.get(pages["tulis"]).get_data(as_text=True)
    finally:
        first.extensions[pagecache._EXTENSION].generations.client.delete(
            prefix + "catalog", prefix + "detail", prefix + "changes", prefix + "changes:n"
        )


@pytest.mark.redis
def test_a_trimmed_redis_log_empties_a_process_that_fell_behind(make_app, market, redis_url, monkeypatch):
    import uuid

    from marketplace.pagecache_log import RedisLog

    prefix = f"apik:test:{uuid.uuid4().hex}:"
    app = make_app(REDIS_URL=redis_url)
    cache = app.extensions[pagecache._EXTENSION]
    cache.generations = pagecache.RedisGenerations(redis_url, prefix)
    client = app.test_client()
    pages = {name: market["pages"][name] for name in ("tulis", "telur")}
    try:
        with app.app_context():
            warm(client, pages)
        log = cache.generations.log
        for _ in range(5):  # another host's changes, of nothing these pages show...
            log.append({"p:999"})
        log.client.xtrim(log.stream, maxlen=2, approximate=False)  # ...trimmed before this process read them
        with app.app_context():
            assert dropped(client, pages) == set(pages)  # what it missed is unknown: everything goes
            assert dropped(client, pages) == set()
        monkeypatch.setattr(RedisLog, "CATCH_UP", 2)
        for _ in range(3):
            log.append({"p:999"})
        with app.app_context():
            assert dropped(client, pages) == set()  # read in turn, two at a time
    finally:
        cache.generations.client.delete(prefix + "catalog", prefix + "detail", prefix + "changes", prefix + "changes:n")


@pytest.fixture
def one_host(make_app, market):
    """An app whose change log is the file (even when the suite runs with REDIS_URL)."""
    app = make_app(REDIS_URL="")
    with app.app_context():
        assert isinstance(pagecache._cache().generations, pagecache.FileGenerations)
        yield app.test_client(), pagecache._cache().generations.log


def test_a_replaced_log_file_empties_every_process(one_host, market):
    client, log = one_host
    pages = {name: market["pages"][name] for name in ("tulis", "telur")}
    warm(client, pages)
    log._replace()  # as when the file passes its size: nobody knows what the old one would have said
    assert dropped(client, pages) == set(pages)
    assert dropped(client, pages) == set()


def test_a_log_line_being_written_is_read_when_whole(one_host, market):
    client, log = one_host
    pages = {name: market["pages"][name] for name in ("tulis", "telur")}
    warm(client, pages)
    with open(log.name, "ab") as half:
        half.write(f"{tags.product(market['telur'])} {tags.product(market['tulis'])}".encode())
        half.flush()
        assert dropped(client, pages) == set()  # no end of line yet: not a change yet
        half.write(b"\n")
    assert dropped(client, pages) == set(pages)


def test_a_page_rendered_from_data_older_than_a_commit_is_never_served_after_it(make_app, market):
    """The render reads the old price, then a commit changes it before the page is stored: the
    stored page carries the log position its request read first, so it is stale at once."""
    app = make_app()
    read, release = threading.Event(), threading.Event()

    def slow_price_page():
        price = db.session.scalar(text("SELECT price FROM variants WHERE id = :id"), {"id": market["variant"]})
        pagecache.depends_on(tags.product(market["tulis"]))
        read.set()
        release.wait(10)
        return f"<p>{price}</p>"

    app.add_url_rule("/_test/price", "test_price", pagecache.cached(html=False, narrow=True)(slow_price_page))
    answers: list = []
    visitor = threading.Thread(target=lambda: answers.append(app.test_client().get("/_test/price")))
    visitor.start()
    assert read.wait(10)
    with app.app_context():
        change_price(market)
        db.session.commit()
    release.set()
    visitor.join(20)
    assert answers[0].get_data(as_text=True) == "<p>350000</p>"  # rendered before the commit
    assert app.test_client().get("/_test/price").get_data(as_text=True) == "<p>275000</p>"


def test_a_memo_follows_its_tags(app, market):
    """A listing's total, remembered: dropped by a change of its own dimension only; a memo that
    names nothing, by any product change; one that depends on nothing, only by the generation."""
    calls: list[str] = []

    def ask(name: str, depends=None):
        def compute():
            calls.append(name)
            return len(calls)

        with app.app_context(), app.test_request_context("/"):  # a request of its own, as in production
            return pagecache.memo((name,), compute, depends=depends)

    def asked_again() -> list[str]:
        calls.clear()
        ask("sari", (tags.store(market["sari_id"]),))
        ask("any")
        ask("fixed", ())
        return sorted(calls)

    assert asked_again() == ["any", "fixed", "sari"]
    assert asked_again() == []
    change_price_of(market["telur"], 30000)  # another store's product
    assert asked_again() == ["any"]
    change_price(market)  # the store's count stays: a price is no membership
    db.session.commit()
    assert asked_again() == ["any"]
    new_product(market)
    assert asked_again() == ["any", "sari"]
    pagecache.invalidate("catalog")
    assert asked_again() == ["any", "fixed", "sari"]


def change_price_of(product_id: int, price: int) -> None:
    catalog.update_variant(variant_of(catalog.get_product(product_id)), None, {"price": price})
    db.session.commit()


def test_a_draft_is_in_no_listing_until_it_is_active(client, market):
    pages = market["pages"]
    warm(client, pages)
    draft = gen_product(stores.get_store(market["sari"]), name="Batik Lasem", status="draft")
    catalog.update_product(draft, None, {"name": "Batik Lasem Tiga Negeri", "description": "Belum dijual."})
    db.session.commit()
    assert dropped(client, pages) == set()
    catalog.set_product_status(catalog.get_product(draft.id), None, "active")
    db.session.commit()
    assert dropped(client, pages) == CASES["new product"][1]


def test_a_commit_with_a_savepoint_still_open_drops_what_it_changed(client, market):
    pages = {name: market["pages"][name] for name in ("tulis", "telur")}
    warm(client, pages)
    db.session.begin_nested()
    change_price(market)
    db.session.commit()  # the savepoint and the transaction at once
    assert "tulis" in dropped(client, pages)
