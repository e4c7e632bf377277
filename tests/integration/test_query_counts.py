"""Listing pages run a fixed number of SQL statements, whatever the page size.

Each page is counted for an anonymous visitor (the hot case) with 1 and with 50
products per page, over 64+ products in four stores, two photos each. The
budgets, statement by statement:

  home            6  newest expo, featured vendors, newest products (no total), first photos, categories,
                     stores in a live expo
  search ?q=      5  categories, cities, product page (+total, ranked), first photos, stores in a live expo
  sector          5  categories, cities, product page (+total), first photos, stores in a live expo
  category        5  categories (the category is picked from them), cities, product page, first photos,
                     stores in a live expo
  stores list     2  store page (+total), cities
  storefront      4  store, product page (+total), first photos, stores in a live expo
  product page    6  product+store+category (+ whether the store exhibits now), variants, photos,
                     more from the store, their photos, the reviews block (rating, count, latest)
  expo hall       2  expo with its zones, exhibitors with their stores
  GET /api/v1/products  2  product page (+total), first photos

"Stores in a live expo" is the expo badge of product cards and the product
page: one statement, made once per page by the first card that asks
(expo.queries.live_exhibitor_ids), none on pages without products.

A signed-in visitor costs the same one or two statements more on every page:
the user loader, and the header's cart count (base.html, not these pages).
"""
from datetime import timedelta

import pytest

from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.catalog_seed import seed_many
from tests.factories import gen_product, gen_user, image_bytes

BUDGET = {"home": 6, "search": 5, "sector": 5, "category": 5, "stores": 2, "store": 4, "product": 6,
          "expo": 2, "api": 2}


@pytest.fixture
def big(app):
    products = seed_many(n_stores=4, per_store=16)
    store = stores.get_store("toko-massal-0")
    start = now() - timedelta(days=1)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=7))
    for i, slug in enumerate(("toko-massal-0", "toko-massal-1", "toko-massal-2", "toko-massal-3")):
        expo.add_exhibitor(None, fair, stores.get_store(slug), booth=f"A{i}")
    expo.set_featured(None, [stores.get_store("toko-massal-1"), store])
    many = gen_product(store, "Batik Banyak Varian", variants=[
        {"name": f"Ukuran {i}", "sku": f"BV-{i}", "price": 1000 + i, "stock": i % 3} for i in range(50)])
    for _ in range(8):
        catalog.add_image(many, None, image_bytes())
    db.session.commit()
    ids = {"one": products[0].id, "many": many.id}
    db.session.remove()
    return ids


URLS = {
    "home": "/",
    "search": "/search?q=batik",
    "sector": "/sectors/fesyen",
    "category": "/categories/batik",
    "stores": "/stores",
    "store": "/stores/toko-massal-0",
    "expo": "/expo/apik-banget",
}


def count(client, count_queries, url):
    db.session.remove()  # each real request starts with an empty session
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return q.count


@pytest.mark.parametrize("name", list(URLS))
def test_page_statements_do_not_grow_with_page_size(app, client, count_queries, big, name):
    app.config["PER_PAGE"] = 1
    small = count(client, count_queries, URLS[name])
    app.config["PER_PAGE"] = 50
    large = count(client, count_queries, URLS[name])
    assert small == large <= BUDGET[name], (name, small, large)


def test_product_page_statements_do_not_grow_with_variants_or_photos(client, count_queries, big):
    one = count(client, count_queries, f"/products/{big['one']}")
    many = count(client, count_queries, f"/products/{big['many']}")
    assert one == many <= BUDGET["product"], (one, many)


def test_api_products_statements_do_not_grow_with_page_size(client, count_queries, big):
    small = count(client, count_queries, "/api/v1/products?per_page=1")
    large = count(client, count_queries, "/api/v1/products?per_page=50")
    ranked = count(client, count_queries, "/api/v1/products?q=batik&per_page=50")
    assert small == large == ranked <= BUDGET["api"], (small, large, ranked)
    assert count(client, count_queries, f"/api/v1/products/{big['many']}") <= 3


def test_signed_in_visitor_costs_the_same_few_statements_on_every_page(app, client, auth, count_queries, big):
    """The layout's cost for a signed-in visitor (the user loader, and the header's
    cart count) is the same on every page and page size: the pages add nothing."""
    pages = {**URLS, "product": f"/products/{big['many']}"}
    app.config["PER_PAGE"] = 50
    anonymous = {name: count(client, count_queries, url) for name, url in pages.items()}
    gen_user(email="shopper@test.id")
    auth.login()
    extra = {name: count(client, count_queries, url) - anonymous[name] for name, url in pages.items()}
    app.config["PER_PAGE"] = 1
    extra_small = {name: count(client, count_queries, url) - anonymous[name] for name, url in pages.items()}
    assert extra == extra_small
    assert len(set(extra.values())) == 1, extra
    assert 1 <= extra["home"] <= 2, extra  # user loader (+ cart count in the header)


def test_grids_really_hold_the_page_size(app, client, big):
    app.config["PER_PAGE"] = 50
    assert client.get("/search?q=batik").get_data(as_text=True).count('<article class="card">') == 50
    app.config["PER_PAGE"] = 1
    assert client.get("/search?q=batik").get_data(as_text=True).count('<article class="card">') == 1
