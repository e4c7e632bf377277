"""A search's ranked page is remembered (search._run through pagecache.memo) for every visitor,
the page cache on or off: the ranking of the words' matches runs once, and a later request
reads the page's rows by id. Whatever changes which products the search finds, or their order,
drops the memo at once; what a card shows (price, name, stock) is read anew at every request.

Every change below goes through the services and a commit, as a seller or the agency makes it.
"""

from __future__ import annotations

import re

import pytest

from marketplace.catalog import services as catalog
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.buying_factories import variant_of
from tests.factories import gen_product, gen_store

PRODUCT_LINK = re.compile(r'href="/products/(\d+)[-/"]')


def _ranking(statements: list[str]) -> list[str]:
    """The statements that match search words: SQLite's FTS5 table, PostgreSQL's tsvector rows."""
    return [s for s in statements if "product_fts" in s or "product_search" in s]


def shown(client, url: str) -> list[int]:
    """The products a search page or the API lists, in order."""
    response = client.get(url)
    assert response.status_code == 200, url
    if url.startswith("/api/"):
        return [item["id"] for item in response.get_json()["items"]]
    found = [int(n) for n in PRODUCT_LINK.findall(response.get_data(as_text=True))]
    return list(dict.fromkeys(found))  # a card links its product more than once


@pytest.fixture
def batik(app):
    store = gen_store(name="Sari Tegal")  # no word of the search in the store's name or category
    kopi = gen_store(name="Kopi Tegal", sector="kuliner")
    slug = store.slug
    ids = [
        gen_product(store, f"Batik Tulis Motif {i}", price=100_000 + i * 1_000, category=None, description="Kain.").id
        for i in range(30)
    ]
    coffee = gen_product(kopi, "Kopi Tubruk Tegal", price=20_000, category=None, description="Kopi bubuk.").id
    db.session.remove()
    return {"store": slug, "ids": ids, "coffee": coffee}


URLS = (
    "/search?q=batik",
    "/search?q=batik&page=2",
    "/search?q=batik&sort=price_asc",
    "/search?q=batik&in_stock=1&min_price=110000",
    "/search?q=btaik",  # found by the typo's corrections, after the words as typed found nothing
    "/search?q=batik&page=9",  # past the last page
    "/api/v1/products?q=batik&per_page=5",
)


def test_a_repeated_search_is_not_ranked_again(client, count_queries, batik, uncached_visitor):
    first, pages = {}, {}
    for url in URLS:
        db.session.remove()
        with count_queries() as q:
            pages[url] = shown(client, url)
        first[url] = q.statements
        assert _ranking(first[url]), url
    assert len(pages["/search?q=batik"]) == 24 and len(pages["/search?q=batik&page=2"]) == 6
    assert pages["/search?q=btaik"] and pages["/search?q=batik&page=9"] == []
    for url in URLS:
        db.session.remove()
        with count_queries() as q:
            assert shown(client, url) == pages[url], url
        assert not _ranking(q.statements), (url, q.statements)
        assert len(q.statements) <= len(first[url]), url


def test_a_remembered_search_shows_every_change_at_once(app, client, count_queries, batik):
    app.config["PAGE_CACHE"] = False
    ids = batik["ids"]
    by_price = "/search?q=batik&sort=price_asc"
    assert shown(client, by_price)[:3] == ids[:3]

    # a card's price is read anew: no ranking, and the page shows the new price
    catalog.update_variant(variant_of(catalog.get_product(ids[0])), None, {"price": 109_500})
    db.session.commit()
    assert "109.500" in client.get("/search?q=batik&page=2").get_data(as_text=True)  # the oldest, last
    # the order by price follows it
    assert shown(client, by_price)[:3] == [ids[1], ids[2], ids[3]]
    assert shown(client, by_price)[8:11] == [ids[9], ids[0], ids[10]]
    catalog.update_variant(variant_of(catalog.get_product(ids[29])), None, {"price": 1_000})
    db.session.commit()
    assert shown(client, by_price)[0] == ids[29]

    # renamed away from the word, archived, or its store suspended: it leaves the results
    catalog.update_product(catalog.get_product(ids[5]), None, {"name": "Selendang Sutra"})
    catalog.set_product_status(catalog.get_product(ids[6]), None, "archived")
    db.session.commit()
    found = shown(client, "/search?q=batik") + shown(client, "/search?q=batik&page=2")
    assert len(found) == 28 and ids[5] not in found and ids[6] not in found
    assert shown(client, "/search?q=selendang") == [ids[5]]

    # a new product with the word is found on the page it belongs to
    store = stores.get_store(batik["store"])
    new = gen_product(store, "Batik Cap Terbaru", price=500, category=None, description="Kain.").id
    assert shown(client, by_price)[0] == new

    # sold out: it leaves the in-stock listing
    in_stock = "/search?q=batik&in_stock=1&sort=price_asc"
    assert shown(client, in_stock)[0] == new
    catalog.update_variant(variant_of(catalog.get_product(new)), None, {"stock": 0})
    db.session.commit()
    assert new not in shown(client, in_stock)

    # the other store's products join a search for its words when they get them
    assert shown(client, "/search?q=tubruk") == [batik["coffee"]]
    catalog.update_product(catalog.get_product(batik["coffee"]), None, {"name": "Kopi Batik Tubruk"})
    db.session.commit()
    found = shown(client, "/search?q=batik") + shown(client, "/search?q=batik&page=2")
    assert len(found) == 30 and batik["coffee"] in found  # 29 batik (one sold out), and the coffee

    stores.set_status(store, None, "suspended", reason="Izin edar habis")
    db.session.commit()
    assert len(shown(client, "/search?q=batik")) == 1
