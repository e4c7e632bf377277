"""Listing pages run a fixed number of SQL statements, whatever the page size.

Each page is counted rendered (the page cache off: a cached page costs none,
tests/integration/test_page_cache.py) for an anonymous visitor with 1 and with
50 products per page, over 64+ products in four stores, two photos each, with
the process's remembered counts forgotten first (the worst case). The budgets,
statement by statement:

  home            6  newest expo, featured vendors, newest products (no total), first photos, categories,
                     stores in a live expo (and when the badges change next)
  search ?q=      6  categories, the synonym list, the words in the search's vocabulary (both remembered
                     until the catalogue changes; a word the catalogue does not know adds one for its
                     corrections, and each fallback one), product page (+total, ranked), stores in a live
                     expo, the facets' counts (one UNION ALL for every facet, remembered like the total; it
                     replaced the city list of the drop-down, issue #23). A word in search.COUNT_ALONG_DOCS
                     products or more (not here) has the counts in the page's statement: 5
  search          6  categories, product page (newest first: the database stops at the page),
                     the total (counted apart, remembered until the catalogue changes; none on the last page),
                     first photos, stores in a live expo, the facets' counts
  sector          6  categories, product page, total (as above), first photos, stores in a live expo, facets
  category        6  categories (the category is picked from them), product page, total (as above),
                     first photos, stores in a live expo, facets
  stores list     2  store page (+total), cities
  storefront      6  store, product page, total (as above), first photos, stores in a live expo,
                     the store's booths (its "Stan di ..." links, issue #22)
  product page    7  product+store+category (+ whether the store exhibits now, and when that changes),
                     variants, photos, more from the store, their photos, the reviews block, the
                     store's shipping offer (the ongkir estimate, issue #18; a store shipping by
                     courier adds the rate plugins' own: the rate table's one statement)
  expo hall       3  expo with its zones, exhibitors with their stores, sessions with their booths
  GET /api/v1/products  3  product page, total (as above; a ranked ?q= has it in the page's statement),
                        the products' descriptions; ranked (?q=): 4, the synonym list, the vocabulary, the
                        page with its total, the descriptions; ``facets=1`` adds the categories (their
                        names), stores in a live expo and the facets' counts (tests/integration/test_facets.py;
                        ranked, the counts are in the page's statement)

"Stores in a live expo" is the expo badge of product cards and the product
page: one statement, made once per page by the first card that asks
(expo.queries.live_exhibitor_ids), none on pages without products.

A signed-in visitor costs the same one or two statements more on every page:
the user loader, and the header's cart count (base.html, not these pages); the
product page one more, the shopper's default address (the ongkir estimate to it).
"""

from datetime import timedelta

import pytest

from marketplace import pagecache
from marketplace.catalog import search
from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.catalog_seed import seed_many
from tests.factories import gen_product, gen_user, image_bytes

BUDGET = {
    "home": 6,
    "search": 6,
    "all": 6,
    "sector": 6,
    "category": 6,
    "stores": 2,
    "store": 6,
    "product": 7,
    "expo": 3,
    "api": 3,
}
RANKED_API = 4


@pytest.fixture(autouse=True)
def rendered(app):
    """Count what rendering costs: the page cache would answer the second request itself."""
    app.config["PAGE_CACHE"] = False


@pytest.fixture
def big(app):
    products = seed_many(n_stores=4, per_store=16)
    store = stores.get_store("toko-massal-0")
    start = now() - timedelta(days=1)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=7))
    for i, slug in enumerate(("toko-massal-0", "toko-massal-1", "toko-massal-2", "toko-massal-3")):
        expo.add_exhibitor(None, fair, stores.get_store(slug), booth=f"A{i}")
    expo.set_featured(None, [stores.get_store("toko-massal-1"), store])
    many = gen_product(
        store,
        "Batik Banyak Varian",
        variants=[{"name": f"Ukuran {i}", "sku": f"BV-{i}", "price": 1000 + i, "stock": i % 3} for i in range(50)],
    )
    for _ in range(8):
        catalog.add_image(many, None, image_bytes())
    db.session.commit()
    ids = {"one": products[0].id, "many": many.id}
    db.session.remove()
    return ids


URLS = {
    "home": "/",
    "search": "/search?q=batik",
    "all": "/search",
    "sector": "/sectors/fesyen",
    "category": "/categories/batik",
    "stores": "/stores",
    "store": "/stores/toko-massal-0",
    "expo": "/expo/apik-banget",
}


def count(client, count_queries, url):
    db.session.remove()  # each real request starts with an empty session
    pagecache.clear_local()  # no remembered total: the worst case
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
    # 50 a page may hold the whole listing: then there is nothing to count apart
    assert large <= small <= BUDGET[name], (name, small, large)


def test_product_page_statements_do_not_grow_with_variants_or_photos(client, count_queries, big):
    one = count(client, count_queries, f"/products/{big['one']}")
    many = count(client, count_queries, f"/products/{big['many']}")
    assert one == many <= BUDGET["product"], (one, many)


def test_api_products_statements_do_not_grow_with_page_size(client, count_queries, big):
    small = count(client, count_queries, "/api/v1/products?per_page=1")
    large = count(client, count_queries, "/api/v1/products?per_page=50")
    ranked = count(client, count_queries, "/api/v1/products?q=batik&per_page=50")
    assert small == large <= BUDGET["api"], (small, large)
    assert ranked == RANKED_API, ranked  # the ranked page counts its matches itself
    assert count(client, count_queries, f"/api/v1/products/{big['many']}") <= 3


def test_signed_in_visitor_costs_the_same_few_statements_on_every_page(app, client, auth, count_queries, big):
    """The layout's cost for a signed-in visitor (the user loader, and the header's
    cart count) is the same on every page and page size: the pages add nothing."""
    pages = {**URLS, "product": f"/products/{big['many']}"}
    anonymous = {}
    for size in (50, 1):
        app.config["PER_PAGE"] = size
        anonymous[size] = {name: count(client, count_queries, url) for name, url in pages.items()}
    gen_user(email="shopper@test.id")
    auth.login()
    app.config["PER_PAGE"] = 50
    extra = {name: count(client, count_queries, url) - anonymous[50][name] for name, url in pages.items()}
    app.config["PER_PAGE"] = 1
    extra_small = {name: count(client, count_queries, url) - anonymous[1][name] for name, url in pages.items()}
    assert extra == extra_small
    assert extra.pop("product") == extra["home"] + 1, extra  # the default address of the ongkir estimate
    assert len(set(extra.values())) == 1, extra
    assert 1 <= extra["home"] <= 2, extra  # user loader (+ cart count in the header)


def test_grids_really_hold_the_page_size(app, client, big):
    app.config["PER_PAGE"] = 50
    assert client.get("/search?q=batik").get_data(as_text=True).count('<article class="card">') == 50
    app.config["PER_PAGE"] = 1
    assert client.get("/search?q=batik").get_data(as_text=True).count('<article class="card">') == 1


def test_a_common_words_search_counts_its_facets_in_its_page_statement(client, count_queries, big, monkeypatch):
    """A word in search.COUNT_ALONG_DOCS products or more: the facets' counts are the page's."""
    monkeypatch.setattr(search, "COUNT_ALONG_DOCS", 0)  # the few products here make every word rare
    assert count(client, count_queries, URLS["search"]) == BUDGET["search"] - 1
