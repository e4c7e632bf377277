"""X-Page-Cache: which way an anonymous visitor's catalogue page went, so a load test
(bench/expo_load.py) can count the page cache's hit ratio from the answers alone."""

from __future__ import annotations

import pytest

from marketplace.catalog import services as catalog
from marketplace.extensions import db
from tests.buying_factories import variant_of
from tests.factories import gen_product, gen_store, gen_user


@pytest.fixture
def shop(app):
    store = gen_store(name="Batik Sari")
    product = gen_product(store, name="Batik Tulis Sekar Jagad", price=350000, stock=7)
    data = {"store": store.slug, "product": product.id, "variant": variant_of(product).id}
    db.session.remove()
    return data


def urls(shop) -> list[str]:
    return [
        "/",
        "/search?q=batik",
        "/categories/batik",
        f"/stores/{shop['store']}",
        f"/products/{shop['product']}",
        "/api/v1/products",
    ]


def test_a_visitor_misses_a_page_once_then_hits_it(client, shop):
    for url in urls(shop):
        assert client.get(url).headers["X-Page-Cache"] == "miss", url
        assert client.get(url).headers["X-Page-Cache"] == "hit", url


def test_a_change_makes_the_next_visit_a_miss(client, shop):
    url = f"/products/{shop['product']}"
    client.get(url)
    catalog.update_variant(catalog.get_variant(shop["variant"]), None, {"price": 275000})
    db.session.commit()
    assert client.get(url).headers["X-Page-Cache"] == "miss"
    assert client.get(url).headers["X-Page-Cache"] == "hit"


def test_pages_the_cache_is_not_for_say_nothing(app, client, auth, shop):
    gen_user(email="shopper@test.id", name="Rina Wulandari")
    auth.login()
    assert "X-Page-Cache" not in client.get("/").headers  # a signed-in visitor's own page
    auth.logout()
    assert "X-Page-Cache" not in client.get("/cart").headers  # not a cached page at all
    app.config["PAGE_CACHE"] = False
    assert "X-Page-Cache" not in client.get("/search?q=batik").headers
